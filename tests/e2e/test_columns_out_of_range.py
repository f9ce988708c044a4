"""QA CZ Q-CZ-3: COLUMNS outside any sane width. rich took COLUMNS as it is: at 0 every
text output was empty (plan printed nothing, apply applied without printing the plan or
its outcome). The width is now the terminal's or COLUMNS, at least 20 columns, and 80
for 0, as rich takes a terminal that says it is 0 columns wide."""

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
