"""`audit`'s NOTE is the planner's answer (Q-AM-1): where the old per-kind audit decided
on its own (protected: "never demoted"), it now says what `plan` does. The CLI, the real
boto3 client and the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


@pytest.fixture
def ended_grant(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> None:
    """alice: protected, Administrator of ops through an entry that has ended, and still
    declared a Member there: the plan demotes her (protection keeps a member in, not a
    grant past its end)."""
    emulator.reset(seed_doc(users=("alice",), rooms={"ops": [("alice", "Administrator")]}))
    ended = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=2)).isoformat()
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                protected: [alice@example.com]
                safety: {{min_administrators: 0}}
                """,
            "ops.yaml": f"""
                rooms:
                  ops:
                    administrators:
                      - {{member: alice@example.com, until: {ended}}}
                    members: [alice@example.com]
                """,
        }
    )


def test_audit_says_the_plan_demotes_a_protected_member_whose_grant_ended(
    ended_grant: None, cli: Any
) -> None:
    plan = cli("plan", "--no-color")
    assert "Administrator -> Member" in plan.stdout, plan.stdout + plan.stderr
    run = cli("audit", "alice@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "plan changes the role to Member" in run.stdout
    assert "never demoted" not in run.stdout
