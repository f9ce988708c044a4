"""Q-BH-5: drift.yml with a desired state that does not load. The plan jobs fail where the
error is (their plan step exits 1 with no plan file: the job's next step fails it, after
uploading the error), the drift job still runs, and its merge step names each plan job that
made no plan with the first line of its error (FILE:LINE, as in the repository). The steps
as drift.yml has them, with the real chime-reconciler (the desired state fails to load
before any AWS call)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[3]
BIN = Path(sys.executable).parent
JOBS = yaml.safe_load((ROOT / ".github" / "workflows" / "drift.yml").read_text())["jobs"]
NO_PLAN = "steps.plan.outputs.plan-file == ''"


def steps(job: str) -> list[dict[str, Any]]:
    return [dict(s) for s in JOBS[job]["steps"]]


def named(job: str, part: str) -> dict[str, Any]:
    (step,) = [s for s in steps(job) if part in s.get("name", "")]
    return step


class Checkout:
    """A checkout of the repository with a desired state that does not load."""

    def __init__(self, tmp: Path) -> None:
        self.root = tmp / "ws"
        shutil.copytree(ROOT / "desired-state", self.root / "desired-state")
        company = self.root / "desired-state" / "company.yaml"
        text = company.read_text()
        assert "members: [erin@example.com]" in text
        company.write_text(
            text.replace("members: [erin@example.com]", 'members: [erin@example.com, "@nosuch"]')
        )
        self.out = self.root / ".chime-reconciler"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "INPUT_", "CHIME_RECONCILER", "AWS_"))
        }
        self.env.update(
            GITHUB_WORKSPACE=str(self.root),
            GITHUB_STEP_SUMMARY=str(tmp / "summary.md"),
            CHIME_BIN=str(BIN / "chime-reconciler"),
            PYTHON=sys.executable,
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            OUT_DIR=str(self.out),
            AWS_REGION="us-east-1",
        )
        self.outputs = tmp / "github_output"

    def bash(self, script: str, **env: str) -> tuple[int, dict[str, str], str]:
        self.outputs.unlink(missing_ok=True)
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            env={**self.env, **env, "GITHUB_OUTPUT": str(self.outputs)},
            cwd=self.root, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        lines = self.outputs.read_text().splitlines() if self.outputs.exists() else []
        return done.returncode, dict(line.split("=", 1) for line in lines), done.stdout

    def plan_job(self, shard: int, count: int) -> tuple[int, str]:
        """drift.yml's plan job after checkout and credentials: the plan step, then the
        steps that run when it made no plan (the error's upload: as download-artifact lays
        it out in the drift job). Returns the job's result (the first failing step's code)
        and its log."""
        plan = named("plan", "plan --shard")
        env = {**plan["env"], "INPUT_VARIABLES": "", "INPUT_ARGS": f"--shard {shard}/{count}"}
        code, outputs, log = self.bash(
            str(ROOT / ".github" / "scripts" / "run-step.sh"), INPUT_DESIRED="desired-state", **env
        )
        assert code == 0, log
        values = {
            "matrix.shard": str(shard),
            "needs.shards.outputs.count": str(count),
            **{f"steps.plan.outputs.{k}": v for k, v in outputs.items()},
        }
        after = steps("plan")[steps("plan").index(plan) + 1 :]
        for step in after:
            if step.get("if") == NO_PLAN and outputs.get("plan-file"):
                continue
            if "upload-artifact" in step.get("uses", ""):
                if step["with"]["path"] == "${{ env.OUT_DIR }}/stderr.txt":
                    shard_dir = self.out / "shards" / f"chime-drift-shard-{shard}"
                    shard_dir.mkdir(parents=True, exist_ok=True)
                    shutil.copy(self.out / "stderr.txt", shard_dir / "stderr.txt")
                continue
            step_env = {
                name: re.sub(r"\$\{\{ ([\w.-]+) \}\}", lambda m: values[m[1]], value)
                for name, value in step.get("env", {}).items()
            }
            code, _, said = self.bash(step["run"], **step_env)
            log += said
            if code != 0:
                return code, log
        return 0, log

    def merge(self, count: int) -> tuple[dict[str, str], str]:
        step = named("drift", "Merge")
        assert step["env"] == {"SHARDS": "${{ needs.shards.outputs.count }}"}
        code, outputs, log = self.bash(str(ROOT / step["run"]), SHARDS=str(count))
        assert code == 0, log
        return outputs, log


def test_a_shard_that_made_no_plan_fails_its_job_and_is_named_by_the_merge(
    tmp_path: Path,
) -> None:
    checkout = Checkout(tmp_path)

    jobs = [checkout.plan_job(k, 2) for k in (1, 2)]

    for k, (code, log) in enumerate(jobs, start=1):
        assert code == 1  # the job is red where the error is
        assert "::error file=" in log and "company.yaml,line=13::" in log
        assert f"::error title=No plan::plan {k}/2 made no plan (exit 1)" in log

    merged, _ = checkout.merge(2)
    assert merged["exit-code"] == "1"
    assert "plan-file" not in merged
    markdown = Path(merged["plan-markdown"]).read_text()
    for k in (1, 2):
        assert (
            f"plan {k}/2 made no plan (its job's log has the errors): "
            "desired-state/company.yaml:13: rooms.leadership.members[1]: undefined group "
            "'@nosuch'"
        ) in markdown
    assert str(checkout.root) not in markdown


def drift_job_runs(skip: str, shards: str, plan: str) -> bool:
    """The drift job's `if:` as GitHub evaluates it, in a run not cancelled: apply-check's
    `skip` output, and the shards and plan jobs' results (success, failure, skipped)."""
    needs = {
        "needs.apply-check.outputs.skip": skip,
        "needs.shards.result": shards,
        "needs.plan.result": plan,
    }
    m = re.fullmatch(r"\$\{\{ (.+) \}\}", JOBS["drift"]["if"])
    assert m, JOBS["drift"]["if"]
    for term in (t.strip() for t in m[1].split("&&")):
        if term == "!cancelled()":
            continue
        compare = re.fullmatch(r"([\w.-]+) == '(\w*)'", term)
        assert compare, term
        if needs[compare[1]] != compare[2]:
            return False
    return True


def test_the_drift_job_still_runs_after_a_failed_plan_job() -> None:
    assert JOBS["drift"]["needs"] == ["apply-check", "shards", "plan"]
    assert drift_job_runs(skip="false", shards="success", plan="failure")
    assert drift_job_runs(skip="false", shards="success", plan="success")
    assert not drift_job_runs(skip="true", shards="skipped", plan="skipped")
    assert JOBS["plan"]["strategy"]["fail-fast"] is False


def test_the_drift_job_does_not_run_when_the_shards_job_failed() -> None:
    """Q-GJ-4: CHIME_DRIFT_SHARDS=0 fails the shards job with its own clear error; no plan
    job runs, and the drift job does not either (it would fail a second time, blaming the
    shards' plans and their merge)."""
    assert not drift_job_runs(skip="false", shards="failure", plan="skipped")
