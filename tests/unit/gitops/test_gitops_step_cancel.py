"""Q-R-2: cancelling a workflow run (or its timeout) reaches the tool. GitHub's runner
sends SIGINT, then SIGTERM 7.5 s later, to the step's shell only (`bash -eo pipefail` on
the step's script), never to its children. The steps that run the tool `exec`
run-step.sh, and run-step.sh forwards the signal to the tool and waits for it, so that
the tool stops gracefully (apply: "Interrupted: ... applied", exit 130) and the step still
writes its outputs and job summary.

The step is run as the runner runs it: its `run:` text from the workflow, in a file, under
`bash --noprofile --norc -eo pipefail`; the signal goes to that shell's pid only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[3]

# a stand-in tool that stops as chime-reconciler apply does on SIGINT or SIGTERM
STUB = """#!/usr/bin/env bash
stop() { echo "Interrupted by SIG$1: 3 of 10 changes applied, 7 not applied." >&2; exit 130; }
trap 'stop INT' INT
trap 'stop TERM' TERM
echo "applying"
echo started > "$STUB_STARTED"
for _ in $(seq 300); do sleep 0.1; done
echo "never interrupted" >&2
"""


def step_runs(workflow: str, command: str) -> list[str]:
    data = yaml.safe_load((ROOT / ".github" / "workflows" / workflow).read_text())
    return [
        step["run"]
        for job in data["jobs"].values()
        for step in job["steps"]
        if step.get("env", {}).get("INPUT_COMMAND") == command
    ]


# a stand-in Python that splits INPUT_ARGS slowly: says it started, then takes 1 s
SLOW_PYTHON = """#!/usr/bin/env bash
echo started > "$SPLIT_STARTED"
sleep 1
exec "$REAL_PYTHON" "$@"
"""


def cancel_step(
    tmp_path: Path, run: str, signals: list[signal.Signals], *, during_split: bool = False
) -> tuple[int, float]:
    """Runs the step's `run:` as GitHub's runner does, sends it ``signals`` (2 s apart
    at most) once the tool has started (``during_split``: once the step is splitting its
    args, before the tool starts); returns the step's exit code and the seconds from the
    first signal to its end."""
    python = tmp_path / "python"
    python.write_text(SLOW_PYTHON)
    python.chmod(0o755)
    stub = tmp_path / "chime-reconciler"
    stub.write_text(STUB)
    stub.chmod(0o755)
    (tmp_path / "step.sh").write_text(run + "\n")
    (tmp_path / ".github").symlink_to(ROOT / ".github")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(
        CHIME_BIN=str(stub),
        PYTHON=str(python) if during_split else sys.executable,
        REAL_PYTHON=sys.executable,
        SPLIT_STARTED=str(tmp_path / "split-started"),
        STUB_STARTED=str(tmp_path / "started"),
        INPUT_COMMAND="apply",
        INPUT_ARGS="--auto-approve",
        OUT_DIR=str(tmp_path / "out"),
        GITHUB_OUTPUT=str(tmp_path / "github_output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
    )
    step = subprocess.Popen(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(tmp_path / "step.sh")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        ready = tmp_path / ("split-started" if during_split else "started")
        while not ready.exists():
            assert time.monotonic() < deadline, f"never got to {ready.name}"
            assert step.poll() is None, step.communicate()
            time.sleep(0.05)
        first = time.monotonic()
        for sig in signals:
            step.send_signal(sig)  # the step's shell only, as the runner does
            try:
                step.wait(timeout=2)
                break
            except subprocess.TimeoutExpired:
                continue
        code = step.wait(timeout=10)
        return code, time.monotonic() - first
    finally:
        if step.poll() is None:
            step.kill()
        step.communicate()


@pytest.mark.parametrize(
    ("workflow", "command"),
    [("apply.yml", "apply"), ("plan.yml", "validate"), ("drift.yml", "plan")],
)
def test_every_tool_step_execs_run_step_so_a_cancel_signals_it(workflow: str, command: str) -> None:
    runs = step_runs(workflow, command)
    assert runs
    for run in runs:
        assert run.split("#")[0].strip() == "exec .github/scripts/run-step.sh"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cancelling_the_apply_step_stops_the_tool_gracefully_and_reports_it(
    tmp_path: Path, sig: signal.Signals
) -> None:
    (run,) = step_runs("apply.yml", "apply")
    code, seconds = cancel_step(tmp_path, run, [sig])

    assert seconds < 3, "the tool was not told: the step waited for it to end by itself"
    assert code == 1  # the step fails
    outputs = (tmp_path / "github_output").read_text().splitlines()
    assert "exit-code=130" in outputs
    summary = (tmp_path / "summary.md").read_text()
    assert "### chime-reconciler apply (exit 130)" in summary
    assert f"Interrupted by {sig.name}: 3 of 10 changes applied" in summary
    assert "never interrupted" not in (tmp_path / "out" / "stderr.txt").read_text()


def test_the_composite_action_execs_run_step_too() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    (run,) = [s["run"] for s in action["runs"]["steps"] if s.get("id") == "run"]
    # the script is the step's last command, exec'd (the lines before it make its
    # directory: a cancel during them has nothing to stop)
    last = run.strip().splitlines()[-1]
    assert last.split("#")[0].strip().startswith("exec bash "), run


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_cancel_before_the_tool_starts_means_it_is_not_started(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """The cancel comes while the step still reads its inputs (here: splitting INPUT_ARGS,
    made to take 1 s). The step must not die without outputs, nor start an apply that
    nobody then stops: it writes its outputs and summary, and the tool never starts.
    (The same flag forwards a cancel whose trap runs between the tool's fork and its pid
    being known, the window a loaded CI machine once hit.)"""
    (run,) = step_runs("apply.yml", "apply")
    code, seconds = cancel_step(tmp_path, run, [sig], during_split=True)

    assert seconds < 3
    assert code == 1  # the step fails
    assert not (tmp_path / "started").exists(), "the tool was started after the cancel"
    assert "exit-code=130" in (tmp_path / "github_output").read_text().splitlines()
    summary = (tmp_path / "summary.md").read_text()
    assert "### chime-reconciler apply (exit 130)" in summary
    assert f"cancelled ({sig.name}) before apply started; it was not run" in summary
