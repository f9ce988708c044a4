"""The suite started as a background job (``nohup make test &`` from a script, which starts
it with SIGINT ignored) still presses Ctrl-C in the commands it starts: they get SIGINT at
its default, as from a terminal (``tests/conftest.py``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

# what a Python child does with SIGINT: ``default`` (Python's handler, installed because
# SIGINT came at its default: a KeyboardInterrupt) or ``ignored`` (inherited)
REPORT = """
import signal
handler = signal.getsignal(signal.SIGINT)
print("default" if handler is signal.default_int_handler else "ignored")
"""


def test_the_commands_the_suite_starts_get_ctrl_c_as_from_a_terminal() -> None:
    done = subprocess.run(
        [sys.executable, "-c", REPORT], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout == "default\n"


def test_a_ctrl_c_to_the_test_process_itself_is_a_keyboard_interrupt() -> None:
    # the in-process Ctrl-C tests (the applier's) send SIGINT to this very process; its
    # handler is Python's, or the one a command run in-process left (it records the press
    # and raises the same; the autouse fixture forgets the record)
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(200):  # the handler runs in this (the main) thread, between these
            time.sleep(0.01)
