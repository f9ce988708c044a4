"""QA-HC Q-HC-3: a Ctrl-C while apply still reads and plans (or checks a saved plan
against the live state) said "finishing the calls in flight and starting no new ones
(press Ctrl-C again to quit at once)" and then quit at once, the reads under way dropped:
it says that the reads stop and nothing is applied, and the one closing line the README
shows. Driven in-process as test_second_interrupt_window (the emulator over real HTTP,
boto3): the signal comes as the plan (the saved plan's check) begins."""

from __future__ import annotations

import pytest
from conftest import Cli
from test_second_interrupt_window import APPLY, ctrl_c, exits, hook, world  # noqa: F401

from reconciler import interrupt
from reconciler.cli.pipeline import Session

pytestmark = pytest.mark.e2e

NOTHING_APPLIED = "Error: Interrupted before applying anything: nothing was applied."


@pytest.mark.parametrize("saved", [False, True], ids=["planning", "checking a saved plan"])
def test_a_signal_while_apply_still_reads_promises_no_calls_finished(
    world: None,  # noqa: F811
    cli: Cli,
    exits: None,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    saved: bool,
) -> None:
    args: tuple[str, ...] = ("apply", "--auto-approve")
    if saved:
        assert cli("plan", "--out", "plan.json").exit_code == 0
        hook(monkeypatch, APPLY, "load_fresh", ctrl_c)
        args = ("apply", "plan.json")
    else:
        hook(monkeypatch, Session, "plan", ctrl_c)
    run = cli(*args)
    assert run.exit_code == 130, run.stderr
    assert run.err_lines[-2:] == [
        "Interrupted: stopping the reads; nothing will be applied "
        "(press Ctrl-C again to quit at once).",
        NOTHING_APPLIED,
    ]
    assert "finishing the calls in flight" not in run.stderr
    interrupt.PRESSED.clear()  # a new process: its own Ctrl-Cs only
