"""Q-Z-1, Q-Z-2, Q-AI-1: another actor changes a meeting's attendees while apply works on
them. An attendee is the person (ExternalUserId), not one AttendeeId: one who joined
meanwhile with other capabilities gets the declared ones, and one who left and joined
again while apply removes them is removed (or reported still there), or changes her
capabilities gets them under her new AttendeeId; never called gone when she is not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.capabilities import Capabilities
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEWER = {"audio": "Receive", "video": "Receive", "content": "Receive"}
VIEWER_CAPS = Capabilities("Receive", "Receive", "Receive")
PRESENTER = Capabilities("SendReceive", "SendReceive", "SendReceive")


@pytest.fixture
def bridge(emulator: EmulatorServer) -> None:
    """alice a viewer, mallory (all SendReceive) a presenter."""
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "alice@example.com", "capabilities": VIEWER},
                        {"external_user_id": "mallory@example.com"},
                    ],
                }
            ]
        }
    )


def desire(write_desired: WriteDesired, attendees: dict[str, str], prune: bool) -> None:
    body = "".join(f"      {who}: {role}\n" for who, role in attendees.items())
    write_desired(
        {
            "meetings.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            f"    prune: {'true' if prune else 'false'}\n    attendees:\n" + body
        }
    )


def before(
    monkeypatch: pytest.MonkeyPatch,
    emulator: EmulatorServer,
    operation: str,
    then: Callable[[], None],
    nth: int = 1,
) -> None:
    """Another actor: the emulator runs ``then`` just before it carries out the ``nth``
    call of ``operation`` (its meetings backend's method of that name) of the apply."""
    backend = emulator.meetings
    real = getattr(backend, operation)
    seen = [0]

    def call(*args: Any, **kwargs: Any) -> Any:
        seen[0] += 1
        if seen[0] == nth:
            then()
        return real(*args, **kwargs)

    monkeypatch.setattr(backend, operation, call)


def attendees(emulator: EmulatorServer) -> dict[str, Capabilities]:
    return emulator.meetings.attendees_of(MEETING)


def result(workdir: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads((workdir / "result.json").read_text())
    return document


def rejoin(emulator: EmulatorServer, who: str) -> Callable[[], None]:
    """``who``'s client leaves and joins again: a new AttendeeId, all SendReceive."""

    def act() -> None:
        (meeting,) = emulator.state()["meetings"]
        for a in meeting["attendees"]:
            if a["external_user_id"] == who:
                emulator.meetings.delete_attendee(MEETING, a["id"])
        emulator.meetings.create_attendee(MEETING, who, None)

    return act


def test_an_attendee_who_rejoined_while_apply_removes_her_is_removed(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desire(write_desired, {"alice@example.com": "viewer"}, prune=True)
    before(monkeypatch, emulator, "delete_attendee", rejoin(emulator, "mallory@example.com"))
    emulator.reset_calls()
    done = cli("apply", "--auto-approve", "--out", "result.json")
    assert "mallory@example.com" not in attendees(emulator), done.stdout + done.stderr
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "1 removed" in done.stdout and "already gone" not in done.stdout, done.stdout
    assert result(workdir)["verified"] is True
    # the NotFound's one listing tells the meeting there and her new AttendeeId
    assert calls().get("DeleteAttendee") == 2 and calls().get("ListAttendees") == 3, calls()
    again = cli("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


def test_a_removal_found_still_there_after_the_apply_is_unverified(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """She joins again after the apply removed her, before verification reads the meeting:
    verification looks for the person, not the AttendeeId it removed."""
    desire(write_desired, {"alice@example.com": "viewer"}, prune=True)
    join = rejoin(emulator, "mallory@example.com")
    before(monkeypatch, emulator, "list_attendees", join, nth=2)  # the 1st: the plan's
    done = cli("apply", "--auto-approve", "--out", "result.json")
    assert "mallory@example.com" in attendees(emulator)
    assert done.exit_code == 1, done.stdout + done.stderr
    assert "? - mallory@example.com" in done.stderr, done.stderr
    assert result(workdir)["verified"] is False


def test_an_attendee_who_rejoined_while_apply_changes_her_capabilities_gets_them(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """mallory, a presenter the desired state makes a viewer, drops and reconnects (new
    AttendeeId, all SendReceive) just before her update: she is made a viewer."""
    desire(write_desired, {"alice@example.com": "viewer", "mallory@example.com": "viewer"}, True)
    before(
        monkeypatch,
        emulator,
        "update_attendee_capabilities",
        rejoin(emulator, "mallory@example.com"),
    )
    emulator.reset_calls()
    done = cli("apply", "--auto-approve", "--out", "result.json")
    assert attendees(emulator)["mallory@example.com"] == VIEWER_CAPS, done.stdout + done.stderr
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "1 changed" in done.stdout and "NotFound" not in done.stdout + done.stderr
    assert result(workdir)["verified"] is True
    # the NotFound's one listing tells the meeting there and her new AttendeeId
    made = calls()
    assert made.get("UpdateAttendeeCapabilities") == 2 and made.get("ListAttendees") == 3, made
    again = cli("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


def test_a_capability_change_costs_one_call(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
) -> None:
    # looking the person up again is for a NotFound only
    desire(write_desired, {"alice@example.com": "viewer", "mallory@example.com": "viewer"}, True)
    emulator.reset_calls()
    done = cli("apply", "--auto-approve")
    assert done.exit_code == 0, done.stdout + done.stderr
    made = calls()
    assert made.get("UpdateAttendeeCapabilities") == 1 and made.get("ListAttendees") == 2, made


def test_an_attendee_who_left_while_apply_changes_her_capabilities_is_said_to_have_left(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desire(write_desired, {"alice@example.com": "viewer", "mallory@example.com": "viewer"}, True)

    def leave() -> None:
        (meeting,) = emulator.state()["meetings"]
        for a in meeting["attendees"]:
            if a["external_user_id"] == "mallory@example.com":
                emulator.meetings.delete_attendee(MEETING, a["id"])

    before(monkeypatch, emulator, "update_attendee_capabilities", leave)
    done = cli("apply", "--auto-approve")
    assert "mallory@example.com" not in attendees(emulator)
    assert done.exit_code == 1, done.stdout + done.stderr
    shown = done.stdout + done.stderr
    assert "mallory@example.com left the meeting during the apply" in shown, shown
    # the next apply adds her back, as the desired state says
    again = cli("apply", "--auto-approve")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert attendees(emulator)["mallory@example.com"] == VIEWER_CAPS


def test_an_attendee_who_joined_meanwhile_as_a_presenter_is_made_a_viewer(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desire(
        write_desired,
        {"alice@example.com": "viewer", "bob@example.com": "viewer"},
        prune=False,
    )
    before(monkeypatch, emulator, "batch_create_attendee", rejoin(emulator, "bob@example.com"))
    emulator.reset_calls()
    done = cli("apply", "--auto-approve", "--out", "result.json")
    assert attendees(emulator)["bob@example.com"] == VIEWER_CAPS, done.stdout + done.stderr
    assert done.exit_code == 0, done.stdout + done.stderr
    assert result(workdir)["verified"] is True
    made = calls()
    assert made.get("BatchCreateAttendee") == 1 and made.get("UpdateAttendeeCapabilities") == 1
    again = cli("plan")
    assert "No changes" in again.stdout, again.stdout + again.stderr


def test_an_attendee_created_as_asked_costs_one_call(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
) -> None:
    desire(write_desired, {"alice@example.com": "viewer", "bob@example.com": "viewer"}, False)
    emulator.reset_calls()
    done = cli("apply", "--auto-approve")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "1 added" in done.stdout and "already" not in done.stdout, done.stdout
    made = calls()
    assert made.get("BatchCreateAttendee") == 1, made
    assert not made.get("GetAttendee") and not made.get("UpdateAttendeeCapabilities"), made


def test_a_removed_attendee_is_verified_by_her_exact_spelling(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, workdir: Path
) -> None:
    # ExternalUserIds differing only in case are two attendees: Mallory@ is declared and
    # kept, mallory@ removed; verification finds the one removed gone, not Mallory@ there
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "Mallory@example.com"},
                        {"external_user_id": "mallory@example.com"},
                    ],
                }
            ]
        }
    )
    desire(write_desired, {"Mallory@example.com": "presenter"}, prune=True)
    done = cli("apply", "--auto-approve", "--out", "result.json")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "1 removed" in done.stdout, done.stdout
    assert set(attendees(emulator)) == {"Mallory@example.com"}
    assert result(workdir)["verified"] is True


def test_an_attendee_who_joined_meanwhile_costs_no_read_the_create_answered(
    bridge: None,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """QA-FE Q-FE-6: BatchCreateAttendee answers with the attendee who joined meanwhile
    (its AttendeeId and capabilities): apply sets the declared ones from that answer, at
    the lower bound (BatchCreateAttendee + UpdateAttendeeCapabilities), not after a
    GetAttendee reading them again."""
    desire(write_desired, {"alice@example.com": "viewer", "bob@example.com": "viewer"}, False)
    before(monkeypatch, emulator, "batch_create_attendee", rejoin(emulator, "bob@example.com"))
    emulator.reset_calls()
    done = cli("apply", "--auto-approve")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert attendees(emulator)["bob@example.com"] == VIEWER_CAPS
    made = calls()
    assert "GetAttendee" not in made, made
    assert (made["BatchCreateAttendee"], made["UpdateAttendeeCapabilities"]) == (1, 1), made
