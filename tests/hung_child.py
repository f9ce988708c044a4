"""What a child process that did not end in time was doing, for the test's failure message.

A test that signals the CLI in a child and waits for it to end fails if it is still
running after its patience. That failure alone says nothing of why: the child may have
never seen the signal (blocked or ignored: ``/proc/PID/status`` shows both), or seen it
and waited on something. ``started_with_stacks`` starts the child with Python's
``faulthandler`` on; ``why_still_running`` then asks it for every thread's stack (SIGABRT
makes it print them to stderr before it dies) and returns them with its signal masks, so
that a hang seen once on a loaded CI machine can be understood from the log alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping

SIGNAL_FIELDS = ("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt")


def with_stacks(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with Python's ``faulthandler`` on: a SIGABRT prints every thread's stack."""
    return {**env, "PYTHONFAULTHANDLER": "1"}


def signal_state(pid: int) -> str:
    """The signal lines of ``/proc/PID/status`` (pending, blocked, ignored, caught), or
    why they could not be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            lines = [line.strip() for line in status if line.startswith(SIGNAL_FIELDS)]
    except OSError as exc:
        return f"(no /proc/{pid}/status: {exc.strerror})"
    return "; ".join(lines)


def why_still_running(child: subprocess.Popen[str]) -> str:
    """The child (started ``with_stacks``) ended; what it was doing first: its signal
    state, then the stacks it printed on SIGABRT and whatever else it had written."""
    state = signal_state(child.pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(child.pid, signal.SIGABRT)
    try:
        out, err = child.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # not even that: a process stuck in the kernel
        child.kill()
        out, err = child.communicate()
    return f"signals: {state}\nstdout:\n{out}\nstderr (stacks on SIGABRT):\n{err}"
