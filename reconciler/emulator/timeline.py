"""When each API call was served: for the scale harness, which places a run's calls in
time (how long the CLI took to make its first call, how many were in flight, what it did
after the last answer) without touching the process it measures.

Times are ``time.monotonic()`` seconds, a clock every process on the machine shares
(Linux's CLOCK_MONOTONIC), so a client can compare them with its own. The last
``MAX_CALLS`` calls are kept (about 10 MB at most).
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

MAX_CALLS = 100_000


class Timeline:
    """Thread-safe: the server's threads record, the admin API reads."""

    def __init__(self, most: int = MAX_CALLS) -> None:
        self._lock = threading.Lock()
        self._calls: deque[tuple[str, float, float]] = deque(maxlen=most)

    def record(self, operation: str, arrived: float, answered: float) -> None:
        with self._lock:
            self._calls.append((operation, arrived, answered))

    def snapshot(self) -> dict[str, Any]:
        """``{"clock": "monotonic", "calls": [[operation, arrived, answered], ...]}``, in
        the order the calls were answered."""
        with self._lock:
            calls = [list(c) for c in self._calls]
        return {"clock": "monotonic", "calls": calls}

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
