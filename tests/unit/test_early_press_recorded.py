"""An emulator's SIGINT while its command line loads is recorded, not only raised: a
``KeyboardInterrupt`` swallowed on its way (raised in a finalizer or a garbage-collector
callback, which Python reports as "Exception ignored" and goes on from) still counts as a
press once ``interrupt.record_presses`` takes over, so the emulator's ``raise_if_pressed``
before it listens stops it. A clean clone's suite once saw `emulator &` sent `kill -INT`
in its first 50 ms keep starting and serve (tests/e2e/test_emulator_background_sigint.py,
[0.05]). Run in a child process: the test process's own signals are left alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import os, signal, time
    from reconciler import early_stop
    early_stop.heard_from_the_start(["emulator", "--port", "0"])
    try:  # the interrupt swallowed, as a finalizer's would be
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    except KeyboardInterrupt:
        pass
    from reconciler import interrupt
    interrupt.record_presses()
    print(interrupt.pressed(), signal.getsignal(signal.SIGINT) is interrupt._recorded)
    """
)


def test_a_swallowed_early_sigint_is_a_press_once_presses_are_recorded() -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60, check=False
    )
    assert (run.returncode, run.stdout.split(), run.stderr) == (0, ["True", "True"], "")


def test_no_early_signal_is_no_press() -> None:
    quiet = CHILD.replace("os.kill(os.getpid(), signal.SIGINT)", "pass").replace(
        "time.sleep(1)", "pass"
    )
    run = subprocess.run(
        [sys.executable, "-c", quiet], capture_output=True, text=True, timeout=60, check=False
    )
    assert (run.returncode, run.stdout.split(), run.stderr) == (0, ["False", "True"], "")
