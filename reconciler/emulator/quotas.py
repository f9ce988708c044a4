"""AWS's documented rate quotas, enforced when the emulator runs with ``--quotas`` (or after
``POST /_emulator/faults {"quotas": true}``).

A route names its quotas as data (``Quota``: a rate and how to pick the bucket from the
request); ``QuotaBuckets`` keeps one token bucket per key, each holding one second's worth
of requests (at least one). A call takes a token from every bucket its quotas name, or
from none: when any is empty it is refused, and the route answers its service's 429
(``ThrottlingException`` for meetings).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reconciler.emulator.responses import Request

# The bucket a request draws from, or None when the quota does not apply to it (a quota
# for eu-central-1 app instances only, say).
KeyOf = Callable[[str, Request], str | None]


def per_operation(operation: str, request: Request) -> str:
    return operation


@dataclass(frozen=True)
class Quota:
    """``rate`` requests per second for each bucket ``key(operation, request)`` names."""

    rate: float
    key: KeyOf = per_operation
    label: str = "operation"  # how the refusal message names the bucket


class QuotaBuckets:
    """Token buckets by key. Thread-safe; ``reset`` fills them all again."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self.clock = clock  # injectable: tests move a manual clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, stamp)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def refused(
        self, quotas: Sequence[Quota], operation: str, request: Request
    ) -> tuple[Quota, str] | None:
        """Take a token from each quota's bucket, or from none and return the first quota
        (and its key) whose bucket is empty."""
        named = [(q, q.key(operation, request)) for q in quotas]
        keys = [(q, f"{q.rate}|{q.label}|{key}") for q, key in named if key is not None]
        with self._lock:
            now = self.clock()
            levels = []
            for quota, key in keys:
                capacity = max(1.0, quota.rate)
                tokens, stamp = self._buckets.get(key, (capacity, now))
                tokens = min(capacity, tokens + (now - stamp) * quota.rate)
                if tokens < 1.0:
                    self._buckets[key] = (tokens, now)
                    return quota, key.split("|", 2)[2]
                levels.append((key, tokens))
            for key, tokens in levels:
                self._buckets[key] = (tokens - 1.0, now)
        return None
