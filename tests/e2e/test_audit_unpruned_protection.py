"""`audit` where a protection with an end meets a target that does not prune (QA-AU
Q-AU-1, Q-AO-1): the plan keeps the undeclared member after the end too (the target does
not prune), so audit must not promise "removed after it" in rooms, channels or meetings.
The CLI, the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

APP = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
BRIDGE = "6f1c2a9e-0000-4000-8000-000000000001"
SEED: dict[str, Any] = {
    "accounts": [
        {
            "id": ACCOUNT,
            "name": "Example Corp",
            "users": [
                {"id": "user-alice", "email": "alice@example.com"},
                {"id": "user-dave", "email": "dave@example.com"},
            ],
            "rooms": [
                {
                    "id": "room-dev",
                    "name": "dev",
                    "memberships": [
                        {"member": "alice@example.com", "role": "Administrator"},
                        {"member": "dave@example.com", "role": "Member"},
                    ],
                }
            ],
        }
    ],
    "app_instances": [
        {
            "arn": APP,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [
                {"id": "reconciler"},
                {"id": "alice@example.com"},
                {"id": "dave@example.com"},
            ],
            "channels": [
                {
                    "name": "pub",
                    "id": "pub",
                    "privacy": "PUBLIC",
                    "members": ["reconciler", "alice@example.com", "dave@example.com"],
                    "moderators": ["reconciler"],
                }
            ],
        }
    ],
    "meetings": [
        {
            "id": BRIDGE,
            "external_meeting_id": "bridge",
            "attendees": [
                {"external_user_id": "alice@example.com"},
                {"external_user_id": "dave@example.com"},
            ],
        }
    ],
}


def day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def oncall(emulator: EmulatorServer, write_desired: WriteDesired) -> str:
    """dave: live in the room dev, the channel pub and the meeting bridge, declared in none,
    protected through @oncall until tomorrow; nothing prunes. Returns the end."""
    emulator.reset(SEED)
    end = day(1)
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                prune: false
                protected: ["@oncall"]
                app_instances:
                  chat: {{arn: "{APP}", bearer: "user:reconciler"}}
                """,
            "ops.yaml": f"""
                groups:
                  oncall:
                    - {{member: dave@example.com, until: {end}, reason: oncall week}}
                rooms:
                  dev:
                    administrators: [alice@example.com]
                channels:
                  pub:
                    members: [alice@example.com]
                meetings:
                  bridge:
                    meeting_id: {BRIDGE}
                    attendees:
                      alice@example.com: presenter
                """,
        }
    )
    return end


def _notes(document: Any) -> list[str]:
    """Every row's note in audit's JSON, whatever section it is in (a row: the keys every
    section's rows share, ``live`` and ``note``; QA-GS Q-GS-3 gave the rooms' rows ``live``)."""
    if isinstance(document, dict):
        found = [document["note"]] if "live" in document else []
        return found + [n for v in document.values() for n in _notes(v)]
    if isinstance(document, list):
        return [n for v in document for n in _notes(v)]
    return []


def test_audit_does_not_promise_a_removal_where_nothing_prunes(oncall: str, cli: Cli) -> None:
    # the plan after the end keeps dave everywhere: nothing prunes
    after = cli("plan", "--now", day(2), "--no-color")
    assert after.stdout.count("not in the desired state: dave@example.com") == 3, (
        after.stdout + after.stderr
    )
    run = cli("audit", "dave@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    rows = [line for line in run.lines if "dave" not in line and "not declared" in line]
    assert len(rows) == 3, run.stdout
    assert "removed after it" not in run.stdout
    room = next(line for line in rows if line.startswith("dev "))
    assert "not declared: kept (prune off)" in room
    meeting = next(line for line in rows if line.startswith("bridge "))
    assert "not declared: kept (prune off)" in meeting
    channel = next(line for line in rows if line.startswith("pub "))
    assert "not declared: kept" in channel

    document = json.loads(cli("audit", "dave@example.com", "--format", "json").stdout)
    notes = _notes(document)
    assert len(notes) == 3, document  # the room's, the channel's and the meeting's
    assert all(n.startswith("not declared: kept") for n in notes), notes
    assert not any("removed after it" in n for n in notes), notes
