"""``interrupt.cancelled_by``: a thread's own stop, as an interrupt's for its calls only
(reads ahead no longer wanted): no call starts, a backoff ends at once."""

from __future__ import annotations

import threading
import time

import pytest

from reconciler import interrupt


def test_a_set_event_stops_the_calls_of_the_thread_inside_only() -> None:
    event = threading.Event()
    event.set()
    interrupt.check("ListRooms")  # outside: no stop
    with interrupt.cancelled_by(event), pytest.raises(interrupt.NotStarted):
        interrupt.check("ListRooms", "account 1")
    interrupt.check("ListRooms")  # and after it, none again
    assert not interrupt.stopped()


def test_a_backoff_ends_when_the_event_is_set_from_another_thread() -> None:
    event = threading.Event()
    threading.Timer(0.05, event.set).start()
    began = time.monotonic()
    with interrupt.cancelled_by(event):
        interrupt.sleep(10)
    assert time.monotonic() - began < 1


def test_a_backoff_inside_ends_at_an_interrupt_too_and_lasts_its_time_otherwise() -> None:
    with interrupt.cancelled_by(threading.Event()):
        began = time.monotonic()
        interrupt.sleep(0.12)
        assert 0.12 <= time.monotonic() - began < 1
        threading.Timer(0.05, interrupt.STOP.set).start()
        try:
            interrupt.sleep(10)
            assert time.monotonic() - began < 1.2
            assert interrupt.stopped()
        finally:
            interrupt.STOP.clear()
