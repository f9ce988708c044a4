"""drift.yml's optional shard matrix: CHIME_DRIFT_SHARDS=N runs N plan jobs, each
`plan --shard K/N`, and one drift job that merges them (``merge-shards.sh``; run end to end
in tests/e2e/test_drift_e2e.py)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[3]
DRIFT = yaml.safe_load((ROOT / ".github" / "workflows" / "drift.yml").read_text())


def matrix_step() -> dict[str, Any]:
    (step,) = DRIFT["jobs"]["shards"]["steps"]
    return dict(step)


def run_matrix(shards: str, tmp_path: Path) -> tuple[int, str, str]:
    out = tmp_path / "out"
    done = subprocess.run(
        ["bash", "-c", matrix_step()["run"]],
        env={"SHARDS": shards, "GITHUB_OUTPUT": str(out), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    return done.returncode, out.read_text() if out.exists() else "", done.stdout


def test_the_shard_count_defaults_to_one() -> None:
    assert matrix_step()["env"]["SHARDS"] == "${{ vars.CHIME_DRIFT_SHARDS || '1' }}"


@pytest.mark.parametrize(
    ("shards", "indexes"),
    [("1", "[1]"), ("3", "[1,2,3]"), ("64", f"[{','.join(map(str, range(1, 65)))}]")],
)
def test_n_shards_make_a_matrix_of_1_to_n(shards: str, indexes: str, tmp_path: Path) -> None:
    code, outputs, _ = run_matrix(shards, tmp_path)
    assert (code, outputs.splitlines()[:2]) == (0, [f"count={shards}", f"indexes={indexes}"])


@pytest.mark.parametrize("shards", ["0", "65", "a", "-1", "1/2", "", "3 ", "007"])
def test_a_bad_shard_count_fails_the_run(shards: str, tmp_path: Path) -> None:
    code, outputs, stdout = run_matrix(shards, tmp_path)
    assert (code, outputs) == (1, "")
    assert "::error::CHIME_DRIFT_SHARDS must be a number of shards from 1 to 64" in stdout


def test_each_plan_job_plans_its_shard_and_the_drift_job_merges_them() -> None:
    plan = DRIFT["jobs"]["plan"]
    assert plan["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.shards.outputs.indexes) }}"
    assert plan["strategy"]["fail-fast"] is False
    (step,) = [s for s in plan["steps"] if s.get("id") == "plan"]
    assert step["env"]["INPUT_ARGS"] == (
        "--shard ${{ matrix.shard }}/${{ needs.shards.outputs.count }}"
        " --now ${{ needs.shards.outputs.now }}"
    )
    drift = DRIFT["jobs"]["drift"]
    # apply-check: test_gitops_apply_check.py; shards: N, to name a plan job that made no plan
    assert drift["needs"] == ["apply-check", "shards", "plan"]
    assert drift["if"].startswith("${{ !cancelled() && ")
    runs = [s.get("run", "") for s in drift["steps"]]
    assert ".github/scripts/merge-shards.sh" in runs
    assert "issues" not in plan["permissions"]  # only the merging job touches the issue


def test_the_drift_job_asks_for_no_more_than_it_uses() -> None:
    """Q-R-7: download-artifact fetches this run's own shard plans with the runner's token
    (no github-token given); the job's `actions: read` is for listing apply.yml's runs
    before it writes the issue (Q-T-3, test_gitops_apply_check.py)."""
    job = DRIFT["jobs"]["drift"]
    assert job["permissions"] == {"contents": "read", "issues": "write", "actions": "read"}
    download = "actions/download-artifact@"
    (step,) = [s for s in job["steps"] if s.get("uses", "").startswith(download)]
    assert "github-token" not in step["with"]


def test_every_shard_evaluates_until_at_the_check_s_one_moment(tmp_path: Path) -> None:
    """QA-FN Q-FN-2: plan jobs run minutes apart (runners queue), and "Re-run failed jobs"
    re-plans a shard hours later; each evaluating `until:` at its own clock, an entry ending
    in between was reported as running in some targets and ended in others. The shards job
    gives one moment (kept on a re-run of failed jobs), which every plan job passes as
    --now: merge-plans then takes the shards as made at one moment."""
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    code, outputs, _ = run_matrix("3", tmp_path)
    after = dt.datetime.now(dt.UTC)
    assert code == 0
    (now,) = [line.split("=", 1)[1] for line in outputs.splitlines() if line.startswith("now=")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", now), now
    assert before <= dt.datetime.fromisoformat(now.replace("Z", "+00:00")) <= after
    assert DRIFT["jobs"]["shards"]["outputs"]["now"] == "${{ steps.shards.outputs.now }}"
    (step,) = [s for s in DRIFT["jobs"]["plan"]["steps"] if s.get("id") == "plan"]
    assert "--now ${{ needs.shards.outputs.now }}" in step["env"]["INPUT_ARGS"]
