"""E-mail member references are compared ignoring case letter by letter (``str.lower``),
never by ``casefold``, which takes ``straße@…`` for ``strasse@…``: two addresses, two
ExternalUserIds (and two people) to AWS. Plan, apply, a saved plan and validate, through
the CLI, the real boto3 client and the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ACCOUNT

from reconciler.emulator import EmulatorServer
from reconciler.refs import MemberRef

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}


@pytest.fixture
def bridge(emulator: EmulatorServer, write_desired: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "strasse@example.com", "capabilities": VIEW}
                    ],
                }
            ]
        }
    )

    def declare(*who: str) -> None:
        entries = "".join(f"      {w}: viewer\n" for w in who)
        write_desired(
            {
                "m.yaml": "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
                "    prune: false\n    attendees:\n" + entries
            }
        )

    return declare


def test_strasse_and_strasse_with_sharp_s_are_two_attendees(
    bridge: Any, emulator: EmulatorServer, cli: Any
) -> None:
    bridge("straße@example.com")
    planned = cli("plan", "--out", "plan.json")
    assert planned.exit_code == 0, planned.stderr
    assert "  + straße@example.com (audio Receive, video Receive, content Receive)" in (
        planned.lines
    )
    assert "Plan: 1 to add, 0 to change, 0 to remove." in planned.lines
    applied = cli("apply", "plan.json", "--auto-approve")  # the saved plan reads it back
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert set(emulator.meetings.attendees_of(MEETING)) == {
        "strasse@example.com",
        "straße@example.com",
    }
    again = cli("plan")  # strasse@ is left as it is (prune: false), straße@ is there
    assert "No changes, but Chime has 1 member the desired state does not declare." in again.lines
    # declaring both is two entries, not one listed twice
    bridge("straße@example.com", "strasse@example.com")
    assert cli("validate").exit_code == 0


def test_case_still_does_not_matter() -> None:
    assert MemberRef.user(" Straße@Example.COM ") == MemberRef.user("straße@example.com")
    assert MemberRef.user("straße@example.com") != MemberRef.user("strasse@example.com")


def test_a_room_adds_the_user_straße_not_strasse(
    seed: Any, write_desired: Any, cli: Any, members: Any
) -> None:
    seed(users=["strasse", "straße"], rooms={"ops": [("strasse", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": "rooms:\n  ops: {members: [strasse@example.com, Straße@example.com]}\n",
        }
    )
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "Plan: 1 to add, 0 to change, 0 to remove." in planned.lines
    assert cli("apply", "--auto-approve").exit_code == 0
    assert members("ops") == {"uid-strasse": "Member", "uid-straße": "Member"}
