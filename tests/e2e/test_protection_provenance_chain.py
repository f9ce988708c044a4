"""An expired protection's path (a `protected:` group entry whose `until:` passed) is
worded as `explain` words it, in `plan -v`, the Markdown details and the JSON provenance:
a protection through its group chain, at the line that names the member, not
"declared ... as Administrator" at the line of the `until:` (QA-CJ Q-CJ-4). The CLI, the
real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

pytestmark = pytest.mark.e2e

NOW = ("--now", "2027-03-02")
PATH = (
    "expired 2027-03-01, protected (a `protected:` group entry) via @outer > @inner at "
    "desired-state/rooms.yaml:2"
)
UNTIL_AT = " (until set at desired-state/rooms.yaml:4)"  # QA-GG Q-GG-6


@pytest.fixture
def nested(seed: Callable[..., Any], write_desired: Callable[..., Path]) -> None:
    """bob: Administrator of the pruned room ops, which does not declare him, protected
    through @outer's entry for @inner until 2027-03-01."""
    seed(
        users=("alice", "bob"),
        rooms={"ops": [("alice", "Administrator"), ("bob", "Administrator")]},
    )
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                protected: ["@outer"]
                """,
            "rooms.yaml": """
                groups:
                  inner: [bob@example.com]
                  outer:
                    - {member: "@inner", until: 2027-03-01, reason: rota}
                rooms:
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                """,
        }
    )


def test_an_expired_protection_is_worded_with_its_group_chain(nested: None, cli: Any) -> None:
    verbose = cli(*NOW, "plan", "-v")
    assert verbose.exit_code == 0, verbose.stdout + verbose.stderr
    assert verbose.lines[1:3] == [
        "  - bob@example.com (Administrator): protection expired 2027-03-01, declared at "
        "desired-state/rooms.yaml:4",
        f"      {PATH}{UNTIL_AT}, reason: rota",
    ]
    assert not any("as Administrator" in line for line in verbose.lines)
    markdown = cli(*NOW, "plan", "--format", "markdown").stdout.splitlines()
    assert f"  # {PATH}{UNTIL_AT}, reason: rota" in markdown
    doc = json.loads(cli(*NOW, "plan", "--format", "json").stdout)
    [why] = doc["targets"][0]["changes"][0]["provenance"]
    assert (why["via"], why["location"], why["declared_at"]) == (
        ["outer", "inner"],
        "desired-state/rooms.yaml:2",
        "desired-state/settings.yaml:2",
    )
    assert (why["protection"], why["until_at"]) == (True, "desired-state/rooms.yaml:4")
    explained = cli(*NOW, "explain", "bob@example.com")
    assert (
        f"    {PATH.replace('2027-03-01,', '2027-03-01:')} (from desired-state/settings.yaml:2) "
        "(until set at desired-state/rooms.yaml:4), reason: rota"
    ) in explained.lines
