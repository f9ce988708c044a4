"""QA CZ Q-CZ-3 and Q-CZ-4: COLUMNS outside any sane width. rich took COLUMNS as it is:
at 0 every text output was empty (plan printed nothing, apply applied without printing
the plan or its outcome); at 99999999999 the progress bar ran out of memory drawing
itself (a MemoryError traceback from its thread). The width is now the terminal's or
COLUMNS within 20..1000 columns, and 80 for 0, as rich takes a terminal that says it is
0 columns wide."""

from __future__ import annotations

from typing import Any

import pytest
from test_cli_terminal import on_pty, plain

pytestmark = pytest.mark.e2e

APPLIED = "Apply complete! Memberships: 3 added, 1 changed, 1 removed."


def test_columns_zero_prints_the_plan(ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "0")
    run = cli("plan", "--detailed-exitcode")
    assert (run.exit_code, run.lines) == (2, ops.plan)


def test_columns_zero_apply_prints_the_plan_then_the_outcome(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "0")
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stderr
    assert run.lines[: len(ops.plan)] == ops.plan
    assert run.lines[-1] == APPLIED


def test_columns_zero_on_a_terminal_draws_at_80_columns(ops: Any, cli: Any) -> None:
    lines = plain(on_pty(cli, ["plan"], 60, {"COLUMNS": "0"}))
    assert "Plan: 3 to add, 1 to change, 1 to remove." in lines
    assert max(len(line) for line in lines) > 60  # not the terminal's 60: 80
    assert all(len(line) <= 80 for line in lines)


def test_a_huge_columns_draws_the_progress_bar_without_a_traceback(ops: Any, cli: Any) -> None:
    ops.emulator.set_faults(latency_ms=250)  # the steps outlast the bar's delay
    args = ["--parallelism", "1", "apply", "--auto-approve"]
    output = on_pty(cli, args, 80, {"COLUMNS": "99999999999"})
    assert "Applying changes" in output  # the bar was drawn
    assert "MemoryError" not in output
    assert "Exception in thread" not in output
    assert APPLIED in plain(output)
