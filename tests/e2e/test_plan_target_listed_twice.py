"""A saved plan that lists one target twice (QA-CZ Q-CZ-5): `show` listed it twice ("8
to add") and `apply FILE` applied the 7 planned now. Such a file is corrupt: `show`,
`apply` and `merge-plans` refuse it alike (one check), exit 1, nothing applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli

pytestmark = pytest.mark.e2e


def doubled(cli: Cli, workdir: Path, *plan_args: str) -> str:
    """A plan file whose room releases (which the plan changes) is there twice."""
    assert cli("plan", *plan_args, "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    first = next(i for i, t in enumerate(data["targets"]) if t["name"] == "releases")
    data["targets"].append(data["targets"][first])
    (workdir / "dup.json").write_text(json.dumps(data))
    again = len(data["targets"]) - 1
    return (
        "Error: Cannot use the saved plan dup.json: the file is corrupt: "
        f"targets[{again}]: room 'releases' is targets[{first}] again: a plan lists each "
        "target once"
    )


@pytest.mark.parametrize("command", ["show", "apply"])
def test_a_plan_listing_a_target_twice_is_refused_as_corrupt(
    ops: Any, cli: Cli, workdir: Path, command: str
) -> None:
    message = doubled(cli, workdir)
    before = ops.emulator.state()
    run = cli(command, "dup.json")
    assert (run.exit_code, run.stdout, run.err_lines) == (1, "", [message])
    assert ops.emulator.state() == before


def test_merge_plans_refuses_a_shard_listing_a_target_twice_as_show_does(
    ops: Any, cli: Cli, workdir: Path
) -> None:
    message = doubled(cli, workdir, "--shard", "1/1")
    run = cli("merge-plans", "dup.json")
    assert (run.exit_code, run.stdout, run.err_lines) == (1, "", [message])
