"""Interactive apply reads the targets its plan changes again after the "yes" (QA-CG
Q-CG-1): when someone else changed one while the question waited, the plan answered "yes"
to was made from memberships that are no longer there (applied, it could leave a room
with no administrator), so nothing is applied and apply says which target changed, as a
saved plan is refused as stale. Nothing changed: the plan is applied. The CLI on a
pseudo-terminal, the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc
from test_confirm_after_until import answered_at
from test_meetings_cli import MEETING, VIEWER, meeting
from test_watch_confirm_after_until import WatchCli

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHANGED = [
    "Error: Nothing was applied: Chime changed while the confirmation waited, so the plan "
    "answered 'yes' to is not what the desired state calls for now:",
]
AGAIN = "Error: Run apply again, and review the plan it makes from Chime as it is now."


def two_administrators(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> None:
    """Room ops: carol and frank administrators; the files make frank a member (the plan:
    one demotion, carol left as the room's administrator)."""
    emulator.reset(
        seed_doc(
            users=("carol", "frank"),
            rooms={"ops": [("carol", "Administrator"), ("frank", "Administrator")]},
        )
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety: {{min_administrators: 1}}\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    administrators: [carol@example.com]
                    members: [frank@example.com]
                """,
        }
    )


def test_a_member_removed_at_the_prompt_applies_nothing(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    two_administrators(emulator, write_desired)

    def someone_removes_carol() -> None:
        emulator.backend.delete_room_membership(ACCOUNT, "room-ops", "uid-carol")

    answered = answered_at(cli, someone_removes_carol)
    assert answered is not None
    code, out, err = answered
    assert "  ~ frank@example.com: Administrator -> Member" in out
    assert "Apply complete!" not in out
    assert code == 1
    assert err.splitlines() == [
        *CHANGED,
        "Error:   room ops changed since the plan was made",
        AGAIN,
    ]
    # frank is still the room's administrator: it was never left without one
    assert emulator.backend.room_members(ACCOUNT, "room-ops") == {"uid-frank": "Administrator"}


def test_nothing_changed_at_the_prompt_the_plan_is_applied(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    two_administrators(emulator, write_desired)
    answered = answered_at(cli, lambda: None)
    assert answered is not None
    code, out, err = answered
    assert (code, err) == (0, ""), out + err
    assert "Apply complete!" in out
    assert emulator.backend.room_members(ACCOUNT, "room-ops") == {
        "uid-carol": "Administrator",
        "uid-frank": "Member",
    }


def test_an_attendee_let_in_at_the_watchs_prompt_applies_nothing(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired(
        {
            "meetings.yaml": """
                meetings:
                  bridge:
                    meeting_id: ${INCIDENT_MEETING_ID}
                    prune: true
                    attendees:
                      zed@example.com: viewer
                """
        }
    )
    emulator.reset({"meetings": [meeting([])]})

    def someone_lets_eve_in() -> None:
        emulator.meetings.create_attendee(MEETING, "eve@example.com", VIEWER)

    answered = answered_at(WatchCli(cli), someone_lets_eve_in)
    assert answered is not None
    code, out, err = answered
    assert "  + zed@example.com (audio Receive, video Receive, content Receive)" in out
    assert code == 1, out + err
    assert err.splitlines() == [
        *CHANGED,
        "Error:   meeting bridge changed since the plan was made",
        AGAIN,
    ]
    assert "Watch" not in out  # no round ran
    assert set(emulator.meetings.attendees_of(MEETING)) == {"eve@example.com"}
