"""One parallel map for every place that works on several targets at once, and a pool
that starts the calls waiting in order of priority (reading rooms ahead, longest first)."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, wait
from typing import Any, TypeVar

from reconciler import interrupt

T = TypeVar("T")
R = TypeVar("R")


def pmap(fn: Callable[[T], R], items: Iterable[T], parallelism: int) -> list[R]:
    """``fn`` over ``items`` in up to ``parallelism`` threads; results in input order.
    With one item or ``parallelism`` 1 no thread is started.

    The first exception raised by ``fn`` (the first raised; of several raised by then,
    the earliest item's) propagates at once, as does one raised in the caller while it
    waits (Ctrl-C's ``KeyboardInterrupt``): the items not started are dropped, and the
    calls of those under way stop at their next attempt, page or backoff
    (``interrupt.cancelled_by``); they are not waited for, nor, on daemon threads, at
    the process's exit."""
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
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            failure = future.exception() if future in done else None
            if failure is not None:
                raise failure
    except BaseException:
        stop.set()
        pool.shutdown(cancel=True, wait=False)
        raise
    pool.shutdown()
    return [f.result() for f in futures]


class PriorityPool:
    """Up to ``parallelism`` threads; of the calls waiting, the one submitted with the
    highest priority starts first (then the first submitted). ``shutdown(cancel=True)``
    cancels those not started.

    Its threads are daemons: a caller that no longer wants a call's result (an error, an
    interrupt) need not wait for it, not even at the process's exit."""

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

    def shutdown(self, cancel: bool = False, wait: bool = True) -> None:
        """No more calls; ``cancel``: those not started are cancelled; ``wait``: for the
        calls started (and, without ``cancel``, for those waiting)."""
        with self._ready:
            self._closed = True
            left: list[tuple[float, int, Callable[[], None], Future[Any]]] = []
            if cancel:
                left, self._waiting = self._waiting, []
            self._ready.notify_all()
        for *_, future in left:
            future.cancel()
        if wait:
            for thread in list(self._threads):
                if thread.ident is not None:  # started (a submit may be starting one)
                    thread.join()

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
