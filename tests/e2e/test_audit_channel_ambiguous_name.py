"""QA-FP Q-FP-1: a channel declared by a name two channels of its app instance share is
the plan's error (`2 channels named dup ...: give the channel's arn`): it plans neither
channel and removes nobody from them. `audit` of a member live in either says so, with the
plan's own error, not `not declared: plan removes it (prune)`, as `explain` says it.
Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
DUP_1, DUP_2 = f"{INSTANCE}/channel/dup-1", f"{INSTANCE}/channel/dup-2"
SEVERAL = (
    f"2 channels named dup in app instance {INSTANCE} ({DUP_1}, {DUP_2}): give the channel's arn"
)


@pytest.fixture
def dup(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["r0"],
                    "users": [{"id": "r0"}, {"id": "alice"}, {"id": "bob"}, {"id": "mallory"}],
                    "channels": [
                        {"name": "dup", "id": "dup-1", "members": ["alice"]},
                        {"name": "dup", "id": "dup-2", "members": ["bob"]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"app_instances: {{chat: {{arn: {INSTANCE}, bearer: user:r0}}}}\n",
            "c.yaml": "channels:\n  dup: {prune: true, members: [user:mallory]}\n",
        }
    )


@pytest.mark.usefixtures("dup")
def test_audit_of_a_member_in_a_channel_whose_name_is_ambiguous_says_it_is_not_planned(
    cli: Any,
) -> None:
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 1
    assert SEVERAL in plan.stdout + plan.stderr

    for member, arn in (("user:alice", DUP_1), ("user:bob", DUP_2)):
        run = cli(*UNPACED, "audit", member, "--format", "json")
        assert run.exit_code == 0, run.stderr
        rows = [(r["channel_arn"], r["note"]) for r in json.loads(run.stdout)["channels"]]
        assert rows == [(arn, f"not planned: {SEVERAL}")], rows
        text = cli(*UNPACED, "audit", member).stdout
        assert "removes" not in text and "not planned: 2 channels named dup" in text

    # the member declared there, and live in neither: as before
    run = cli(*UNPACED, "audit", "user:mallory", "--format", "json")
    notes = [r["note"] for r in json.loads(run.stdout)["channels"]]
    assert notes == ["declared, but several channels have that name: plan reports it"]

    # explain agrees: nothing planned there
    explained = cli(*UNPACED, "explain", "user:mallory").stdout
    assert "2 channels named dup" in explained
