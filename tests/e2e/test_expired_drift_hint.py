"""Drift that is only members whose own entry expired, in a room without `prune`, is not
hinted at `import --adopt`, which refuses them (it would undo the expiry): the hint is
adopt's own (extend the `until:`, or `prune: true`) (QA-CJ Q-CJ-6). Drift beside them
that adopt writes keeps the adopt hint, saying which members it leaves out. Text and
Markdown; the CLI, the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e

EXPIRED_HINT = (
    "Resolve by extending their `until:` (to keep the access) or with `prune: true` (removes them)."
)


def web(write_desired: Callable[..., Path]) -> None:
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  web:
                    administrators: [erin@example.com]
                    members: [{member: bob@example.com, until: 2027-03-31}]
                """,
        }
    )


def test_expired_members_only_are_not_hinted_at_adopt(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(users=("erin", "bob"), rooms={"web": [("erin", "Administrator"), ("bob", "Member")]})
    web(write_desired)
    run = cli("--now", "2027-04-01", "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Not in the desired state: 1 member in 1 room." in run.lines
    assert EXPIRED_HINT in run.lines
    assert not any("import --adopt" in line for line in run.lines)
    markdown = cli("--now", "2027-04-01", "plan", "--format", "markdown").stdout
    assert f"> {EXPIRED_HINT}" in markdown
    adopt = cli("--now", "2027-04-01", "import", "--adopt")
    assert adopt.exit_code == 1  # what the old hint sent the reader to
    assert "extend its until: to keep the access" in adopt.stderr


def test_adoptable_drift_beside_expired_members_keeps_the_adopt_hint(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(
        users=("erin", "bob", "carol"),
        rooms={"web": [("erin", "Administrator"), ("bob", "Member"), ("carol", "Member")]},
    )
    web(write_desired)
    run = cli("--now", "2027-04-01", "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Not in the desired state: 2 members in 1 room." in run.lines
    assert (
        "Resolve with `import --adopt` (into the files; not the 1 whose entry expired: "
        "extend its `until:`) or `prune: true` (removes them)."
    ) in run.lines
