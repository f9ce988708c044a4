"""The adaptive pacer with an injected clock: a start reserved before a decrease is asked
for again."""

from __future__ import annotations

import pytest

from reconciler.pacing import Pacer, QuotaKey, Ticket

CHIME = QuotaKey("chime")


class Clock:
    """Time that moves only when someone sleeps or advances it (one thread)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def test_a_start_reserved_before_a_decrease_is_asked_for_again() -> None:
    """Three calls reserved at 10/s; while the third waits for its start, two 429s slow
    the bucket: the third does not go at the old rate's time but asks again."""
    clock = Clock()
    throttles: list[Ticket] = []
    slowed: list[float | None] = []

    def sleep(seconds: float) -> None:  # the 429s are answered while the third sleeps
        if not throttles:
            clock.sleep(seconds)
            return
        clock.sleep(0.05)
        while throttles:
            p.throttled(throttles.pop(0))
        slowed.append(p.rate(CHIME))
        clock.sleep(seconds - 0.05)

    p = Pacer({"chime": 10.0}, clock=clock, sleep=sleep)
    first, second = p.acquire(CHIME), p.acquire(CHIME)  # at 0.0 and 0.1
    throttles += [first, second]
    third = p.acquire(CHIME)  # reserved for 0.2 at 0.1
    assert len(slowed) == 1
    rate = slowed[0]
    assert rate is not None and rate < 10.0
    assert third.at > 0.2 + 1e-9  # not the start reserved at 10/s
    assert third.at == pytest.approx(0.15 + 1.0 / rate)  # one new interval after the 429s
    assert p.stats().granted == 3
