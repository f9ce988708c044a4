"""A closed output: the command reading it ended (``plan | head -1``), handled the way
well-behaved command-line tools handle it.

Python ignores SIGPIPE, so a write to a pipe whose reader has gone raises
``BrokenPipeError`` where ``git log | head -1`` or ``yes | head -1`` would just end, killed
by the signal; a shell shows that as status 141 (128 + SIGPIPE). So does this tool:

- any command stops writing, says nothing and exits 141 (``ReconcilerGroup``): the
  reader took what it wanted. So when stderr's reader has gone (``2>&1 | head -1``),
  also at exit (``reconciler.process_exit``). Standard output is pointed at ``/dev/null`` first
  (``mute_stdout``), so that nothing buffered fails again at exit (Python would print
  "Exception ignored ... BrokenPipeError" and exit 120). ``plan --out`` and
  ``merge-plans --out`` still write their file first (``written``): the plan was made;
- ``apply`` and ``apply --watch``, which change Chime, stop as at a Ctrl-C (no new call
  starts, the calls in flight finish) and say on stderr what they did (``OutputClosed``,
  exit 141): their output, which listed it, is gone.

A write error other than a closed pipe (``> /dev/full``: ENOSPC, a quota) is a
failed output (``output_failure``): any command says ``Error: the output could not be
written (No space left on device).`` and exits 1, never "Internal error"; so does a
standard output closed from the start (``>&-``, ``hold_closed_stdout``): ``(stdout is
closed)``, for a command that writes to it; ``apply``
stops as for a closed output, says on stderr what it applied, writes its ``--out`` result
and ends with that line and what it did (``OutputFailed``, exit 1). ``import --out``,
whose files are written before it speaks, ends so with what it wrote; ``import --adopt``
puts the files it edited back and says so (``Shown.error``; QA-FY Q-FY-12).

Before, click answered a closed pipe with exit 1 and nothing said, and an apply stopped
part-way without a word.
"""

from __future__ import annotations

import errno
import os
import select
import signal
import sys
from collections.abc import Callable
from typing import TextIO

import click

from reconciler.errors import ReconcilerError
from reconciler.whole_writes import OutputNotEncodable

EXIT_OUTPUT_CLOSED = 128 + signal.SIGPIPE  # 141, as a shell shows a command SIGPIPE ended
CLOSED = "the output was closed (the command reading it ended)"


# write errors of a full or failing disk under stdout (not a closed pipe: EPIPE)
# Errors only a write gives (a full disk, a quota, a file too large): EIO is not one of
# them, as a failed read of a desired-state file gives it too, with no file name either
# (a device error reading is reported as the unexpected error it is)
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
STDOUT_CLOSED = "stdout is closed"


class _Stdout:
    closed_at_start = False  # file descriptor 1 was closed when the process started


def stdout_closed_at_start() -> bool:
    """File descriptor 1 was closed when the process started (``hold_closed_stdout``):
    nothing written to stdout can be read, and a write says so."""
    return _Stdout.closed_at_start


def hold_closed_stdout() -> bool:
    """When file descriptor 1 is closed (``>&-``), open ``/dev/null`` on it for reading
    only, and say so (true): a write to stdout then fails as a write to the closed
    descriptor did (EBADF), which ``output_failure`` reports as ``stdout is closed``, and
    no file or socket the command opens takes its place."""
    try:
        os.fstat(1)
    except OSError:
        pass
    else:
        return False
    fd = os.open(os.devnull, os.O_RDONLY)
    if fd != 1:  # stdin was closed too
        os.dup2(fd, 1)
        os.close(fd)
    _Stdout.closed_at_start = True
    return True


def output_failure(exc: BaseException | None) -> str | None:
    """Why stdout could not be written (``No space left on device``, ``stdout is
    closed``, ``ascii cannot encode '\\xe9'``), when ``exc`` is such a write error (no file
    name: the files a command writes say their own), else None."""
    if not isinstance(exc, OSError) or isinstance(exc, BrokenPipeError) or exc.filename:
        return None
    if isinstance(exc, OutputNotEncodable):
        return exc.reason
    if exc.errno in OUTPUT_ERRNOS:
        return os.strerror(exc.errno)
    if exc.errno == errno.EBADF and _Stdout.closed_at_start:
        return STDOUT_CLOSED
    return None


def output_failure_of(exc: OSError) -> str:
    """``output_failure(exc)`` for a handler of OSError: why stdout could not be written;
    any other OSError is raised again, as it was."""
    reason = output_failure(exc)
    if reason is None:
        raise exc
    return reason


def failed_output(reason: str) -> str:
    """``the output could not be written (No space left on device)``."""
    return f"the output could not be written ({reason})"


class OutputFailed(ReconcilerError):
    """Standard output could not be written (a full disk): ``what`` the command did, if
    it changed anything; exit 1."""

    def __init__(self, reason: str, what: str = "") -> None:
        said = failed_output(reason)
        super().__init__(f"{said}: {what}" if what else f"{said}.")


class OutputClosed(ReconcilerError):
    """A command that changes Chime stopped because its output was closed: the message
    says what it did; exit 141."""

    exit_code = EXIT_OUTPUT_CLOSED

    def __init__(self, what: str) -> None:
        super().__init__(f"{CLOSED}: {what}")


class Shown:
    """What ``written`` did: true when stdout took it all; else ``end`` ends the command
    as its output's fate says, once its files are written."""

    def __init__(self, closed: bool = False, failure: str | None = None) -> None:
        self.closed = closed
        self.failure = failure

    def __bool__(self) -> bool:
        return not self.closed and self.failure is None

    def error(self, what: str) -> ReconcilerError:
        """Not written (false), for a command that changed something: the error that says
        ``what`` on stderr (``OutputFailed``, exit 1; closed: ``OutputClosed``, exit 141)."""
        if self.failure is not None:
            return OutputFailed(self.failure, what)
        return OutputClosed(what)

    def end(self) -> None:
        """Closed: exit 141, nothing said; could not be written: ``OutputFailed`` (exit 1);
        written: nothing."""
        if self.failure is not None:
            raise OutputFailed(self.failure)
        if self.closed:
            raise click.exceptions.Exit(EXIT_OUTPUT_CLOSED)


def written(write: Callable[[], object]) -> Shown:
    """Run ``write`` (what goes to stdout); false when stdout's reader has ended or stdout
    could not be written (a full disk): stdout is then muted, and the command still writes
    its files (``plan --out``) before ``Shown.end`` ends it (exit 141, or 1 and the
    error)."""
    try:
        write()
    except BrokenPipeError:
        if not stdout_is_closed():
            raise
        mute_stdout()
        return Shown(closed=True)
    except OSError as exc:
        if (reason := output_failure(exc)) is None:
            raise
        mute_stdout()
        return Shown(failure=reason)
    return Shown()


def mute_stdout() -> None:
    """Point file descriptor 1 at ``/dev/null``: what is still buffered, and any later
    write, goes nowhere instead of failing again (at exit, too)."""
    mute(sys.stdout)


def mute(stream: TextIO | None) -> None:
    """Point ``stream``'s file descriptor at ``/dev/null`` (``mute_stdout``)."""
    if stream is None:
        return
    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's capture)
        return
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


def mute_closed_outputs() -> bool:
    """Mute stdout and stderr where their reader has gone (``2>&1 | head -1`` closes
    both): true when either has, false when neither (a ``BrokenPipeError`` from
    anything else is not this)."""
    closed = [s for s, fd in ((sys.stdout, 1), (sys.stderr, 2)) if _reader_gone(fd)]
    for stream in closed:
        mute(stream)
    return bool(closed)


def stdout_is_closed() -> bool:
    """Whether standard output is a pipe or socket whose reader has gone (``poll``
    reports an error on it): a ``BrokenPipeError`` from anything else is not this."""
    return _reader_gone(1)


def _reader_gone(fd: int) -> bool:
    try:
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False
