"""Progress bars: on stderr, only on a terminal (or with CHIME_RECONCILER_PROGRESS=1),
never in the output a pipe or CI log receives."""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from rich.console import Console

from reconciler.cli.progress import ProgressBar

pytestmark = pytest.mark.e2e


def test_forced_progress_goes_to_stderr_and_plain_output_stays_clean(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_PROGRESS", "1")
    run = cli.subprocess("apply", "--auto-approve")
    assert run.exit_code == 0
    # stderr is a pipe here (a CI log): one plain line per finished task, no bar
    steps = [line.split(" in ")[0] for line in run.err_lines]
    assert steps == [
        "Reading memberships: 3/3",
        "Applying changes: 5/5",
        "Verifying: re-reading what changed: 2/2",
    ]
    assert "\x1b[" not in run.stderr
    assert "\x1b[" not in run.stdout and run.lines[-1].startswith("Apply complete!")


def test_each_task_times_itself_from_its_own_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # the confirmation prompt sits between reading and applying: its wait is not the apply's
    monkeypatch.setenv("CHIME_RECONCILER_PROGRESS", "1")
    monkeypatch.delenv("CI", raising=False)  # a terminal: the bar
    bar = ProgressBar(Console(file=io.StringIO(), force_terminal=True))
    assert bar._progress is not None
    with bar.task("Reading memberships", 1):
        bar.advance()
    time.sleep(1.0)  # the wait at the prompt: far above any scheduling delay
    with bar.task("Applying changes", 2):
        [task] = bar._progress.tasks
        assert (task.description, task.completed, task.total) == ("Applying changes", 0, 2)
        assert task.elapsed is not None and task.elapsed < 0.9


def test_each_step_s_line_counts_and_times_that_step(monkeypatch: pytest.MonkeyPatch) -> None:
    # no terminal (a CI log), forced: one line per step, timed from the step's own start
    monkeypatch.setenv("CHIME_RECONCILER_PROGRESS", "1")
    out = io.StringIO()
    bar = ProgressBar(Console(file=out))
    with bar.task("Reading memberships", 3):
        bar.advance()
        time.sleep(0.6)
        bar.advance()
    time.sleep(1.0)  # the wait at the prompt
    with bar.task("Applying changes", 2):
        for _ in range(2):
            bar.advance()
        with bar.muted():
            bar.advance()  # work on the side: not counted
    first, second = out.getvalue().splitlines()
    label, seconds = first.rsplit(" in ", 1)
    assert label == "Reading memberships: 2/3" and 0.6 <= float(seconds.removesuffix("s")) < 1.5
    label, seconds = second.rsplit(" in ", 1)
    assert label == "Applying changes: 2/2" and float(seconds.removesuffix("s")) < 0.9


def test_audit_reports_its_reads_as_plan_does(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Q-AD-2: a person in many rooms is a long read; in a CI log, its one line
    monkeypatch.setenv("CHIME_RECONCILER_PROGRESS", "1")
    run = cli.subprocess("audit", "bob@example.com")
    assert run.exit_code == 0
    # the rooms as ListRooms' pages come (how many, not known ahead), then each room's role
    assert [line.split(" in ")[0] for line in run.err_lines] == [
        "Listing the member's rooms: 1",
        "Reading memberships: 1/1",
    ]
    assert "\x1b[" not in run.stderr
    assert any("incident" in line and "Administrator" in line for line in run.lines)
