"""The suite started as a background job (``nohup make test &`` from a script, which starts
it with SIGINT ignored) still presses Ctrl-C in the commands it starts: they get SIGINT at
its default, as from a terminal (``tests/conftest.py``)."""

from __future__ import annotations

import signal
import subprocess
import sys

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


def test_the_test_process_itself_raises_keyboard_interrupt_on_sigint() -> None:
    # the in-process Ctrl-C tests (the applier's) send SIGINT to this very process
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
