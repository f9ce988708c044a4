"""A user deleted and created again in Chime (the same e-mail, a new id) between `plan
--out` and `apply FILE` makes the saved plan stale, not "was it edited?" (QA-CZ Q-CZ-7):
the file was not edited and the desired state does want the member, as for a room
created again under its name. Nothing is applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli

pytestmark = pytest.mark.e2e


def test_a_member_created_again_since_the_plan_makes_it_stale(
    ops: Any, cli: Cli, workdir: Path
) -> None:
    assert cli("plan", "--target", "releases", "--out", "p.json").exit_code == 0
    state = json.dumps(ops.emulator.state()).replace('"uid-frank"', '"uid-frank-2"')
    ops.emulator.reset(json.loads(state))
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: Saved plan is stale: room releases: frank@example.com is uid-frank-2 in "
        "Chime now, the plan was made for uid-frank; run plan again."
    ]
    assert ops.emulator.state() == before
