"""One parallel map for every place that works on several targets at once, and a pool
that starts the calls waiting in order of priority (reading rooms ahead, longest first)."""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from typing import Any, TypeVar

from reconciler import interrupt

T = TypeVar("T")
R = TypeVar("R")
# after a failure, how long the calls under way (stopped, each with at most its request in
# flight) are waited for: a request that is never answered does not hold the error back
STRAGGLERS_S = 1.5


def pmap(fn: Callable[[T], R], items: Iterable[T], parallelism: int) -> list[R]:
    """``fn`` over ``items`` in up to ``parallelism`` threads; results in input order.
    With one item or ``parallelism`` 1 no thread is started.

    The first exception raised by ``fn`` (the first raised; of several raised by then,
    the earliest item's) propagates, as does one raised in the caller while it waits
    (Ctrl-C's ``KeyboardInterrupt``): the items not started are dropped, and the calls of
    those under way stop at their next attempt, page or backoff
    (``interrupt.cancelled_by``). On a failure those under way are waited for (the
    request each has in flight, up to ``STRAGGLERS_S``) before it propagates, so that no
    thread of this map makes a call once its caller has gone on and the run has closed
    its clients (QA-GU Q-GU-1: a call that had passed its last check opened a connection
    nobody closed). On an interrupt they are not (nor, on daemon threads, at the
    process's exit): a Ctrl-C exits at once, even with a request never answered in
    flight, and so does one that only sets ``interrupt.STOP`` (apply's: ``NotStarted``
    is raised, as the items' next call would), and one that comes during that wait. A
    closed client refuses to send (``awsclient.closing``): what is not waited for opens
    no connection either. A caller that is itself stopped (its own
    ``cancelled_by`` event: a map within a map's item) stops its items the same way."""
    items = list(items)
    if len(items) <= 1 or parallelism <= 1:
        return [fn(i) for i in items]
    stop = threading.Event()
    pool = PriorityPool(min(parallelism, len(items)), "pmap")

    def stoppable(item: T) -> R:
        with interrupt.cancelled_by(stop):
            return fn(item)

    futures = [pool.submit(0, stoppable, item) for item in items]
    try:
        while True:
            done, pending = wait(futures, interrupt.POLL_S, return_when=FIRST_EXCEPTION)
            for future in futures:
                failure = future.exception() if future in done else None
                if failure is not None:
                    raise failure
            if not pending:
                break
            # an interrupt (apply's Ctrl-C, which only sets STOP) does not wait for a request
            # in flight (QA-HA Q-HA-4: a saved plan's rooms waited for every answer)
            if interrupt.requested():
                raise interrupt.NotStarted("read")
            if interrupt.stopped():  # the caller's own stop: its items stop, then end
                stop.set()
    except BaseException as exc:
        stop.set()
        interrupted = isinstance(exc, KeyboardInterrupt) or interrupt.requested()
        interrupted = interrupted or interrupt.pressed()
        pool.shutdown(cancel=True, wait=not interrupted, timeout=STRAGGLERS_S)
        raise
    pool.shutdown()
    return [f.result() for f in futures]


class PriorityPool:
    """Up to ``parallelism`` threads; of the calls waiting, the one submitted with the
    highest priority starts first (then the first submitted). ``shutdown(cancel=True)``
    cancels those not started.

    Its threads are daemons: a caller interrupted need not wait for a call under way,
    not even at the process's exit. A caller that fails waits for them
    (``shutdown(cancel=True)``, the calls stopped first): a call made after the run
    closed its clients opened a connection nobody closed (QA-GU Q-GU-1)."""

    def __init__(self, parallelism: int, name: str) -> None:
        self._size = max(1, parallelism)
        self._name = name
        self._ready = threading.Condition()
        self._waiting: list[tuple[float, int, Callable[[], None], Future[Any]]] = []
        self._order = itertools.count()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads waiting for a call
        self._closed = False

    def submit(self, priority: float, fn: Callable[..., R], *args: object) -> Future[R]:
        future: Future[R] = Future()

        def run() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # the caller's, through the future
                    future.set_exception(exc)

        thread = None
        with self._ready:
            if self._closed:
                raise RuntimeError("cannot submit to a pool shut down")
            heapq.heappush(self._waiting, (-priority, next(self._order), run, future))
            if self._idle < len(self._waiting) and len(self._threads) < self._size:
                name = f"{self._name}_{len(self._threads)}"
                thread = threading.Thread(target=self._work, name=name, daemon=True)
                self._threads.append(thread)
            else:
                self._ready.notify()
        if thread is not None:
            thread.start()
        return future

    def shutdown(
        self, cancel: bool = False, wait: bool = True, timeout: float | None = None
    ) -> None:
        """No more calls; ``cancel``: those not started are cancelled; ``wait``: for the
        calls started (and, without ``cancel``, for those waiting), up to ``timeout``
        seconds in all (None: as long as they take), and not past an interrupt: a Ctrl-C
        (SIGTERM) that comes meanwhile ends the wait at once, as one that came before
        would have spared it (QA-HA Q-HA-3: apply's, which only sets ``interrupt.STOP``,
        waited for the rest of the 1.5 s after a failed read)."""
        with self._ready:
            self._closed = True
            left: list[tuple[float, int, Callable[[], None], Future[Any]]] = []
            if cancel:
                left, self._waiting = self._waiting, []
            self._ready.notify_all()
        for *_, future in left:
            future.cancel()
        if wait:
            deadline = None if timeout is None else time.monotonic() + timeout
            for thread in list(self._threads):
                if thread.ident is None:  # not started (a submit may be starting one)
                    continue
                while thread.is_alive():
                    if interrupt.requested() or interrupt.pressed():
                        return  # a Ctrl-C exits at once (QA-HA Q-HA-3): the threads are daemons
                    slice_s = interrupt.POLL_S
                    if deadline is not None:
                        slice_s = min(slice_s, deadline - time.monotonic())
                        if slice_s <= 0:
                            return
                    thread.join(slice_s)

    def _work(self) -> None:
        while True:
            with self._ready:
                self._idle += 1
                while not self._waiting and not self._closed:
                    self._ready.wait()
                self._idle -= 1
                if not self._waiting:
                    return  # shut down, nothing left
                run = heapq.heappop(self._waiting)[2]
            run()
