"""QA-GG Q-GG-5: an entry or a `protected:` group entry that ended is named by plan, audit
and explain only where its end makes the change (a removal, a demotion, a channel's
`hidden:` entry that ended: HIDDEN -> DEFAULT), never for a promotion or a type change it
never held: an old Member grant that ended is not why a member declared Administrator is
promoted, a protection (which keeps elevated roles only) not why a hidden channel member
becomes DEFAULT.

The CLI, the real boto3 client and the emulator over HTTP; text and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, UNPACED, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

R = "desired-state/r.yaml"
CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
PROTECTED = (
    f"account: {ACCOUNT}\nsafety: {{min_administrators: 0}}\n"
    'protected: ["@oncall"]\n'
    f'app_instances: {{chat: {{arn: "{CHAT}", bearer: "user:reconciler"}}}}\n'
)


def _seed(emulator: EmulatorServer) -> None:
    doc = seed_doc(
        users=("alice", "carol", "dave"),
        rooms={"ops": [("alice", "Administrator"), ("dave", "Member")]},
    )
    doc["app_instances"] = [
        {
            "arn": CHAT,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [
                {"id": "reconciler"},
                {"id": "alice@example.com"},
                {"id": "dave@example.com"},
            ],
            "channels": [
                {
                    "name": "chat1",
                    "id": "chat1",
                    "members": ["reconciler", "alice@example.com"],
                    "hidden": ["dave@example.com"],
                }
            ],
        }
    ]
    emulator.reset(doc)


def _notes(cli: Any, now: str, member: str) -> tuple[str, str]:
    run = cli(*UNPACED, "--now", now, "audit", member, "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    got = json.loads(run.stdout)
    (room,) = got["rooms"] or [{"note": ""}]
    (channel,) = got["channels"] or [{"note": ""}]
    return room["note"], channel["note"]


def test_an_ended_protection_is_not_why_a_member_is_promoted_or_unhidden(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    _seed(emulator)
    write_desired(
        {
            "settings.yaml": PROTECTED,
            "r.yaml": """
                groups:
                  oncall:
                    - {member: dave@example.com, until: 2026-12-10, reason: on-call week}
                rooms:
                  ops:
                    administrators: [alice@example.com, dave@example.com]
                channels:
                  chat1:
                    app_instance: chat
                    members: [alice@example.com, dave@example.com]
                    moderators: ["user:reconciler"]
                """,
        }
    )
    for now in ("2026-12-09", "2026-12-11"):
        plan = cli(*UNPACED, "--now", now, "plan")
        assert plan.exit_code == 0, plan.stdout + plan.stderr
        assert "  ~ dave@example.com: Member -> Administrator\n" in plan.stdout
        assert "~ dave@example.com: HIDDEN -> DEFAULT" in plan.stdout
        assert "protection expired" not in plan.stdout
        as_json = cli(*UNPACED, "--now", now, "plan", "--format", "json")
        assert '"protection": true' not in as_json.stdout
        assert _notes(cli, now, "dave@example.com") == (
            "plan changes the role to Administrator",
            "plan changes the type to DEFAULT",
        )
        explain = cli(*UNPACED, "--now", now, "explain", "dave@example.com", "--target", "ops")
        assert explain.exit_code == 0, explain.stdout + explain.stderr
        assert "protected" not in explain.stdout


def test_an_ended_member_entry_is_not_why_a_member_is_promoted(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """...while a channel's `hidden:` entry that ended is why its member becomes DEFAULT."""
    _seed(emulator)
    write_desired(
        {
            "settings.yaml": PROTECTED,
            "r.yaml": """
                groups:
                  oncall: []
                rooms:
                  ops:
                    administrators: [alice@example.com, dave@example.com]
                    members: [{member: dave@example.com, until: 2026-12-01, reason: old grant}]
                channels:
                  chat1:
                    app_instance: chat
                    members: [alice@example.com, dave@example.com]
                    hidden: [{member: dave@example.com, until: 2026-12-01, reason: hide}]
                    moderators: ["user:reconciler"]
                """,
        }
    )
    plan = cli(*UNPACED, "--now", "2026-12-11", "plan")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert "  ~ dave@example.com: Member -> Administrator\n" in plan.stdout
    assert "HIDDEN -> DEFAULT (replace: " in plan.stdout
    assert f"expired 2026-12-01, declared at {R}:11" in plan.stdout
    assert f"declared at {R}:6" not in plan.stdout
    assert _notes(cli, "2026-12-11", "dave@example.com") == (
        "plan changes the role to Administrator",
        f"expired 2026-12-01 (declared at {R}:11, reason: hide): plan changes the type to DEFAULT",
    )
