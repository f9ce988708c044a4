"""One parallel map for every place that works on several targets at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

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
