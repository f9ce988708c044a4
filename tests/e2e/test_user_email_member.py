"""`audit` and `explain` of `user:EMAIL` (QA-EE Q-EE-9, QA-EQ Q-EQ-1): README says
`user:alice@example.com` and `alice@example.com` are the same member in the rooms and
channels, so both commands answer for it as for the e-mail there; a meeting's attendee is
its ExternalUserId as written, so there `user:bob@example.com` is an attendee of its own
(not `bob@example.com`), as plan and apply read it. The CLI, the real boto3 client and the
emulator."""

from __future__ import annotations

import json

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
MUTED = {"audio": "Receive", "video": "None", "content": "None"}


@pytest.fixture
def bob_everywhere(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "uid-bob", "email": "bob@example.com"}],
                    "rooms": [
                        {
                            "id": "room-ops",
                            "name": "ops",
                            "memberships": [{"member": "bob@example.com", "role": "Member"}],
                        }
                    ],
                }
            ],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "ended": False,
                    "attendees": [{"external_user_id": "bob@example.com", "capabilities": MUTED}],
                }
            ],
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    members: [bob@example.com]\n",
            "bridge.yaml": (
                "meetings:\n  bridge:\n    meeting_id: ${INCIDENT_MEETING_ID}\n"
                "    attendees:\n      bob@example.com: viewer\n"
            ),
        }
    )


def test_audit_of_user_email_is_the_audit_of_the_email_in_rooms(
    bob_everywhere: None, cli: Cli
) -> None:
    plain = cli("audit", "bob@example.com")
    prefixed = cli("audit", "user:bob@example.com")
    assert (prefixed.exit_code, prefixed.stderr) == (0, "")
    rooms = plain.lines[: plain.lines.index("bob@example.com in meetings:")]
    assert prefixed.lines[: len(rooms)] == rooms
    # the meeting's attendee is bob@example.com, not the ExternalUserId user:bob@example.com
    assert prefixed.lines[len(rooms) :] == ["user:bob@example.com in meetings:", "No meetings."]
    doc = json.loads(cli("audit", "user:bob@example.com", "--format", "json").stdout)
    assert doc["member"] == "bob@example.com"
    assert doc["meetings"] == []
    assert [r["room"] for r in doc["rooms"]] == ["ops"]


def test_explain_of_user_email_is_the_explain_of_the_email_in_rooms(
    bob_everywhere: None, cli: Cli
) -> None:
    run = cli("explain", "user:bob@example.com")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.lines[-1] == (
        "Of the desired state's targets, user:bob@example.com is declared in 1 and live in 1 "
        "(audit reads the rooms and channels outside them too)."
    )
    plain = cli("explain", "bob@example.com").lines
    room = plain[plain.index("# room ops (account " + ACCOUNT + ", id room-ops)") : -1]
    assert run.lines[2:-1] == room
    assert not any(line.startswith("# meeting") for line in run.lines)
