"""QA-FP Q-FP-5: where the plan changes a channel member, `audit` reads every declared
channel in full and plans it, as `plan` does; what its finder already asked (the app
instance's ListChannels, a channel's DescribeChannel and ListChannelBans, the bots'
ListAppInstanceBots) is not asked again: each as many times as `plan` makes it. Through
the CLI, boto3 and the emulator, counted by the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SHARED = ("ListChannels", "DescribeChannel", "ListChannelBans", "ListAppInstanceBots")


@pytest.fixture(autouse=True)
def estate(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["r0", "r1"],
                    "users": [{"id": u} for u in ("r0", "r1", "alice", "bob", "frank")],
                    "bots": [{"id": "bot-1", "name": "PagerBot"}],
                    "channels": [
                        {"name": "lobby", "id": "lobby", "members": ["alice", "bob"]},
                        {"name": "ops", "id": "ops", "members": ["alice", "bot-1"]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: {INSTANCE}, bearers: [user:r0, user:r1]}}
                safety: {{max_removal_fraction: 1.0}}
            """,
            "chat.yaml": """
                channels:
                  lobby: {prune: true, members: [user:alice, user:frank, bot:PagerBot]}
                  ops: {members: [user:alice, bot:PagerBot]}
            """,
        }
    )


@pytest.mark.parametrize("member", ["user:frank", "bot:PagerBot"])
def test_audit_makes_the_plans_calls_once_each(
    emulator: EmulatorServer, cli: Any, member: str
) -> None:
    emulator.reset_calls()
    assert cli(*UNPACED, "plan").exit_code == 0
    planned = emulator.calls()
    emulator.reset_calls()
    run = cli(*UNPACED, "audit", member)
    assert run.exit_code == 0, run.stderr
    assert "plan adds it" in run.stdout  # a change: every declared channel read and planned
    audited = emulator.calls()
    assert {op: audited.get(op, 0) for op in SHARED} == {op: planned.get(op, 0) for op in SHARED}
