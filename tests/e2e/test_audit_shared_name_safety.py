"""QA-FT Q-FT-1: an entry declared by a name several channels of its app instance
share is the plan's error: `plan` plans none of them and removes nobody there. audit's
plan-wide read (made to ask the safety rules where the plan changes the member) plans what
`plan` plans: it counts no removals there, quotes no `Too many removals` refusal the plan
does not make, and makes no call `plan` does not make. Through the CLI, boto3 and the
emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SEVERAL_CHANNELS = (
    f"2 channels named dup in app instance {INSTANCE} ({INSTANCE}/channel/dup-1, "
    f"{INSTANCE}/channel/dup-2): give the channel's arn"
)
READS = ("DescribeChannel", "ListChannelMemberships", "ListChannelModerators", "ListChannelBans")


@pytest.fixture
def channels(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["r0"],
                    "users": [{"id": "r0"}, {"id": "alice"}, {"id": "bob"}, {"id": "carol"}],
                    "channels": [
                        {"name": "dup", "id": "dup-1", "members": ["alice"]},
                        {"name": "dup", "id": "dup-2", "members": ["bob", "alice"]},
                        {"name": "solo", "id": "solo", "members": ["alice", "bob"]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": (
                f"app_instances: {{chat: {{arn: {INSTANCE}, bearer: user:r0}}}}\n"
                "safety: {max_removal_fraction: 1.0, max_removals: 1}\n"
            ),
            "c.yaml": (
                "channels:\n"
                "  dup: {prune: true, members: [user:carol]}\n"
                "  solo: {prune: true, members: [user:alice]}\n"
            ),
        }
    )


@pytest.mark.usefixtures("channels")
def test_audit_counts_no_removals_in_a_channel_whose_name_is_shared(
    emulator: EmulatorServer, cli: Any
) -> None:
    emulator.reset_calls()
    plan = cli(*UNPACED, "plan")
    planned = emulator.calls()
    assert SEVERAL_CHANNELS in plan.stdout + plan.stderr
    assert "Too many removals" not in plan.stdout + plan.stderr  # 1 removal: bob from solo

    emulator.reset_calls()
    run = cli(*UNPACED, "audit", "user:bob", "--format", "json")
    audited = emulator.calls()
    assert run.exit_code == 0, run.stderr
    notes = {
        r["channel_arn"].rsplit("/", 1)[1]: r["note"] for r in json.loads(run.stdout)["channels"]
    }
    assert notes == {
        "dup-2": f"not planned: {SEVERAL_CHANNELS}",
        "solo": "not declared: plan removes it (prune)",  # no refusal: the plan has none
    }
    # dup-2 is read by neither: the same reads as plan's
    assert {op: audited.get(op, 0) for op in READS} == {op: planned.get(op, 0) for op in READS}
