"""One parallel map for every place that works on several targets at once, and a pool
that starts the calls waiting in order of priority (reading rooms ahead, longest first)."""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def pmap(fn: Callable[[T], R], items: Iterable[T], parallelism: int) -> list[R]:
    """``fn`` over ``items`` in up to ``parallelism`` threads; results in input order.
    With one item or ``parallelism`` 1 no thread is started. The first exception raised
    by ``fn`` propagates."""
    items = list(items)
    if len(items) <= 1 or parallelism <= 1:
        return [fn(i) for i in items]
    with ThreadPoolExecutor(max_workers=min(parallelism, len(items))) as pool:
        return list(pool.map(fn, items))


class PriorityPool:
    """Up to ``parallelism`` threads; of the calls waiting, the one submitted with the
    highest priority starts first (then the first submitted). ``shutdown(cancel=True)``
    cancels those not started."""

    def __init__(self, parallelism: int, name: str) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix=name)
        self._lock = threading.Lock()
        self._waiting: list[tuple[float, int, Callable[[], None], Future[Any]]] = []
        self._order = itertools.count()

    def submit(self, priority: float, fn: Callable[..., R], *args: object) -> Future[R]:
        future: Future[R] = Future()

        def run() -> None:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn(*args))
                except BaseException as exc:  # the caller's, through the future
                    future.set_exception(exc)

        with self._lock:
            heapq.heappush(self._waiting, (-priority, next(self._order), run, future))
        self._pool.submit(self._next)  # one turn per call: each runs the best one waiting
        return future

    def shutdown(self, cancel: bool = False) -> None:
        """Wait for the calls started; ``cancel``: the others are not started."""
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        with self._lock:
            left, self._waiting = self._waiting, []
        for *_, future in left:  # their turns were cancelled
            future.cancel()

    def _next(self) -> None:
        with self._lock:
            run = heapq.heappop(self._waiting)[2]
        run()
