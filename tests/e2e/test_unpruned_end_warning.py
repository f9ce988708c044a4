"""`plan` warns about an entry ending soon only where its end changes something (README
Governance, `plan`): in a room that does not prune, an end that leaves the member with no
path removes nothing (it stays a member, unmanaged, and the plan says so once it has
ended), so it is not listed as a membership that ends (QA-CJ Q-CJ-3); an end that
demotes the member there still is. The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e


def web(write_desired: Callable[..., Path], bob: str) -> None:
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"""
                rooms:
                  web:
                    administrators: [erin@example.com]
                    {bob}
                """,
        }
    )


def test_an_end_a_room_without_prune_ignores_is_not_warned_as_ending(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(users=("erin", "bob"), rooms={"web": [("erin", "Administrator"), ("bob", "Member")]})
    web(write_desired, "members: [{member: bob@example.com, until: 2027-03-31}]")
    run = cli("--now", "2027-03-25", "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines == [
        "1 room unchanged.",
        "",
        "No changes. Chime memberships match the desired state.",
    ]
    markdown = cli("--now", "2027-03-25", "plan", "--format", "markdown").stdout
    assert "bob@example.com" not in markdown
    after = cli("--now", "2027-04-01", "plan")  # and once it has ended: it did not
    assert "Warning: 1 expired membership is still in Chime:" in after.lines


def test_an_end_that_demotes_in_a_room_without_prune_is_warned(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(users=("erin", "bob"), rooms={"web": [("erin", "Administrator"), ("bob", "Member")]})
    web(write_desired, "members: [bob@example.com]")
    write_desired(
        {
            "rooms.yaml": """
                rooms:
                  web:
                    administrators:
                      - erin@example.com
                      - {member: bob@example.com, until: 2027-03-31, reason: cover}
                    members: [bob@example.com]
                """,
        }
    )
    run = cli("--now", "2027-03-25", "plan")
    assert "Warning: 1 membership ends within 14 days:" in run.lines
    assert (
        "  bob@example.com in room web: Administrator until 2027-03-31 (6 days left), "
        "declared at desired-state/rooms.yaml:5"
    ) in run.lines
