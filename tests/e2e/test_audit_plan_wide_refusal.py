"""`audit` says the plan is refused wherever it changes the member and a safety rule
refuses the plan, as `explain` and `plan` say it (QA-EE Q-EE-1): a plain member's removal
too, not only an administrator's, and the plan-wide `max_removals` counted over the whole
plan, not over the targets where the member is changed. The CLI, the real boto3 client
and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e

NOW = ("--now", "2027-03-05")
TOO_MANY = "Too many removals: 3 is over the limit of 1 (safety.max_removals)"
REMOVED = f"not declared: plan removes it (prune), but the plan is refused: {TOO_MANY}"


@pytest.fixture
def three_removed(seed: Callable[..., Any], write_desired: Callable[..., Path]) -> None:
    """bob's administrator entry ended; carol and dave are not declared: 3 removals in
    ops, over the plan-wide limit of 1."""
    seed(
        users=("alice", "bob", "carol", "dave"),
        rooms={
            "ops": [
                ("alice", "Administrator"),
                ("bob", "Administrator"),
                ("carol", "Member"),
                ("dave", "Member"),
            ]
        },
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety:\n  max_removals: 1\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                    members: [{member: bob@example.com, until: 2027-03-01}]
                """,
        }
    )


def test_audit_of_a_plain_members_removal_says_the_plan_is_refused(
    three_removed: None, cli: Any
) -> None:
    plan = cli(*NOW, "plan")
    assert f"Error: refusing this plan: {TOO_MANY}" in plan.lines
    explained = cli(*NOW, "explain", "carol@example.com")
    assert (
        f"  plan: the plan removes it (prune is on), but the plan is refused: {TOO_MANY} "
        "(apply changes nothing without --allow-unsafe)"
    ) in explained.lines
    # the same answer for both; bob's says that his entry expired (QA-FN Q-FN-3)
    expired = "expired 2027-03-01 (declared at desired-state/rooms.yaml:5): "
    for member, note in (
        ("carol@example.com", REMOVED),
        ("bob@example.com", expired + REMOVED.removeprefix("not declared: ")),
    ):
        run = cli(*NOW, "audit", member)
        assert (run.exit_code, run.stderr) == (0, "")
        row = next(line for line in run.lines if line.startswith("ops "))
        assert note in row, member
        doc = json.loads(cli(*NOW, "audit", member, "--format", "json").stdout)
        assert [r["note"] for r in doc["rooms"]] == [note], member


def test_audit_counts_the_removals_of_targets_the_member_is_not_changed_in(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    """carol leaves ops; erin and frank leave web, where carol is not: 3 removals in all,
    over the limit of 2, though ops alone has 1."""
    seed(
        users=("alice", "carol", "erin", "frank"),
        rooms={
            "ops": [("alice", "Administrator"), ("carol", "Member")],
            "web": [("alice", "Administrator"), ("erin", "Member"), ("frank", "Member")],
        },
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety:\n  max_removals: 2\n",
            "rooms.yaml": """
                rooms:
                  ops: {prune: true, administrators: [alice@example.com]}
                  web: {prune: true, administrators: [alice@example.com]}
                """,
        }
    )
    rule = "Too many removals: 3 is over the limit of 2 (safety.max_removals)"
    assert f"Error: refusing this plan: {rule}" in cli("plan").lines
    run = cli("audit", "carol@example.com")
    assert (run.exit_code, run.stderr) == (0, "")
    row = next(line for line in run.lines if line.startswith("ops "))
    assert f"not declared: plan removes it (prune), but the plan is refused: {rule}" in row
