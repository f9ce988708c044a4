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


@pytest.mark.parametrize("saved_id", ["uid-dave", ""])
def test_a_saved_id_of_another_live_member_or_empty_is_an_edit_not_stale(
    ops: Any, cli: Cli, workdir: Path, saved_id: str
) -> None:
    """QA-DM Q-DM-2: dave is in releases, unchanged (the plan changes nothing of his), and
    Chime still has him under uid-dave; an empty id names nobody. Neither is a member
    created again since the plan: the file was edited."""
    assert cli("plan", "--target", "releases", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    (change,) = data["targets"][0]["changes"]
    assert (change["member"], change["member_id"]) == ("frank@example.com", "uid-frank")
    change["member_id"] = saved_id
    (workdir / "p.json").write_text(json.dumps(data))
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[0] == (
        "Error: Saved plan does not match the plan the desired state and the live state "
        "make now (was it edited?); nothing was applied:"
    )
    assert "stale" not in run.stderr
    assert f"+ frank@example.com (Member) [id {saved_id}] is not what" in run.stderr
    assert ops.emulator.state() == before
