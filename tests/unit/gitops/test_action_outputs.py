"""action.yml, the composite action: its `run` step as GitHub runs it (the step's `env:`
with `${{ }}` filled in, its script under bash), with a stand-in ``chime-reconciler``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[3]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STUB = """#!/bin/sh
# plan --out FILE: the Markdown names the desired state, the saved plan records it
desired=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in --desired) desired="$2"; shift ;; --out) out="$2"; shift ;; esac
  shift
done
printf '{"desired": "%s"}\\n' "$desired" > "$out"
echo "<!-- chime-reconciler-plan -->"
echo "plan of $desired"
exit 2
"""


def run_action(tmp_path: Path, desired: str, **job_env: str) -> dict[str, str]:
    """One use of the action (command plan) in a job whose runner.temp is tmp_path/temp;
    ``job_env``: the caller's workflow- or job-level ``env:``, which its steps inherit."""
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "run"]
    stub = tmp_path / "chime-reconciler"
    stub.write_text(STUB)
    stub.chmod(0o755)
    values = {
        "runner.temp": str(tmp_path / "temp"),
        "github.action_path": str(ROOT),
        "inputs.command": "plan",
        "inputs.desired-state": desired,
        "inputs.fail-on-error": "false",
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.pop("OUT_DIR", None)
    env.update(job_env)
    for name, value in step["env"].items():
        env[name] = re.sub(r"\$\{\{ ([\w.-]+) \}\}", lambda m: values.get(m[1], ""), value)
    output = tmp_path / f"output-{desired}"
    env.update(CHIME_BIN=str(stub), PYTHON=sys.executable, GITHUB_OUTPUT=str(output))
    subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step["run"]],
        env=env, cwd=tmp_path, check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    return dict(line.split("=", 1) for line in output.read_text().splitlines())


def test_two_uses_in_one_job_keep_each_ones_outputs(tmp_path: Path) -> None:
    """Q-R-6: the first use's plan-markdown and plan-file still name its own plan after a
    second use in the same job has run."""
    staging = run_action(tmp_path, "staging")
    production = run_action(tmp_path, "production")

    assert staging["plan-markdown"] != production["plan-markdown"]
    assert "plan of staging" in Path(staging["plan-markdown"]).read_text()
    assert '"staging"' in Path(staging["plan-file"]).read_text()
    assert "plan of production" in Path(production["plan-markdown"]).read_text()
    assert '"production"' in Path(production["plan-file"]).read_text()
    for outputs in (staging, production):
        assert outputs["exit-code"] == "2"
        assert Path(outputs["plan-file"]).is_relative_to(tmp_path / "temp")


def test_two_uses_keep_their_outputs_when_the_caller_s_workflow_sets_out_dir(
    tmp_path: Path,
) -> None:
    """Q-GJ-2: plan.yml sets `env: OUT_DIR` for the whole workflow; a workflow adapted from
    it that uses the action twice (staging, production) inherits it in the action's steps.
    The action still writes each use to a directory of its own: the first use's
    plan-markdown and plan-file name its own plan, and the caller's OUT_DIR is untouched."""
    shared = tmp_path / "workspace" / ".chime-reconciler"
    staging = run_action(tmp_path, "staging", OUT_DIR=str(shared))
    production = run_action(tmp_path, "production", OUT_DIR=str(shared))

    assert staging["plan-markdown"] != production["plan-markdown"]
    assert "plan of staging" in Path(staging["plan-markdown"]).read_text()
    assert '"staging"' in Path(staging["plan-file"]).read_text()
    assert "plan of production" in Path(production["plan-markdown"]).read_text()
    assert not shared.exists()
