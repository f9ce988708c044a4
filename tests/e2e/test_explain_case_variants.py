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
    # undeclared, as plan and audit say (QA-FE Q-FE-3): it was (TALK, VIEW, "remove")
    assert _standup(cli, "BOB@EXAMPLE.COM") == (None, VIEW, "remove")


def test_a_spelling_the_plan_removes_is_explained_undeclared_as_plan_and_audit_say(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """QA-FE Q-FE-3: neither live spelling is the declared one (a group brings
    alice@example.com): the plan keeps the first in its order (ALICE@EXAMPLE.COM) and
    removes Alice@Example.com. explain Alice@Example.com said "declared in 1 target" with
    the declared capabilities, while plan and audit said not declared."""
    emulator.reset(
        {
            "accounts": [
                {
                    "id": "11111111-2222-3333-4444-555555555555",
                    "name": "Ex",
                    "users": [{"email": "alice@example.com"}],
                }
            ],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m3",
                    "attendees": [
                        {
                            "external_user_id": "Alice@Example.com",
                            "capabilities": {
                                "audio": "Receive",
                                "video": "None",
                                "content": "None",
                            },
                        },
                        {
                            "external_user_id": "ALICE@EXAMPLE.COM",
                            "capabilities": {
                                "audio": "Receive",
                                "video": "Receive",
                                "content": "None",
                            },
                        },
                    ],
                }
            ],
        }
    )
    write_desired(
        {
            "settings.yaml": "prune: true\n",
            "m.yaml": f"""
                groups:
                  g: [alice@example.com]
                meetings:
                  m3:
                    meeting_id: {MEETING}
                    attendees:
                      "@g": viewer
            """,
        }
    )
    text = cli(*NOW, "explain", "Alice@Example.com").lines
    assert "  live: audio Receive, video None, content None" in text
    assert "  plan: the plan removes it (prune is on)" in text
    assert "  capabilities: not declared" in text, text
    assert text[-1] == (
        "Of the desired state's targets, Alice@Example.com is declared in 0 and live in 1 "
        "(audit reads the rooms and channels outside them too)."
    )
    run = cli(*NOW, "explain", "Alice@Example.com", "--format", "json")
    [target] = json.loads(run.stdout)["targets"]
    assert (target["declared"], target["role"], target["plan"]["outcome"]) == (
        False,
        None,
        "remove",
    )
    # the spelling the plan keeps still carries the declaration
    kept = cli(*NOW, "explain", "ALICE@EXAMPLE.COM", "--format", "json")
    [target] = json.loads(kept.stdout)["targets"]
    assert (target["declared"], target["plan"]["outcome"]) == (True, "change")
