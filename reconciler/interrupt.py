"""Ctrl-C and SIGTERM during an apply: stop starting calls, let the ones in flight finish,
say what was applied and what was not, exit 130. A second signal exits at once, without
waiting for the calls in flight: first, ``graceful``'s ``second`` says and writes what the
results recorded so far show (an apply: what it applied, the calls in flight, what it did
not start), with no call and no wait on the network.

``graceful()`` installs the handlers for one phase (reading, applying); the first signal
sets ``STOP``. Every AWS call checks it before it starts (``check``, from the retry loop),
and every backoff sleeps on it (``sleep``), so within a second no new call is started,
however long the backoff and however throttled the endpoint: a call that would start
raises ``NotStarted`` (an ``AwsError`` the applier records per change as not applied).
SIGTERM is what CI sends on cancel: it behaves as the first Ctrl-C.

A Ctrl-C is never lost: every one is recorded in ``PRESSED`` (by ``record_presses``'s
handler before it raises ``KeyboardInterrupt``, and by ``graceful``'s), and the points
after which something is changed (applying, each watch round, writing a file, a command's
end) call ``raise_if_pressed``. So a ``KeyboardInterrupt`` that some library swallowed
(pydantic-core reports one raised while it compiles a pattern as "Exception ignored in"
and drops it) still ends the run with exit 130 and nothing changed.

``cancelled_by(event)``: the calls a thread makes meanwhile (work whose result may stop
being wanted: reading rooms ahead) also stop when ``event`` is set, as at an interrupt:
no new attempt or page starts, and a backoff or a wait for the quota ends at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from reconciler.errors import AwsError

EXIT_INTERRUPTED = 130
NOT_STARTED = "Interrupted"
NOT_STARTED_MESSAGE = "not started: interrupted"
STOP = threading.Event()
PRESSED = threading.Event()  # a Ctrl-C (or SIGTERM) came in this process, lost or not
POLL_S = 0.05  # how often a wait on a thread's own event looks at STOP as well
# ``wake_main_thread``: the signal that wakes the main thread out of a blocking call so that
# a SIGINT's (SIGTERM's) handler runs; its own handler does nothing
NUDGE = signal.SIGRTMIN + 1
NUDGE_AFTER_S = (0.02, 0.1, 0.5, 2.0)  # after a SIGINT (SIGTERM) whose handler has not run
_runs = 0  # how many times ``_recorded`` or ``graceful``'s handler ran (``wake_main_thread``)
_local = threading.local()  # .event: the thread's own stop (``cancelled_by``), or absent
FIRST = (
    "Interrupted: finishing the calls in flight and starting no new ones "
    "(press Ctrl-C again to quit at once)."
)
# the first signal while apply still reads and plans, before any change: the reads under
# way are dropped, not finished (QA-HC Q-HC-3: it said FIRST, then quit at once)
READING = (
    "Interrupted: stopping the reads; nothing will be applied (press Ctrl-C again to quit at once)."
)
STARTING = "Interrupted while starting: nothing was changed."  # before any command began
SECOND = "Interrupted again: quitting at once; run plan to see what was applied.\n"
# a second signal that ``graceful``'s ``second`` reports on: what it says follows
SECOND_SAYING = "Interrupted again: quitting at once, without waiting for the calls in flight.\n"
# a second signal once the calls are done and the run says and writes its own result
# (``graceful``'s ``finishing``): that is left to end, then it exits 130 (QA-EJ Q-EJ-1)
SECOND_FINISHING = (
    "Interrupted again: the calls are done; saying and writing what was applied, then "
    "quitting (press Ctrl-C again to quit at once).\n"
)


# the first signal once the run's calls are done and it says and writes its own result
# (``saying``): it is left to end, then exits 130 (QA-GH Q-GH-3: it died with "Interrupted."
# and no --out result, a JSON document on stdout cut in the middle)
FINISHING = (
    "Interrupted: the calls are done; saying and writing what was applied, then quitting "
    "(press Ctrl-C again to quit at once)."
)
QUITTING = "Interrupted again: quitting at once.\n"


def _say(text: str) -> bool:
    """``text`` on stderr from a signal handler, without blocking: written only when fd 2
    has room now (a stalled pipe that stdout shares, ``2>&1 | less``, is not waited for:
    the handler would block there, and a second signal with it, QA-GM Q-GM-3); dropped
    otherwise. ``os.write``, not a stream: the main thread may be inside one. Whether it
    was written."""
    data = text.encode()[: select.PIPE_BUF]  # a free pipe slot takes that much whole
    try:
        poller = select.poll()
        poller.register(2, select.POLLOUT)
        if not any(events & select.POLLOUT for _, events in poller.poll(0)):
            return False
        return os.write(2, data) == len(data)
    except OSError:
        return False


class NotStarted(AwsError):
    """A call not started because of an interrupt: its change was not applied."""

    def __init__(self, operation: str, context: str = "") -> None:
        super().__init__(operation, NOT_STARTED, NOT_STARTED_MESSAGE, context)


def requested() -> bool:
    return STOP.is_set()


def pressed() -> bool:
    """Whether a Ctrl-C (or SIGTERM) came in this process, even one whose
    ``KeyboardInterrupt`` was swallowed on its way."""
    return PRESSED.is_set()


def raise_if_pressed() -> None:
    """``KeyboardInterrupt`` when a Ctrl-C came (its own may have been swallowed): called
    before something is changed, so that a lost one still stops the run there."""
    if PRESSED.is_set():
        raise KeyboardInterrupt


def _own() -> threading.Event | None:
    event: threading.Event | None = getattr(_local, "event", None)
    return event


def stopped() -> bool:
    """An interrupt, or this thread's own stop (``cancelled_by``), asked for no new calls."""
    own = _own()
    return STOP.is_set() or (own is not None and own.is_set())


def check(operation: str, context: str = "") -> None:
    """Raise NotStarted when an interrupt (or the thread's own stop) asked to start no
    new calls."""
    if stopped():
        raise NotStarted(operation, context)


def sleep(seconds: float) -> None:
    """``time.sleep`` that an interrupt (or the thread's own stop) cuts short."""
    own = _own()
    if own is None:
        STOP.wait(max(0.0, seconds))
        return
    deadline = time.monotonic() + seconds
    while not stopped():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        own.wait(min(left, POLL_S))


@contextmanager
def cancelled_by(event: threading.Event) -> Iterator[None]:
    """The calls this thread makes meanwhile stop when ``event`` is set (as at STOP)."""
    before = _own()
    _local.event = event
    try:
        yield
    finally:
        _local.event = before


@contextmanager
def graceful(
    notify: Callable[[str], None],
    second: Callable[[], None] | None = None,
    finishing: Callable[[], bool] | None = None,
    again: str = SECOND,
    says: str = FIRST,
) -> Iterator[None]:
    """SIGINT and SIGTERM set ``STOP`` (``notify`` says so once); a second one exits the
    process at once with 130, once ``second`` (given) has said and written what is known
    by then: it runs in the signal handler, so it takes no lock, makes no call and waits
    for nothing (a third signal meanwhile exits without it). Outside the main thread (or
    without signals) it does nothing. ``STOP`` is clear on entry (set, if a Ctrl-C was
    recorded before: nothing starts) and on exit.

    ``finishing`` (given) says whether the run is already saying and writing its own
    result (its calls done: what it applied, the --out file): a second signal then says
    so (``SECOND_FINISHING``) and lets it end of itself (exit 130, as after the first),
    instead of exiting in the middle of it with nothing said or written (QA-EJ Q-EJ-1);
    a third quits at once.

    ``again``: what a second signal says when there is no ``second``, as it quits: by
    default, that something may have been applied; a phase that changes nothing (apply
    still reading and planning) says that nothing was (QA-GA Q-GA-1). ``says``: what the
    first signal says (``notify``): by default, that the calls in flight are finished; a
    phase that only reads says that the reads stop (``READING``, QA-HC Q-HC-3)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    STOP.clear()
    if PRESSED.is_set():  # a Ctrl-C came before, and its KeyboardInterrupt was lost
        STOP.set()

    quitting = False

    def first(signum: int, frame: FrameType | None) -> None:
        nonlocal quitting
        global _runs
        _runs += 1
        PRESSED.set()
        if STOP.is_set():
            if quitting or second is None:
                _say(again if second is None else SECOND)
                os._exit(EXIT_INTERRUPTED)
            quitting = True
            if finishing is not None and finishing():
                _say(SECOND_FINISHING)
                return
            _say(SECOND_SAYING)
            with contextlib.suppress(BaseException):  # whatever it met, quit all the same
                second()
            os._exit(EXIT_INTERRUPTED)
        STOP.set()
        notify(says)

    previous = {s: signal.signal(s, first) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        STOP.clear()


@contextmanager
def saying(last_line: Callable[[], str]) -> Iterator[None]:
    """Meanwhile the run's calls are done and it says and writes its own result (the
    closing lines, the --out file, a JSON document on stdout): a first SIGINT or SIGTERM
    says ``FINISHING`` and lets it end (recorded in ``PRESSED``: the run then ends with
    exit 130, ``pressed()``); a second one says ``QUITTING`` and ``last_line()`` and exits
    130 at once (a slow reader of stdout is not waited for, nor one of stderr: ``_say``
    drops what fd 2 has no room for; ``FINISHING`` dropped so is said once the block is
    done, by the main thread, QA-GM Q-GM-3). Outside the main thread it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    heard = False
    unsaid = False  # FINISHING heard but not written: fd 2 was full then

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal heard, unsaid
        global _runs
        _runs += 1
        PRESSED.set()
        if not heard:
            heard = True
            unsaid = not _say(f"{FINISHING}\n")
            return
        with contextlib.suppress(BaseException):  # whatever it met, quit all the same
            _say(f"{QUITTING}Error: {last_line()}\n")
        os._exit(EXIT_INTERRUPTED)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        if unsaid:  # blocking is fine here: a second signal still quits at once
            with contextlib.suppress(OSError):
                os.write(2, f"{FINISHING}\n".encode())
        for s, before in previous.items():
            signal.signal(s, before)


def _recorded(signum: int, frame: FrameType | None) -> None:
    global _runs
    _runs += 1
    PRESSED.set()
    raise KeyboardInterrupt


def _above_stdio(fd: int) -> int:
    """``fd`` moved to 3 or above (close-on-exec): a standard stream that was closed when
    the process started (``>&-``) is not taken by it (``reconciler.closed_output``)."""
    if fd > 2:
        return fd
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
    os.close(fd)
    return moved


def _nothing(signum: int, frame: FrameType | None) -> None:
    """``NUDGE``'s handler: the signal only ends the main thread's blocking call."""


def wake_main_thread() -> None:
    """A SIGINT or SIGTERM whose handler did not run is not left waiting for a blocking
    call to end (the process's entry point calls it once, from the main thread).

    Python runs a signal's handler (``_recorded``: ``KeyboardInterrupt``) in the main
    thread, between two bytecodes; a signal that interrupts a blocking call (a socket read)
    ends it with EINTR, and the handler runs then. But one that comes after the last look
    for signals and before the call blocks (a few microseconds; on a loaded machine, any
    time the process is preempted there) is only recorded by the C-level handler: the call
    blocks as if nothing came, and the handler runs when it ends, after the read timeout
    (30 s: an `audit` waiting for its first answer, Ctrl-C'd, hung that long). So a
    thread reads the signals' numbers Python writes (``signal.set_wakeup_fd``) and, while
    none of our handlers ran since, sends ``NUDGE`` to the main thread a few times
    (``NUDGE_AFTER_S``): its call ends with EINTR, and the pending handler runs (Python
    retries a call a handler let go on, PEP 475). Nothing when the wakeup fd is already
    someone else's."""
    if threading.current_thread() is not threading.main_thread():
        return
    watched = {int(signal.SIGINT), int(signal.SIGTERM)}
    r, w = (_above_stdio(fd) for fd in os.pipe())  # not 0-2: a closed stdout stays closed
    os.set_blocking(w, False)
    try:
        theirs = signal.set_wakeup_fd(w, warn_on_full_buffer=False)
    except (ValueError, OSError):
        theirs = -2
    if theirs != -1:  # someone else's (or none possible): left as it was
        if theirs >= 0:
            signal.set_wakeup_fd(theirs)
        os.close(r)
        os.close(w)
        return
    signal.signal(NUDGE, _nothing)
    main = threading.main_thread().ident
    assert main is not None

    def watch() -> None:
        # never this thread's: the kernel gives them to the main thread (or another)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, NUDGE})
        while data := os.read(r, 64):
            if not watched.intersection(data):
                continue
            runs = _runs
            for delay in NUDGE_AFTER_S:
                time.sleep(delay)
                if _runs != runs:  # its handler ran
                    break
                signal.pthread_kill(main, NUDGE)

    threading.Thread(target=watch, name="signal-wake", daemon=True).start()


def record_presses() -> None:
    """Outside ``graceful``, SIGINT and SIGTERM (CI's cancel) are a Ctrl-C: recorded in
    ``PRESSED``, then ``KeyboardInterrupt`` (exit 130). SIGINT is left alone when it is
    not Python's default handler (ignored: a shell's background job)."""
    if threading.current_thread() is not threading.main_thread():
        return
    from reconciler import early_stop  # standard library only, loaded first

    if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, _recorded, early_stop.early):
        signal.signal(signal.SIGINT, _recorded)
    signal.signal(signal.SIGTERM, _recorded)
    if early_stop.HEARD:  # one came while the command line loaded: its interrupt may be lost
        PRESSED.set()


@contextmanager
def heard() -> Iterator[None]:
    """Meanwhile SIGINT is a Ctrl-C (``record_presses``'s) even when it started ignored (a
    script's background job, stopped with ``kill -INT``): as ``graceful`` installs its
    handler whatever SIGINT was, so does a command that applies for a long time outside
    it (``apply --watch``, between its rounds). Outside the main thread it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, _recorded)
    try:
        yield
    finally:
        if previous is not None:  # None: not installed from Python (left as it is now)
            signal.signal(signal.SIGINT, previous)
