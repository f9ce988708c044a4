"""Phase timings for benchmarks: with ``CHIME_RECONCILER_TIMINGS=1`` each timed phase of a
run (loading the desired state, reading, planning, rendering) writes one line to stderr,
``timing: load 7.912s``, which ``bench/harness.py`` collects. Otherwise nothing."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

ENV = "CHIME_RECONCILER_TIMINGS"


@contextlib.contextmanager
def timed(phase: str) -> Iterator[None]:
    if os.environ.get(ENV) != "1":
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        print(f"timing: {phase} {time.perf_counter() - started:.3f}s", file=sys.stderr)
