"""One target declared twice, found once the ids are resolved (QA round two, D2 and D4):
a channel by name and by ``arn:``, a meeting through two ``${VARIABLE}``s holding one id.
As for rooms: a located plan error at each declaration, naming the other, exit 1, and
nothing applied. The CLI, the real boto3 clients, the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHANNEL = f"{INSTANCE}/channel/incident-chat"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
WRITES = (
    "BatchCreateChannelMembership",
    "DeleteChannelMembership",
    "CreateChannelModerator",
    "DeleteChannelModerator",
    "BatchCreateAttendee",
    "UpdateAttendeeCapabilities",
    "DeleteAttendee",
)

CHAT_SEED = {
    "app_instances": [
        {
            "arn": INSTANCE,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [{"id": "reconciler"}]
            + [{"id": f"{u}@example.com"} for u in ("alice", "bob", "dave", "mallory")],
            "channels": [
                {
                    "name": "incident-chat",
                    "id": "incident-chat",
                    "members": ["reconciler", "alice@example.com", "mallory@example.com"],
                    "hidden": ["dave@example.com"],
                    "moderators": ["reconciler", "alice@example.com"],
                }
            ],
        }
    ]
}
CHAT_SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """
# the QA repro: each entry alone would undo the other's changes on every apply
CHANNEL_TWICE = f"""
    channels:
      incident-chat:
        prune: true
        members: [alice@example.com, mallory@example.com, bob@example.com]
        hidden: [dave@example.com]
        moderators: [alice@example.com]
      copy:
        arn: {CHANNEL}
        prune: true
        members: [alice@example.com]
        moderators: [alice@example.com]
    """
CHANNEL_ERRORS = [
    f"Error: desired-state/chat.yaml:2: channel {CHANNEL} is declared more than once "
    "(also as copy at desired-state/chat.yaml:7); declare it once",
    f"Error: desired-state/chat.yaml:7: channel {CHANNEL} is declared more than once "
    "(also as incident-chat at desired-state/chat.yaml:2); declare it once",
]

PRESENTER = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
MUTED = {"audio": "Receive", "video": "None", "content": "None"}
MEETING_SEED = {
    "meetings": [
        {
            "id": MEETING,
            "external_meeting_id": "incident-42",
            "attendees": [
                {"external_user_id": "alice@example.com", "capabilities": PRESENTER},
                {"external_user_id": "mallory@example.com", "capabilities": PRESENTER},
                {"external_user_id": "bob@example.com", "capabilities": MUTED},
            ],
        }
    ]
}
MEETING_TWICE = """
    meetings:
      b:
        meeting_id: ${INCIDENT_MEETING_ID}
        prune: true
        attendees: {alice@example.com: presenter, bob@example.com: viewer, mallory@example.com: participant}
      c:
        meeting_id: ${OTHER_ID}
        prune: true
        attendees: {alice@example.com: viewer}
    """  # noqa: E501 (the QA repro as written)
MEETING_ERRORS = [
    f"Error: desired-state/m.yaml:2: meeting {MEETING} is declared more than once "
    "(also as c at desired-state/m.yaml:6); declare it once",
    f"Error: desired-state/m.yaml:6: meeting {MEETING} is declared more than once "
    "(also as b at desired-state/m.yaml:2); declare it once",
]
INCOMPLETE = "No changes planned, but the plan is incomplete: 2 errors above."
NOTHING_APPLIED = (
    "Error: Nothing was applied: the plan has 2 errors (above). Fix them and run apply again."
)


@pytest.fixture
def channel_twice(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    emulator.reset(CHAT_SEED)
    write_desired({"settings.yaml": CHAT_SETTINGS, "chat.yaml": CHANNEL_TWICE})
    return emulator


@pytest.fixture
def meeting_twice(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    monkeypatch.setenv("OTHER_ID", MEETING)
    emulator.reset(MEETING_SEED)
    write_desired({"m.yaml": MEETING_TWICE})
    return emulator


def written(calls: Callable[[], dict[str, int]]) -> dict[str, int]:
    return {op: n for op, n in calls().items() if op in WRITES}


@pytest.mark.parametrize("kind", ["channel", "meeting"])
def test_one_target_declared_twice_is_a_plan_error_at_both_entries_and_nothing_is_applied(
    kind: str,
    request: pytest.FixtureRequest,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
) -> None:
    twice: EmulatorServer = request.getfixturevalue(f"{kind}_twice")
    errors = CHANNEL_ERRORS if kind == "channel" else MEETING_ERRORS

    def state() -> object:
        if kind == "channel":
            messaging = twice.messaging
            return messaging.channel_members(CHANNEL), messaging.channel_moderators(CHANNEL)
        return twice.meetings.attendees_of(MEETING)

    before = state()
    planned = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert (planned.exit_code, planned.lines) == (1, [*errors, "", INCOMPLETE])
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert (applied.exit_code, applied.lines, applied.err_lines) == (
        1,
        [*errors, "", INCOMPLETE],
        [*errors, NOTHING_APPLIED],  # stdout no terminal: the errors on stderr too (Q-GK-2)
    )
    assert written(calls) == {}
    assert state() == before


def test_a_channel_declared_twice_in_two_files_names_each_file(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator.reset(CHAT_SEED)
    write_desired(
        {
            "settings.yaml": CHAT_SETTINGS,
            "a.yaml": "channels:\n  incident-chat: {members: [alice@example.com]}\n",
            "b.yaml": f"channels:\n  copy: {{arn: '{CHANNEL}', moderators: [alice@example.com]}}\n",
        }
    )
    run = cli(*UNPACED, "plan", "--format", "json")
    assert run.exit_code == 1
    assert json.loads(run.stdout)["errors"] == [
        f"desired-state/a.yaml:2: channel {CHANNEL} is declared more than once "
        "(also as copy at desired-state/b.yaml:2); declare it once",
        f"desired-state/b.yaml:2: channel {CHANNEL} is declared more than once "
        "(also as incident-chat at desired-state/a.yaml:2); declare it once",
    ]
    assert json.loads(run.stdout)["targets"] == []
    explained = cli(*UNPACED, "explain", "alice@example.com", "--format", "json")
    assert explained.exit_code == 0, explained.stderr
    seen = [
        (t["name"], t["live"], t["plan"]["outcome"])
        for t in json.loads(explained.stdout)["targets"]
    ]
    read = {"role": "DEFAULT", "read": True}
    assert seen[:2] == [("copy", read, "not-planned"), ("incident-chat", read, "not-planned")]


def test_a_meeting_by_literal_id_and_by_variable_is_a_plan_error(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INCIDENT_MEETING_ID", f" {MEETING} ")  # blanks around: the same id
    emulator.reset(MEETING_SEED)
    write_desired(
        {
            "m.yaml": f"""
                meetings:
                  by-id:
                    meeting_id: {MEETING}
                    attendees: {{alice@example.com: presenter}}
                  by-variable:
                    meeting_id: ${{INCIDENT_MEETING_ID}}
                    attendees: {{alice@example.com: presenter}}
                """
        }
    )
    run = cli(*UNPACED, "plan")
    assert (run.exit_code, run.lines) == (
        1,
        [
            f"Error: desired-state/m.yaml:2: meeting {MEETING} is declared more than once "
            "(also as by-variable at desired-state/m.yaml:5); declare it once",
            f"Error: desired-state/m.yaml:5: meeting {MEETING} is declared more than once "
            "(also as by-id at desired-state/m.yaml:2); declare it once",
            "",
            INCOMPLETE,
        ],
    )


def test_two_variables_holding_two_meetings_are_planned_as_two(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = "6f1c2a9e-0000-4000-8000-000000000002"
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    monkeypatch.setenv("OTHER_ID", other)
    second = {"id": other, "external_meeting_id": "other", "attendees": []}
    seed: dict[str, Any] = {"meetings": [*MEETING_SEED["meetings"], second]}
    emulator.reset(seed)
    write_desired({"m.yaml": MEETING_TWICE})
    run = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert run.exit_code == 2, run.stdout + run.stderr
    assert f"# meeting c (meeting_id ${{OTHER_ID}}, id {other})" in run.lines


def test_a_meeting_declared_twice_is_not_read(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """QA-GI Q-GI-11: both ids are known before any call (a literal, a variable's value),
    so the meeting the plan refuses is not read, as a room declared twice is not; the
    meeting declared once beside it is read at the bound (1 GetMeeting, 1 ListAttendees)."""
    other = "6f1c2a9e-0000-4000-8000-000000000003"
    monkeypatch.setenv("MEET_A", other)
    third = {"id": other, "external_meeting_id": "third", "attendees": []}
    seed: dict[str, Any] = {"meetings": [*MEETING_SEED["meetings"], third]}
    emulator.reset(seed)
    write_desired(
        {
            "m.yaml": f"""
                meetings:
                  a:
                    meeting_id: ${{MEET_A}}
                    attendees: {{alice@example.com: presenter}}
                  b:
                    meeting_id: {other.upper()}
                    attendees: {{bob@example.com: viewer}}
                  once:
                    meeting_id: {MEETING}
                    attendees: {{alice@example.com: presenter}}
                """
        }
    )
    run = cli(*UNPACED, "plan")
    errors = [line for line in run.lines if line.startswith("Error: ")]
    assert (run.exit_code, errors) == (
        1,
        [
            f"Error: desired-state/m.yaml:2: meeting {other} is declared more than once "
            "(also as b at desired-state/m.yaml:5); declare it once",
            f"Error: desired-state/m.yaml:5: meeting {other} is declared more than once "
            "(also as a at desired-state/m.yaml:2); declare it once",
        ],
    )
    assert calls() == {"GetMeeting": 1, "ListAttendees": 1}
    # explain and audit still say why the plan refuses it
    run = cli(*UNPACED, "explain", "bob@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    targets = {t["name"]: t for t in json.loads(run.stdout)["targets"]}
    assert targets["b"]["plan"]["outcome"] == "not-planned"
    assert "is declared more than once" in targets["b"]["plan"]["note"]
