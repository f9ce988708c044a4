"""Phase timings for benchmarks: with ``CHIME_RECONCILER_TIMINGS=1`` each timed phase of a
run (loading the desired state, reading, planning, rendering) writes one line to stderr,
``timing: load 7.912s`` (wall clock), and one with the process's CPU time (or the calling
thread's, ``timed(own_thread=True)``: loading, while rooms are read meanwhile),
``timing-cpu: load 5.104s``; the process writes its peak resident memory when it exits,
``timing: peak_rss 176.4MB``. ``bench/harness.py`` collects them. Otherwise nothing.

The peak is the kernel's ``VmHWM`` of this process's memory (``/proc/self/status``):
``getrusage``'s ``ru_maxrss``, as a parent sees it from ``wait4``, also counts the memory
of the parent the process was forked from (Linux keeps the high-water mark across
``exec``), so a large harness process would pass for the CLI's peak."""

from __future__ import annotations

import atexit
import contextlib
import sys
import time
from collections.abc import Iterator

from reconciler import env_flag

ENV = env_flag.TIMINGS  # on: 1 (or true, yes, on)


@contextlib.contextmanager
def timed(phase: str, own_thread: bool = False) -> Iterator[None]:
    """``own_thread``: the CPU time of the calling thread only (other threads work
    meanwhile), not of the whole process."""
    if not env_flag.is_on(ENV):
        yield
        return
    clock = time.thread_time if own_thread else time.process_time
    started, cpu = time.perf_counter(), clock()
    try:
        yield
    finally:
        print(f"timing: {phase} {time.perf_counter() - started:.3f}s", file=sys.stderr)
        # CPU time (of every thread, or of this one), for a machine that is not quiet
        print(f"timing-cpu: {phase} {clock() - cpu:.3f}s", file=sys.stderr)


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """The peak resident memory in MB (``VmHWM``) of this process, or of process ``pid``;
    None where /proc has none."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def report_peak(name: str, peak: float | None) -> None:
    """With CHIME_RECONCILER_TIMINGS=1, ``timing-rss: NAME 45.2MB``: the peak resident
    memory of a process the run started (``--api-process``'s), which the harness adds to
    the run's own."""
    if peak is not None and env_flag.is_on(ENV):
        print(f"timing-rss: {name} {peak:.1f}MB", file=sys.stderr)


def _report_peak() -> None:
    peak = peak_rss_mb()
    if peak is not None:
        print(f"timing: peak_rss {peak:.1f}MB", file=sys.stderr)


if env_flag.is_on(ENV):
    atexit.register(_report_peak)
