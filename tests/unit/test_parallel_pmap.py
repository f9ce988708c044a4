"""``parallel.pmap``: results in input order, at most ``parallelism`` at a time, no thread
for one item; the first failure propagates at once: what has not started never makes a
call, the calls under way stop at their next one, and nothing is waited for (not even at
the process's exit)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from reconciler import interrupt
from reconciler.parallel import pmap


def test_results_are_in_input_order_with_at_most_parallelism_at_a_time() -> None:
    lock, now, most = threading.Lock(), [0], [0]

    def square(i: int) -> int:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        time.sleep(0.01 * (6 - i))  # the first items finish last
        with lock:
            now[0] -= 1
        return i * i

    assert pmap(square, range(6), 3) == [0, 1, 4, 9, 16, 25]
    assert 1 < most[0] <= 3


@pytest.mark.parametrize(("items", "parallelism"), [([7], 4), ([1, 2, 3], 1)])
def test_one_item_or_parallelism_1_runs_in_the_caller_s_thread(
    items: list[int], parallelism: int
) -> None:
    threads = pmap(lambda _: threading.current_thread(), items, parallelism)
    assert threads == [threading.current_thread()] * len(items)


def test_the_first_failure_propagates_while_another_call_is_still_blocked() -> None:
    answered = threading.Event()

    def read(i: int) -> int:
        if i == 0:  # a request an endpoint never answers
            answered.wait(10)
            return 0
        raise ValueError(f"item {i} failed")

    began = time.monotonic()
    try:
        with pytest.raises(ValueError, match="item 1 failed"):
            pmap(read, [0, 1], 2)
        assert time.monotonic() - began < 2  # not the 10 s item 0 is blocked
    finally:
        answered.set()


def test_after_the_first_failure_no_call_starts_and_the_calls_under_way_stop() -> None:
    """Item 0 makes a call every 10 ms (a paged read) for 5 s unless stopped; item 1
    fails once item 0 is under way; items 2-9 would make their call 0.3 s after they
    start."""
    calls: list[int] = []
    under_way, stopped = threading.Event(), threading.Event()

    def read(i: int) -> None:
        if i == 0:
            try:
                for _ in range(500):
                    interrupt.check("ListAttendees")
                    calls.append(0)
                    under_way.set()
                    time.sleep(0.01)
                return
            finally:
                stopped.set()
        if i == 1:
            under_way.wait(5)
            raise ValueError("item 1 failed")
        time.sleep(0.3)
        interrupt.check("ListAttendees")
        calls.append(i)

    began = time.monotonic()
    with pytest.raises(ValueError, match="item 1 failed"):
        pmap(read, range(10), 2)
    assert time.monotonic() - began < 2
    assert stopped.wait(2), "item 0 still making calls"
    time.sleep(0.4)  # item 2, started before the failure was seen, reaches its call
    assert set(calls) == {0}


SCRIPT = """
import threading
from reconciler.parallel import pmap

def read(i):
    if i == 0:
        threading.Event().wait()  # never answered
    raise ValueError("item 1 failed")

try:
    pmap(read, [0, 1], 2)
except ValueError as exc:
    print(exc)
"""


def test_a_process_whose_pmap_failed_exits_with_a_call_still_blocked() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=20, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "item 1 failed\n", "")
