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
import shutil
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


# a stand-in Python that splits INPUT_ARGS once told to: says it started, then waits for
# the test's go file (so that the cancel comes while the step waits for it, however slow
# the machine), 60 s at most
SLOW_PYTHON = """#!/usr/bin/env bash
echo started > "$SPLIT_STARTED"
for _ in $(seq 600); do if [ -e "$SPLIT_GO" ]; then break; fi; sleep 0.1; done
exec "$REAL_PYTHON" "$@"
"""


def cancel_step(
    tmp_path: Path,
    run: str,
    signals: list[signal.Signals],
    *,
    during_split: bool = False,
    command: str = "apply",
    script: str | None = None,
    go: str = "split-go",
    **inputs: str,
) -> tuple[int, float]:
    """Runs the step's `run:` as GitHub's runner does, sends it ``signals`` (2 s apart
    at most) once the tool has started (``during_split``: once the step is splitting its
    args, before the tool starts, which it then lets go on); returns the step's exit code
    and the seconds from the first signal to its end. Its stdout goes to step-stdout.txt.
    ``script``: run-step.sh's text to run instead of the repository's; ``go``: the file
    touched once the first signal is sent (a hook in it may wait for that)."""
    python = tmp_path / "python"
    python.write_text(SLOW_PYTHON)
    python.chmod(0o755)
    stub = tmp_path / "chime-reconciler"
    stub.write_text(STUB)
    stub.chmod(0o755)
    if script is None:
        (tmp_path / ".github").symlink_to(ROOT / ".github")
    else:  # the step runs this text as run-step.sh
        shutil.copytree(ROOT / ".github", tmp_path / ".github")
        (tmp_path / ".github" / "scripts" / "run-step.sh").write_text(script)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(
        CHIME_BIN=str(stub),
        PYTHON=str(python) if during_split else sys.executable,
        REAL_PYTHON=sys.executable,
        SPLIT_STARTED=str(tmp_path / "split-started"),
        STUB_STARTED=str(tmp_path / "started"),
        SPLIT_GO=str(tmp_path / "split-go"),
        INPUT_COMMAND=command,
        INPUT_ARGS="--auto-approve",
        OUT_DIR=str(tmp_path / "out"),
        GITHUB_OUTPUT=str(tmp_path / "github_output"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
    )
    env.update(inputs)
    step = start_step(tmp_path, run, env)
    try:
        ready = tmp_path / ("split-started" if during_split else "started")
        wait_for(ready, step)
        first = time.monotonic()
        for sig in signals:
            step.send_signal(sig)  # the step's shell only, as the runner does
            (tmp_path / go).touch()  # the signal is pending in the step by now
            try:
                step.wait(timeout=2)
                break
            except subprocess.TimeoutExpired:
                continue
        code = step.wait(timeout=60)
        return code, time.monotonic() - first
    finally:
        if step.poll() is None:
            step.kill()
            step.wait()


def start_step(tmp_path: Path, run: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The step's `run:` text in a file, run as GitHub's runner runs it; its stdout and
    stderr to step-stdout.txt and step-stderr.txt."""
    (tmp_path / "step.sh").write_text(run + "\n")
    with (
        (tmp_path / "step-stdout.txt").open("wb") as out,
        (tmp_path / "step-stderr.txt").open("wb") as err,
    ):
        return subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(tmp_path / "step.sh")],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=err,
            preexec_fn=runner_signals,
        )


def runner_signals() -> None:
    """The step's shell gets SIGINT and SIGTERM at their defaults, as GitHub's runner
    starts it: an ignored signal is inherited through exec and cannot be trapped, so a
    test process that ignores SIGINT (a background job's, or one an earlier test left so)
    would make the step deaf to the very cancel this file tests."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def wait_for(path: Path, step: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Until ``path`` exists (a stand-in says the step got there): generous, for a slow
    and loaded machine."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"never got to {path.name}"
        assert step.poll() is None, f"the step ended before {path.name}"
        time.sleep(0.05)


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

    # (the stand-in runs 30 s unless told; the bound leaves room for a loaded machine)
    assert seconds < 20, "the tool was not told: the step waited for it to end by itself"
    assert code == 1  # the step fails
    outputs = (tmp_path / "github_output").read_text().splitlines()
    assert "exit-code=130" in outputs
    summary = (tmp_path / "summary.md").read_text()
    assert "### chime-reconciler apply (exit 130)" in summary
    assert f"Interrupted by {sig.name}: 3 of 10 changes applied" in summary
    assert "never interrupted" not in (tmp_path / "out" / "stderr.txt").read_text()


def test_the_composite_action_execs_run_step_too() -> None:
    """Q-EX-3: the action's step does nothing before the `exec` (run-step.sh makes its
    directory itself, after its traps): a command before it (`mkdir`, `mktemp`) would
    swallow a cancel that lands while it runs, and the tool would start anyway."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    (run,) = [s["run"] for s in action["runs"]["steps"] if s.get("id") == "run"]
    commands = [
        line.split("#")[0].strip() for line in run.splitlines() if line.split("#")[0].strip()
    ]
    assert commands == ['exec bash "$ACTION_PATH/.github/scripts/run-step.sh"'], run


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_cancel_before_the_tool_starts_means_it_is_not_started(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """The cancel comes while the step still reads its inputs (here: splitting INPUT_ARGS,
    made to take 1 s). The step must not die without outputs, nor start an apply that
    nobody then stops: it writes its outputs and summary, and the tool never starts."""
    (run,) = step_runs("apply.yml", "apply")
    code, seconds = cancel_step(tmp_path, run, [sig], during_split=True)

    assert seconds < 20  # the tool, had it started, would have run 30 s
    assert code == 1  # the step fails
    assert not (tmp_path / "started").exists(), "the tool was started after the cancel"
    assert "exit-code=130" in (tmp_path / "github_output").read_text().splitlines()
    summary = (tmp_path / "summary.md").read_text()
    assert "### chime-reconciler apply (not run)" in summary
    assert f"cancelled ({sig.name}) before apply started; it was not run" in summary


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_cancel_after_the_tools_fork_before_its_pid_is_known_is_forwarded(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """Stop 37's CI: on a loaded machine the cancel's trap ran after the tool was forked
    but before `tool_pid=$!`, so nothing was forwarded and the step waited for the tool
    to end by itself. The window is held open here: in a copy of run-step.sh, a hook
    between the fork and `tool_pid=$!` waits for the test's go file, touched once the
    signal is sent (the trap runs in that window, between the hook's commands)."""
    text = (ROOT / ".github" / "scripts" / "run-step.sh").read_text()
    fork = '    env "${tool_env[@]}" "$command" "$@" &\n'
    assert text.count(fork) == 1, "the fork line moved: update this test"
    hook = 'while [[ ! -e "$FORK_GO" ]]; do sleep 0.05; done # the window, held open\n'
    (run,) = step_runs("apply.yml", "apply")
    code, seconds = cancel_step(
        tmp_path,
        run,
        [sig],
        script=text.replace(fork, fork + "    " + hook),
        go="fork-go",
        FORK_GO=str(tmp_path / "fork-go"),
    )

    assert seconds < 20, "the cancel was not forwarded: the tool ran its 30 s"
    assert code == 1
    assert "exit-code=130" in (tmp_path / "github_output").read_text().splitlines()
    summary = (tmp_path / "summary.md").read_text()
    assert f"Interrupted by {sig.name}: 3 of 10 changes applied" in summary
    assert "never interrupted" not in summary


def test_a_plan_cancelled_before_it_started_does_not_say_it_exited(tmp_path: Path) -> None:
    """Q-EO-3: the error plan (PR comment, job summary) and the log said "`chime-reconciler
    plan` exited 130" above "it was not run"."""
    (run,) = step_runs("drift.yml", "plan")
    code, _ = cancel_step(
        tmp_path, run, [signal.SIGINT], during_split=True, command="plan", INPUT_KEY="stg"
    )

    assert code == 1
    assert not (tmp_path / "started").exists()
    plan_md = tmp_path / "out" / "plan.md"
    assert plan_md.read_text() == (
        "<!-- chime-reconciler-plan key=stg -->\n### Chime membership plan: `stg`\n\n"
        "**Error:** `chime-reconciler plan` was not run: the run was cancelled before it "
        "started:\n\n```text\n"
        "chime-reconciler action: cancelled (SIGINT) before plan started; it was not run\n```\n"
    )
    outputs = (tmp_path / "github_output").read_text().splitlines()
    assert outputs == [f"plan-markdown={plan_md}", "exit-code=130"]
    assert (tmp_path / "summary.md").read_text() == plan_md.read_text()
    log = (tmp_path / "step-stdout.txt").read_text()
    assert log.endswith(
        "::error::chime-reconciler action: cancelled (SIGINT) before plan started; it was not run\n"
    )
    assert "exited" not in log


# A stand-in for a command the step runs (realpath, mktemp): says the step got there, waits
# for the test's go file (60 s at most), then runs the real one. The test sends its signal
# in between, so the signal comes while the step waits for it, however slow the machine.
HOOK = """#!/usr/bin/env bash
echo reached > "$HOOKS/$(basename "$0").reached"
for _ in $(seq 600); do if [ -e "$HOOKS/go" ]; then break; fi; sleep 0.1; done
exec "$HOOKS/real/$(basename "$0")" "$@"
"""


def hooked_env(tmp_path: Path, *commands: str, **env: str) -> dict[str, str]:
    """The environment of a step whose ``commands`` are hooked (above)."""
    hooks = tmp_path / "hooks"
    (hooks / "real").mkdir(parents=True)
    for command in commands:
        real = shutil.which(command)
        assert real
        (hooks / "real" / command).symlink_to(real)
        (hooks / command).write_text(HOOK)
        (hooks / command).chmod(0o755)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    return {
        **base,
        "PATH": f"{hooks}:{base['PATH']}",
        "HOOKS": str(hooks),
        "STUB_STARTED": str(tmp_path / "started"),
        "GITHUB_OUTPUT": str(tmp_path / "github_output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        **env,
    }


def signal_at_hook(
    tmp_path: Path, step: subprocess.Popen[bytes], command: str, sig: signal.Signals
) -> int:
    """Sends ``sig`` to the step's shell once it waits for the hooked ``command``, lets that
    go on, and returns the step's exit code (generous deadlines: the step needs none)."""
    try:
        wait_for(tmp_path / "hooks" / f"{command}.reached", step)
        step.send_signal(sig)  # the step's shell only, as the runner does
        (tmp_path / "hooks" / "go").touch()  # the signal is pending in the step by now
        return step.wait(timeout=90)
    finally:
        if step.poll() is None:
            step.kill()
            step.wait()


# a validate that finds two errors in two files, as the tool prints them
INVALID_STUB = """#!/usr/bin/env bash
echo "checked"
echo "desired-state/a.yaml:3: rooms.ops: unknown key 'x'" >&2
echo "desired-state/b.yaml:7: rooms.sre: unknown key 'y'" >&2
echo "Desired state is invalid: 2 errors." >&2
exit 1
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_cancel_after_the_tool_ended_leaves_its_outputs_and_summary(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """Q-EO-1: the cancel comes while the step turns the errors into annotations (each
    file's path made relative to the checkout: realpath, hooked), after the tool ended.
    The step must still write every annotation, its outputs and its summary, with the
    tool's own exit code, as it does when the cancel comes while the tool runs."""
    (tmp_path / "desired-state").mkdir()
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / "desired-state" / name).write_text("rooms: {}\n")
    stub = tmp_path / "chime-reconciler"
    stub.write_text(INVALID_STUB)
    stub.chmod(0o755)
    (tmp_path / ".github").symlink_to(ROOT / ".github")
    (run,) = step_runs("plan.yml", "validate")
    env = hooked_env(
        tmp_path,
        "realpath",
        CHIME_BIN=str(stub),
        PYTHON=sys.executable,
        INPUT_COMMAND="validate",
        OUT_DIR=str(tmp_path / "out"),
        GITHUB_WORKSPACE=str(tmp_path),
    )
    code = signal_at_hook(tmp_path, start_step(tmp_path, run, env), "realpath", sig)

    assert code == 1  # the step fails, as validate failed
    outputs = (tmp_path / "github_output").read_text().splitlines()
    assert outputs == [f"output-file={tmp_path}/out/output.txt", "exit-code=1"]
    assert (tmp_path / "summary.md").read_text() == (
        "### chime-reconciler validate (exit 1)\n\n```text\nchecked\n"
        "desired-state/a.yaml:3: rooms.ops: unknown key 'x'\n"
        "desired-state/b.yaml:7: rooms.sre: unknown key 'y'\n"
        "Desired state is invalid: 2 errors.\n```\n"
    )
    assert (tmp_path / "step-stdout.txt").read_text() == (
        "checked\n"
        "::error file=desired-state/a.yaml,line=3::rooms.ops: unknown key 'x'\n"
        "::error file=desired-state/b.yaml,line=7::rooms.sre: unknown key 'y'\n"
        "::error::chime-reconciler validate exited 1\n"
    )


# a plan whose Markdown was cut (the saved plan is whole), and a `show` of it that stops
# as the tool does on SIGINT, and else runs 30 s
CUT_PLAN_STUB = """#!/usr/bin/env bash
if [[ " $* " == *" show "* ]]; then
    trap 'echo "show: interrupted by SIGINT"; exit 130' INT
    echo started > "$STUB_STARTED"
    for _ in $(seq 300); do sleep 0.1; done
    echo "show: never interrupted"
    exit 0
fi
while [[ "$1" != --out ]]; do shift; done
echo '{}' > "$2"
printf '%s\\n' "<!-- chime-reconciler-plan -->" "### Chime membership plan" "" "+ alice" "" \\
    "> Truncated to stay under 60,000 characters; the whole plan is in the job log."
exit 2
"""


def test_a_cancel_while_the_cut_plan_is_shown_is_forwarded_to_show(tmp_path: Path) -> None:
    """Q-EO-1: a plan over 60,000 characters of Markdown is cut, and the step then runs
    `chime-reconciler show` for the log. A cancel then must reach it as it reaches the
    tool (it was swallowed, and the SIGTERM 7.5 s later killed the step with no outputs),
    and the plan's outputs and summary must still be written."""
    stub = tmp_path / "chime-reconciler"
    stub.write_text(CUT_PLAN_STUB)
    stub.chmod(0o755)
    (tmp_path / ".github").symlink_to(ROOT / ".github")
    (run,) = step_runs("drift.yml", "plan")
    env = hooked_env(
        tmp_path,
        CHIME_BIN=str(stub),
        PYTHON=sys.executable,
        INPUT_COMMAND="plan",
        INPUT_FAIL="false",
        OUT_DIR=str(tmp_path / "out"),
    )
    step = start_step(tmp_path, run, env)
    try:
        wait_for(tmp_path / "started", step)
        step.send_signal(signal.SIGINT)  # the step's shell only, as the runner does
        code = step.wait(timeout=90)
    finally:
        if step.poll() is None:
            step.kill()
            step.wait()

    log = (tmp_path / "step-stdout.txt").read_text()
    assert "show: interrupted by SIGINT" in log
    assert "show: never interrupted" not in log
    assert code == 0  # the plan itself ended with changes (2)
    out = tmp_path / "out"
    outputs = (tmp_path / "github_output").read_text().splitlines()
    assert outputs == [f"plan-markdown={out}/plan.md", f"plan-file={out}/plan.json", "exit-code=2"]
    assert (tmp_path / "summary.md").read_text() == (out / "plan.md").read_text()
    assert "+ alice" in (out / "plan.md").read_text()


def action_run() -> str:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    (run,) = [s["run"] for s in action["runs"]["steps"] if s.get("id") == "run"]
    return str(run)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_cancel_while_the_action_makes_its_directory_means_the_tool_is_not_started(
    tmp_path: Path, sig: signal.Signals
) -> None:
    """Q-EO-4: the composite action's step made its output directory (mkdir, mktemp) in
    the step's shell before exec'ing run-step.sh: a SIGINT while that shell waited for
    mktemp was swallowed, and the tool then ran in full (until the SIGTERM). Now the
    script makes it, after its traps: a cancel then means the tool is not started."""
    stub = tmp_path / "chime-reconciler"
    stub.write_text(STUB)
    stub.chmod(0o755)
    env = hooked_env(
        tmp_path,
        "mktemp",
        CHIME_BIN=str(stub),
        PYTHON=sys.executable,
        ACTION_PATH=str(ROOT),
        OUT_ROOT=str(tmp_path / "runner-temp" / "chime-reconciler"),
        INPUT_COMMAND="apply",
        INPUT_ARGS="--auto-approve",
        INPUT_FAIL="true",
    )
    code = signal_at_hook(tmp_path, start_step(tmp_path, action_run(), env), "mktemp", sig)

    assert not (tmp_path / "started").exists(), "the tool was started after the cancel"
    assert code == 1
    (out_dir,) = (tmp_path / "runner-temp" / "chime-reconciler").glob("run-*")
    outputs = (tmp_path / "github_output").read_text().splitlines()
    assert outputs == [f"output-file={out_dir}/output.txt", "exit-code=130"]
    summary = (tmp_path / "summary.md").read_text()
    assert summary.startswith("### chime-reconciler apply (not run)\n")
    assert f"cancelled ({sig.name}) before apply started; it was not run" in summary


def test_the_action_uses_a_new_directory_each_time(tmp_path: Path) -> None:
    """Two uses in one job (two desired states) keep each other's files."""
    stub = tmp_path / "chime-reconciler"
    stub.write_text('#!/bin/sh\necho "ran"\n')
    stub.chmod(0o755)
    env = hooked_env(
        tmp_path,
        CHIME_BIN=str(stub),
        PYTHON=sys.executable,
        ACTION_PATH=str(ROOT),
        OUT_ROOT=str(tmp_path / "runner-temp" / "chime-reconciler"),
        INPUT_COMMAND="audit",
    )
    for _ in range(2):
        assert start_step(tmp_path, action_run(), env).wait(timeout=60) == 0
    dirs = sorted((tmp_path / "runner-temp" / "chime-reconciler").glob("run-*"))
    assert len(dirs) == 2
    assert sorted((tmp_path / "github_output").read_text().splitlines()) == [
        "exit-code=0", "exit-code=0", f"output-file={dirs[0]}/output.txt",
        f"output-file={dirs[1]}/output.txt",
    ]  # fmt: skip
