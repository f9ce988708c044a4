"""Phase timings for benchmarks: with ``CHIME_RECONCILER_TIMINGS=1`` each timed phase of a
run (loading the desired state, reading, planning, rendering) writes one line to stderr,
``timing: load 7.912s`` (wall clock), which ``bench/harness.py`` collects, and one with
the process's CPU time, ``timing-cpu: load 5.104s``. Otherwise nothing."""

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
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        print(f"timing: {phase} {time.perf_counter() - started:.3f}s", file=sys.stderr)
        # CPU time of the whole process (every thread), for a machine that is not quiet
        print(f"timing-cpu: {phase} {time.process_time() - cpu:.3f}s", file=sys.stderr)
