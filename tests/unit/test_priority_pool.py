"""``parallel.PriorityPool``: of the calls waiting for a thread the highest priority
starts first; at most ``parallelism`` at a time; cancelled calls never run."""

from __future__ import annotations

import threading

import pytest

from reconciler.parallel import PriorityPool


def test_the_waiting_call_of_highest_priority_starts_first_then_the_first_submitted() -> None:
    pool = PriorityPool(1, "test")
    gate, ran = threading.Event(), []
    first = pool.submit(0, gate.wait)  # holds the one thread while the others queue
    futures = [
        pool.submit(p, ran.append, name) for p, name in [(1, "a"), (5, "b"), (3, "c"), (5, "d")]
    ]
    gate.set()
    pool.shutdown()
    assert first.result() is True
    assert ran == ["b", "d", "c", "a"]
    assert all(f.done() and not f.cancelled() for f in futures)


def test_no_more_calls_at_a_time_than_parallelism() -> None:
    pool = PriorityPool(2, "test")
    lock, now, most = threading.Lock(), [0], [0]
    gate = threading.Barrier(2, timeout=5)  # two run together: the pool does use its threads

    def call(i: int) -> int:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        if i < 2:
            gate.wait()
        with lock:
            now[0] -= 1
        return i * i

    futures = [pool.submit(10 - i, call, i) for i in range(8)]
    assert [f.result() for f in futures] == [i * i for i in range(8)]
    pool.shutdown()
    assert most[0] == 2


def test_shutdown_with_cancel_runs_none_of_the_calls_waiting() -> None:
    pool = PriorityPool(1, "test")
    gate, ran = threading.Event(), []
    running = pool.submit(9, gate.wait, 5)
    waiting = [pool.submit(1, ran.append, i) for i in range(3)]
    threading.Timer(0.05, gate.set).start()
    pool.shutdown(cancel=True)  # waits for the call started
    assert running.result() is True
    assert ran == []
    assert all(f.cancelled() for f in waiting)


def test_an_exception_is_the_callers_through_its_future() -> None:
    pool = PriorityPool(2, "test")

    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        pool.submit(1, fail).result()
    assert pool.submit(1, len, "abc").result() == 3
    pool.shutdown()


def test_shutdown_without_waiting_returns_while_a_call_runs_and_its_threads_are_daemons() -> None:
    pool = PriorityPool(2, "test")
    gate = threading.Event()
    running = pool.submit(1, gate.wait, 5)
    waiting = [pool.submit(0, gate.wait, 5) for _ in range(3)]
    pool.shutdown(cancel=True, wait=False)  # the process need not wait for them either
    assert not running.done()
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("test_"))
    gate.set()
    assert running.result(5) is True
    assert sum(f.cancelled() for f in waiting) >= 2  # one may have started on the 2nd thread
