"""A clock for the pacer's tests (``Pacer(clock=..., sleep=...)``): time that moves only
when someone sleeps or a test advances it (one thread)."""

from __future__ import annotations


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds
