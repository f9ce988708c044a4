"""Ctrl-C or SIGTERM to ``emulator`` before it listens (Q-CK-3): Ctrl-C is how an
emulator stops, so one that lands while it starts (the command line loading, the
emulator's own module loading) exits 0 with one line saying it never served, as the
help and README say, where it exited 130 "Interrupted while starting: nothing was
changed." -- what a test fixture that starts and stops an emulator quickly saw. Any
other command interrupted there still exits 130 (tests/e2e/test_lost_ctrl_c.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from reconciler.cli.main import cli
from reconciler.early_stop import GLOBAL_VALUE_OPTIONS

pytestmark = pytest.mark.e2e

TIMEOUT_S = 60
HOOK = """
import importlib.util, os, sys, time
from pathlib import Path

MODULE = os.environ["SLOW_MODULE"]
MARKER = Path(os.environ["SLOW_MARKER"])


class Hook:
    def find_spec(self, name, path=None, target=None):
        if name != MODULE:
            return None
        sys.meta_path.remove(self)
        MARKER.write_text("loading")
        time.sleep(30)
        return importlib.util.find_spec(name)


sys.meta_path.insert(0, Hook())
"""
# global options and their values before the command: none of them is the command
ARGV = ("--desired", "emulator", "--region", "us-east-1", "emulator", "--port", "0")


def _stopped_while_loading(tmp: Path, module: str, signum: int, *argv: str) -> tuple[int, str]:
    hooks, marker = tmp / "hooks", tmp / "marker"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOOK)
    env = dict(os.environ, PYTHONPATH=str(hooks), SLOW_MODULE=module, SLOW_MARKER=str(marker))
    child = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *argv],
        cwd=tmp,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + TIMEOUT_S
    while not marker.exists():
        assert time.monotonic() < deadline and child.poll() is None, "never loaded"
        time.sleep(0.01)
    child.send_signal(signum)
    try:
        _, err = child.communicate(timeout=TIMEOUT_S)
    finally:
        if child.poll() is None:
            child.kill()
    return child.returncode, err


def test_the_global_options_that_take_a_value_are_those_of_the_command_line() -> None:
    """``early_stop`` skips their values without loading the command line."""
    ctx = click.Context(cli)
    takes = {
        name
        for param in cli.get_params(ctx)
        if isinstance(param, click.Option) and not (param.is_flag or param.count)
        for name in param.opts
        if name.startswith("--")
    }
    assert takes == GLOBAL_VALUE_OPTIONS


@pytest.mark.parametrize(
    ("module", "signum"),
    [
        ("reconciler.cli.main", signal.SIGTERM),  # the command line loading
        ("reconciler.cli.emulator", signal.SIGINT),  # click has read it; emulator loading
    ],
)
def test_emulator_stopped_before_it_listens_exits_0_saying_so(
    tmp_path: Path, module: str, signum: int
) -> None:
    code, err = _stopped_while_loading(tmp_path, module, signum, *ARGV)

    # (click closes the terminal's ^C echo with a blank line first)
    assert (code, err.strip()) == (0, "Chime API emulator stopped before it started serving.")


def test_another_command_after_an_option_valued_emulator_still_exits_130(tmp_path: Path) -> None:
    code, err = _stopped_while_loading(
        tmp_path, "reconciler.cli.main", signal.SIGTERM, "--desired", "emulator", "plan"
    )

    assert (code, err.strip()) == (130, "Interrupted while starting: nothing was changed.")
