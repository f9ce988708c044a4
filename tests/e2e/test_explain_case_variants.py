"""`explain` on a meeting with two live attendees whose e-mail ExternalUserIds differ only
in case (Q-H-11): each spelling is explained as the plan treats it (the declared spelling
in sync, the other removed), through the CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

NOW = ("--now", "2027-03-20")
MEETING = "6f1c2a9e-0000-4000-8000-000000000002"
TALK = {"audio": "SendReceive", "video": "SendReceive", "content": "Receive"}
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}
PARTICIPANT = "audio SendReceive, video SendReceive, content Receive"


@pytest.fixture
def standup(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "standup",
                    "attendees": [
                        {"external_user_id": "bob@example.com", "capabilities": TALK},
                        {"external_user_id": "BOB@EXAMPLE.COM", "capabilities": VIEW},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": "prune: false\n",
            "meetings.yaml": f"""
                meetings:
                  standup:
                    meeting_id: {MEETING}
                    prune: true
                    attendees: {{bob@example.com: participant}}
            """,
        }
    )


def _standup(cli: Any, member: str) -> tuple[Any, Any, str]:
    run = cli(*NOW, "explain", member, "--format", "json")
    assert run.exit_code == 0, run.stderr
    [target] = json.loads(run.stdout)["targets"]
    return target["role"], target["live"]["role"], target["plan"]["outcome"]


def test_the_declared_spelling_is_in_sync_and_the_other_is_removed(standup: None, cli: Any) -> None:
    plan = json.loads(cli(*NOW, "plan", "--format", "json").stdout)
    removed = [(c["action"], c["member"]) for t in plan["targets"] for c in t["changes"]]
    assert removed == [("delete", "BOB@EXAMPLE.COM")]  # the plan keeps bob@example.com

    # JSON: the capabilities object, as the JSON plan writes it
    assert _standup(cli, "bob@example.com") == (TALK, TALK, "in-sync")
    text = cli(*NOW, "explain", "bob@example.com").lines
    assert text[-4:-2] == [f"  live: {PARTICIPANT}", "  plan: in sync: no change"]
    # the other spelling, asked for as written, is the attendee the plan removes
    assert _standup(cli, "BOB@EXAMPLE.COM") == (TALK, VIEW, "remove")
