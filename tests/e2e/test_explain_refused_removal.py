"""`explain` and `audit` say what the plan does about an expired administrator whose
removal the plan refuses (a safety rule: both administrators of a pruned room end, and
`min_administrators` refuses the plan for that room): the removal is planned, and the
plan is refused, naming the rule; not "the plan removes it" (QA-CJ Q-CJ-2). The warning
before the end says that the end will make the room's plan refused. The CLI, the real
boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e

AFTER = ("--now", "2027-04-02")
RULE = (
    "[ops] Would leave 0 administrators (now 2), fewer than the minimum of 1 "
    "(safety.min_administrators)"
)


@pytest.fixture
def both_end(seed: Callable[..., Any], write_desired: Callable[..., Path]) -> None:
    seed(
        users=("alice", "bob", "carol"),
        rooms={"ops": [("alice", "Administrator"), ("bob", "Administrator"), ("carol", "Member")]},
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    prune: true
                    administrators:
                      - {member: alice@example.com, until: 2027-03-31, reason: rotation}
                      - {member: bob@example.com, until: 2027-03-31, reason: rotation}
                    members: [carol@example.com]
                """,
        }
    )


def test_explain_says_the_plan_is_refused_for_the_room(both_end: None, cli: Any) -> None:
    plan = cli(*AFTER, "plan")
    assert plan.exit_code == 1 and f"Error: refusing this plan: {RULE}" in plan.lines
    run = cli(*AFTER, "explain", "alice@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        f"  plan: the plan removes it (prune is on), but the plan is refused: {RULE} "
        "(apply changes nothing without --allow-unsafe)"
    ) in run.lines
    doc = json.loads(cli(*AFTER, "explain", "alice@example.com", "--format", "json").stdout)
    said = doc["targets"][0]["plan"]
    assert said["outcome"] == "remove"
    assert said["refused_by"] == [
        {"rule": "min_administrators", "setting": "safety.min_administrators", "message": RULE}
    ]
    # a member the plan leaves alone there: nothing refused to say
    carol = json.loads(cli(*AFTER, "explain", "carol@example.com", "--format", "json").stdout)
    assert carol["targets"][0]["plan"]["refused_by"] == []


def test_audit_says_the_plan_is_refused_for_the_room(both_end: None, cli: Any) -> None:
    run = cli(*AFTER, "audit", "alice@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    row = next(line for line in run.lines if line.startswith("ops "))
    # her entry expired, and audit says so (QA-FN Q-FN-3)
    expired = "expired 2027-03-31 (declared at desired-state/rooms.yaml:5, reason: rotation)"
    assert f"{expired}: plan removes it (prune), but the plan is refused:" in row
    doc = json.loads(cli(*AFTER, "audit", "alice@example.com", "--format", "json").stdout)
    [ops] = doc["rooms"]
    assert ops["note"] == f"{expired}: plan removes it (prune), but the plan is refused: {RULE}"


def test_the_warning_before_says_the_end_makes_the_plan_refused(both_end: None, cli: Any) -> None:
    run = cli("--now", "2027-03-25", "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Warning: 2 memberships end within 14 days:" in run.lines
    assert (
        "  alice@example.com in room ops: Administrator until 2027-03-31 (6 days left), "
        "declared at desired-state/rooms.yaml:5; its end leaves 0 administrators, fewer "
        "than the minimum of 1 (safety.min_administrators): the plan is then refused"
    ) in run.lines
