"""QA-HD Q-HD-5: an ``--out`` file the desired state would read (a ``*.yaml`` under
``--desired``) is refused before any work: ``plan --out desired-state/plan.yaml`` saved
the plan among the desired-state files, and every later command (the ``apply FILE`` it
printed too) failed with ``unknown key 'format_version'``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli

from reconciler.desired.files import would_read

pytestmark = pytest.mark.e2e


def refusal(out: Path, what: str = "the plan") -> str:
    return (
        f"Error: --out {out} is inside the desired state (desired-state), which reads every "
        f"*.yaml and *.yml file under it: save {what} elsewhere (or name it .json)"
    )


def test_plan_out_into_the_desired_state_is_refused_before_reading_chime(
    ops: Any, cli: Cli, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    (workdir / "desired-state" / "teams").mkdir()
    before = calls()
    for name in ("plan.yaml", "teams/plan.YML"):
        out = Path("desired-state") / name
        run = cli("plan", "--out", str(out))
        assert (run.exit_code, run.stderr.splitlines()) == (1, [refusal(out)])
        assert not (workdir / out).exists()
    assert calls() == before  # refused before any call
    assert cli("validate").exit_code == 0


def test_a_json_or_hidden_plan_in_the_desired_state_is_saved_and_applies(
    ops: Any, cli: Cli, workdir: Path
) -> None:
    for out in ("desired-state/plan.json", "desired-state/.plans/plan.yaml"):
        (workdir / out).parent.mkdir(exist_ok=True)
        assert cli("plan", "--out", out).exit_code == 0
    assert cli("apply", "--auto-approve", "desired-state/plan.json").exit_code == 0


def test_merge_plans_and_apply_results_into_the_desired_state_are_refused(
    ops: Any, cli: Cli, workdir: Path
) -> None:
    assert cli("plan", "--shard", "1/1", "--out", "shard-1.json").exit_code == 0
    out = Path("desired-state/merged.yaml")
    merged = cli("merge-plans", "shard-1.json", "--out", str(out))
    assert (merged.exit_code, merged.stderr.splitlines()) == (1, [refusal(out, "the merged plan")])
    out = Path("desired-state/result.yml")
    applied = cli("apply", "--auto-approve", "--out", str(out))
    assert (applied.exit_code, applied.stderr.splitlines()) == (1, [refusal(out, "the result")])
    assert not (workdir / out).exists()
    assert "Apply" not in applied.stdout  # nothing applied


def test_which_paths_the_desired_state_would_read(tmp_path: Path) -> None:
    desired = tmp_path / "d"
    (desired / "teams").mkdir(parents=True)
    (tmp_path / "link").symlink_to(desired / "teams")
    assert would_read(desired, desired / "plan.yaml")
    assert would_read(desired, desired / "teams" / "x.Yml")
    assert would_read(desired, tmp_path / "link" / "x.yaml")  # where it would land
    assert would_read(desired, desired / ".." / "d" / "x.yaml")
    assert not would_read(desired, desired / "plan.json")
    assert not would_read(desired, desired / ".hidden" / "x.yaml")
    assert not would_read(desired, tmp_path / "x.yaml")


def test_apply_of_a_saved_plan_refuses_a_result_inside_the_plans_desired_state(
    ops: Any, cli: Cli, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    # QA-HI Q-HI-1: the check ran against the default --desired, before apply took the
    # saved plan's; the result was saved among the files every later command reads
    (workdir / "desired-state").rename(workdir / "other")
    planned = cli.raw(
        "--endpoint-url", cli.endpoint_url, "--desired", "other", "plan", "--out", "p.json"
    )
    assert planned.exit_code == 0
    before = calls()
    out = Path("other/result.yaml")
    run = cli.raw(
        "--endpoint-url", cli.endpoint_url, "apply", "p.json", "--out", str(out), "--auto-approve"
    )
    assert run.exit_code == 1
    assert run.stderr.splitlines()[-1] == (
        f"Error: --out {out} is inside the desired state (other), which reads every "
        "*.yaml and *.yml file under it: save the result elsewhere (or name it .json)"
    )
    assert not (workdir / out).exists()
    assert "Apply" not in run.stdout
    assert calls() == before  # refused before any call
