"""`apply FILE` of a plan made with a --now still to come is refused, and its "not ended
yet" lines name only the `until:`s whose end makes the plan differ, as `plan`'s "ends
within" warning does (QA-CY Q-CY-12): not a protection of a member who is not in that
room, nor an entry in a room that does not prune (its end removes nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

pytestmark = pytest.mark.e2e


def test_not_ended_yet_names_only_the_ends_that_change_the_plan(
    seed: Any, write_desired: WriteDesired, cli: Cli
) -> None:
    seed(
        users=["alice", "bob", "carol", "dave", "heidi"],
        rooms={
            "web": [("bob", "Member")],
            "ops": [("alice", "Administrator"), ("bob", "Member"), ("dave", "Member")],
        },
    )
    write_desired(
        {
            "settings.yaml": f'account: {ACCOUNT}\nprotected: ["@oncall"]\n',
            "rooms.yaml": """
                groups:
                  oncall:
                    - {member: dave@example.com, until: 2099-03-01, reason: on-call week}
                rooms:
                  web:
                    members:
                      - {member: bob@example.com, until: 2099-03-15}
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                    members: [bob@example.com, carol@example.com]
                """,
        }
    )
    assert cli("--now", "2099-03-20", "plan", "--out", "p.json").exit_code == 0
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    not_yet = [line for line in run.err_lines if "not ended yet" in line]
    assert not_yet == [
        "Error:   not ended yet: dave@example.com in room ops: protected until 2099-03-01 "
        f"({_days_to('2099-03-01')} left), declared at desired-state/rooms.yaml:3"
    ]


def _days_to(day: str) -> str:
    left = (dt.date.fromisoformat(day) - dt.datetime.now(dt.UTC).date()).days
    return f"{left:,} days"  # thousands separated, as every count (Q-GV-16)
