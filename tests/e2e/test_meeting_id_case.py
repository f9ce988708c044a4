"""A meeting id in any case (Q-CH-2): UUIDs are case-insensitive, so the tool reads one,
literal or from ``${VARIABLE}``, in lower case (as AWS answers it): an upper-case id is
planned, two spellings of one meeting are one meeting declared twice, and a saved plan
made with one spelling applies with the other. The emulator finds a meeting by its id in
any case, and answers with it in lower case."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
UPPER = MEETING.upper()


@pytest.fixture
def bridge(emulator: EmulatorServer) -> EmulatorServer:
    emulator.reset({"meetings": [{"id": MEETING, "external_meeting_id": "incident-42"}]})
    return emulator


def one(meeting_id: str, presenter: str = "alice@example.com") -> str:
    return (
        f"    meeting_id: {meeting_id}\n    prune: true\n"
        f"    attendees: {{{presenter}: presenter}}\n"
    )


def test_an_upper_case_meeting_id_is_planned_and_applied(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    write_desired({"m.yaml": "meetings:\n  bridge:\n" + one(UPPER)})
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stderr
    assert planned.lines[:2] == [
        f"# meeting bridge (meeting_id {UPPER}, id {MEETING})",
        "  + alice@example.com (audio SendReceive, video SendReceive, content SendReceive)",
    ]
    for spelling in (UPPER, MEETING):  # --target takes the id as written and as read
        assert cli("plan", "--target", spelling).lines == planned.lines
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert set(bridge.meetings.attendees_of(MEETING)) == {"alice@example.com"}


def test_two_spellings_of_one_meeting_are_declared_more_than_once(
    bridge: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIDGE_ID", MEETING)
    write_desired(
        {
            "m.yaml": "meetings:\n  upper:\n"
            + one(UPPER)
            + "  lower:\n"
            + one("${BRIDGE_ID}", "bob@example.com")
        }
    )
    planned = cli("plan")
    assert planned.exit_code == 1
    assert (
        f"Error: desired-state/m.yaml:2: meeting {MEETING} is declared more than once "
        "(also as lower at desired-state/m.yaml:6); declare it once"
    ) in planned.lines
    assert "has ended" not in planned.stdout + planned.stderr
    assert bridge.meetings.attendees_of(MEETING) == {}


def test_a_saved_plan_applies_with_the_id_in_another_case(
    bridge: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_desired({"m.yaml": "meetings:\n  bridge:\n" + one("${BRIDGE_ID}")})
    monkeypatch.setenv("BRIDGE_ID", UPPER)
    assert cli("plan", "--out", "plan.json").exit_code == 0
    monkeypatch.setenv("BRIDGE_ID", MEETING)
    applied = cli("apply", "plan.json")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert set(bridge.meetings.attendees_of(MEETING)) == {"alice@example.com"}


def test_the_emulator_finds_a_meeting_by_its_id_in_any_case(bridge: EmulatorServer) -> None:
    client: Any = boto3.client(
        "chime-sdk-meetings",
        endpoint_url=bridge.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    assert client.get_meeting(MeetingId=UPPER)["Meeting"]["MeetingId"] == MEETING
    made = client.create_attendee(MeetingId=UPPER, ExternalUserId="alice@example.com")
    assert made["Attendee"]["ExternalUserId"] == "alice@example.com"
    listed = client.list_attendees(MeetingId=MEETING.upper())["Attendees"]
    assert [a["ExternalUserId"] for a in listed] == ["alice@example.com"]


def test_validate_finds_one_meeting_id_written_in_two_cases(
    cli: Cli, write_desired: WriteDesired
) -> None:
    """As plan does (Q-CH-2), offline: validate, the pull request's check, refuses one
    meeting declared in two files with its id in two cases, at the second, naming the
    first; a ``${VARIABLE}``'s name keeps its case (``${A}`` and ``${a}`` are two)."""
    write_desired(
        {
            "a.yaml": "meetings:\n  upper:\n" + one(UPPER),
            "b.yaml": "meetings:\n  lower:\n"
            + one(MEETING, "bob@example.com")
            + "  one:\n"
            + one("${BRIDGE}")
            + "  two:\n"
            + one("${bridge}"),
        }
    )
    validated = cli("validate")
    assert validated.exit_code == 1
    assert validated.err_lines == [
        f"desired-state/b.yaml:2: meetings.lower: meeting id '{MEETING}' is already declared "
        f"at desired-state/a.yaml:2 (as '{UPPER}')",
        "Desired state is invalid: 1 error.",
    ]


SECOND = "6f1c2a9e-0000-4000-8000-000000000002"


@pytest.fixture
def two_bridges(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    """Q-FO-1's estate: one meeting by ``${VARIABLE}`` holding the id in lower case, the
    other by a literal id written in upper case; each misses one attendee."""
    emulator.reset(
        {
            "meetings": [
                {"id": MEETING, "external_meeting_id": "m1"},
                {"id": SECOND, "external_meeting_id": "m2"},
            ]
        }
    )
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired(
        {
            "m.yaml": "meetings:\n  incident-bridge:\n"
            + one("${INCIDENT_MEETING_ID}")
            + "  second:\n"
            + one(SECOND.upper(), "dial-in-7")
        }
    )
    return emulator


@pytest.mark.parametrize(
    ("typed", "selected"),
    [
        (UPPER, "incident-bridge"),  # the variable holds it in lower case
        (SECOND, "second"),  # written in upper case
        ("6F1c2A9e" + MEETING[8:], "incident-bridge"),  # mixed
    ],
)
def test_target_takes_a_meeting_id_in_any_case(
    two_bridges: EmulatorServer, cli: Cli, typed: str, selected: str
) -> None:
    """Q-FO-1: ``--target`` matches a meeting id as AWS does, in any case (botocore's
    ``GuidString`` is ``[a-fA-F0-9]...``): never "no target named" for a declared meeting,
    nor "did you mean" the other one; plan, explain and apply alike."""
    planned = cli("plan", "--target", typed)
    assert planned.exit_code == 0, planned.stderr
    assert "no target named" not in planned.stderr
    assert [line for line in planned.lines if line.startswith("# meeting")] == [
        next(line for line in cli("plan").lines if line.startswith(f"# meeting {selected} "))
    ]
    member = "alice@example.com" if selected == "incident-bridge" else "dial-in-7"
    explained = cli("explain", "--target", typed, member)
    assert explained.exit_code == 0, explained.stderr
    assert f"# meeting {selected} " in explained.stdout
    applied = cli("apply", "--auto-approve", "--target", typed)
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    wanted = MEETING if selected == "incident-bridge" else SECOND
    other = SECOND if wanted == MEETING else MEETING
    assert set(two_bridges.meetings.attendees_of(wanted)) == {member}
    assert two_bridges.meetings.attendees_of(other) == {}


def test_did_you_mean_compares_a_meeting_id_ignoring_case(
    two_bridges: EmulatorServer, cli: Cli
) -> None:
    """Q-FO-1: a mistyped id in upper case is offered the declared id closest to it
    ignoring case, not one that happens to share its case."""
    typo = MEETING.upper()[:-2] + "1X"  # one character off the first meeting's id
    planned = cli("plan", "--target", typo)
    assert planned.exit_code == 1
    assert planned.lines[0] == (
        f"Error: --target: no target named {typo!r} is declared (did you mean {MEETING!r}?)"
    )
