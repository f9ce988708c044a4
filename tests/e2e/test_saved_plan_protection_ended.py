"""A saved plan refused because an `until:` passed since it was made names a protection's
end only where the plan kept the member because it was protected, as its warning did
(README Governance: "in each target where the plan keeps it only because it is
protected"), and counts the `until:` entries that passed, not the ends it lists (QA-EE
Q-EE-6). Before, dave's protection was listed in every target that does not declare him,
though he is a member of one only, and the headline said "4 `until:`s have passed" for 2.
The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def test_a_protection_that_ended_is_named_only_where_it_kept_the_member(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    # dave (protected through @oncall) is in ops only; erin's one @temps entry is in both
    emulator.reset(
        seed_doc(
            users=("alice", "dave", "erin"),
            rooms={
                "ops": [("alice", "Administrator"), ("dave", "Member"), ("erin", "Member")],
                "web": [("alice", "Administrator"), ("erin", "Member")],
            },
        )
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprune: true\nprotected: ['@oncall']\n",
            "groups.yaml": """
                groups:
                  oncall:
                    - {member: dave@example.com, until: 2025-01-01, reason: on-call week}
                  temps:
                    - {member: erin@example.com, until: 2025-01-01}
                rooms:
                  ops:
                    administrators: [alice@example.com]
                    members: ["@temps"]
                  web:
                    administrators: [alice@example.com]
                    members: ["@temps"]
                """,
        }
    )
    made = cli("--now", "2024-06-01", "plan", "--out", "p.json")
    assert made.exit_code == 0, made.stdout + made.stderr
    assert made.lines[-1].startswith("No changes"), made.stdout
    before = emulator.state()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[:4] == [
        "Error: Saved plan was made as of --now 2024-06-01; since then 2 `until:`s have passed, "
        "so the desired state calls for other changes, and nothing was applied:",
        "Error:   ended: dave@example.com in room ops: protected until 2025-01-01, declared at "
        "desired-state/groups.yaml:3",
        "Error:   ended: erin@example.com in room ops: Member until 2025-01-01, declared at "
        "desired-state/groups.yaml:5",
        "Error:   ended: erin@example.com in room web: Member until 2025-01-01, declared at "
        "desired-state/groups.yaml:5",
    ]
    assert not any(line.startswith("Error:   ended:") for line in run.err_lines[4:]), run.stderr
    assert emulator.state() == before  # nothing applied
