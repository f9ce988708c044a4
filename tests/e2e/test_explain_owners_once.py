"""QA-FC Q-FC-3: `explain` names each owner once, as `codeowners` writes them: `alice`,
`"@alice"` and `Alice` are one GitHub user (the first spelling is kept), and so are
e-mail addresses and team slugs that differ in letter case alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import OPS_DESIRED, Cli, WriteDesired

pytestmark = pytest.mark.e2e

OWNED = OPS_DESIRED["rooms.yaml"].replace(
    "quiet:\n",
    'quiet:\n            owners: [alice, "@alice", Alice, a@example.com, A@Example.com, '
    "org/t, ORG/T]\n",
)


def test_explain_names_each_owner_once(ops: Any, cli: Cli, write_desired: WriteDesired) -> None:
    write_desired({"rooms.yaml": OWNED})
    run = cli("explain", "frank@example.com")
    assert run.exit_code == 0, run.stderr
    assert "  declared in desired-state/rooms.yaml:9; owners: @alice, a@example.com, @org/t" in (
        run.lines
    )
    as_json = cli("explain", "frank@example.com", "--format", "json")
    [quiet] = [t for t in json.loads(as_json.stdout)["targets"] if t["name"] == "quiet"]
    assert quiet["owners"] == ["@alice", "a@example.com", "@org/t"]
