"""A closed output: the command reading it ended (``plan | head -1``), handled the way
well-behaved command-line tools handle it.

Python ignores SIGPIPE, so a write to a pipe whose reader has gone raises
``BrokenPipeError`` where ``git log | head -1`` or ``yes | head -1`` would just end, killed
by the signal; a shell shows that as status 141 (128 + SIGPIPE). So does this tool:

- any command stops writing, says nothing and exits 141 (``ReconcilerGroup``): the
  reader took what it wanted. Standard output is pointed at ``/dev/null`` first
  (``mute_stdout``), so that nothing buffered fails again at exit (Python would print
  "Exception ignored ... BrokenPipeError" and exit 120). ``plan --out`` and
  ``merge-plans --out`` still write their file first (``written``): the plan was made;
- ``apply`` and ``apply --watch``, which change Chime, stop as at a Ctrl-C (no new call
  starts, the calls in flight finish) and say on stderr what they did (``OutputClosed``,
  exit 141): their output, which listed it, is gone.

Before, click answered a closed pipe with exit 1 and nothing said, and an apply stopped
part-way without a word.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from collections.abc import Callable

from reconciler.errors import ReconcilerError

EXIT_OUTPUT_CLOSED = 128 + signal.SIGPIPE  # 141, as a shell shows a command SIGPIPE ended
CLOSED = "the output was closed (the command reading it ended)"


class OutputClosed(ReconcilerError):
    """A command that changes Chime stopped because its output was closed: the message
    says what it did; exit 141."""

    exit_code = EXIT_OUTPUT_CLOSED

    def __init__(self, what: str) -> None:
        super().__init__(f"{CLOSED}: {what}")


def written(write: Callable[[], object]) -> bool:
    """Run ``write`` (what goes to stdout); False when stdout's reader has ended: stdout
    is then muted, and the command still writes its files (``plan --out``) before it
    exits 141 (``EXIT_OUTPUT_CLOSED``)."""
    try:
        write()
    except BrokenPipeError:
        if not stdout_is_closed():
            raise
        mute_stdout()
        return False
    return True


def mute_stdout() -> None:
    """Point file descriptor 1 at ``/dev/null``: what is still buffered, and any later
    write, goes nowhere instead of failing again (at exit, too)."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's capture)
        return
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def stdout_is_closed() -> bool:
    """Whether standard output is a pipe or socket whose reader has gone (``poll``
    reports an error on it): a ``BrokenPipeError`` from anything else is not this."""
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False
