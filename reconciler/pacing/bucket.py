"""One adaptive token bucket: the pacing state of one quota key. Pure: times are given,
never read, and the pacer (``pacer.py``) holds the lock.

The bucket is kept in GCRA form (the "generic cell rate algorithm", as Guava's RateLimiter
and redis-cell keep theirs): instead of a token count it keeps ``tat``, the theoretical
time the next request may start. A request is granted at ``max(now, tat - tolerance)``
(``tolerance``: ``burst - 1`` intervals, none by default), and each grant moves ``tat``
one interval (``1 / rate``) on. Granting is reserving: a caller gets its start time at
once and sleeps until then, so threads are served first come, first served, with no
polling; a grant that needs several buckets (a channel's batch quota and its bearer's)
takes the latest of their times and reserves it in each (unless a shallow bucket sets
that time: the pacer then reserves nothing until that bucket allows the call).

Adaptive: every call's outcome is reported (served, or answered 429), and

* a bucket whose rate is known (configured, or found) decreases when 429s are dense: two
  within ``WINDOW`` (a second, or two intervals at a slower rate), for requests granted
  after the last decrease (those granted before were sent at the old rate: their 429s say
  nothing new). One lone 429 is retried and slows nothing;
* a bucket with no known quota is unpaced until half the calls of a window (at least
  ``MIN_CALLS``) are answered 429: the signature of a quota well below the rate sent;
  a few 429s among many served calls (a service under load) do not start pacing;
* a decrease measures ``W``, the rate the service actually served over the window (under
  a quota, the quota; less while the window is not full: never more, as a quota's burst
  allowance might make it), and sets the rate to ``BETA`` (0.7) times it; the rate then
  grows back along CUBIC's curve ``C (t - K)^3 + W`` (TCP CUBIC, botocore's adaptive
  mode): fast at first, flat near ``W``, where the quota was found, faster again beyond
  it (probing), never above the configured quota, never below ``FLOOR``.

A decrease voids the reservations made at the old rate: their callers ask again when they
wake (the pacer checks ``decreased_at`` against the ticket's grant), so calls reserved
before the 429s do not go on at the old rate for another ``threads / rate`` seconds.

So a quota lower than configured (or not known at all) is found in a few 429s and then
followed, instead of being hammered by every thread in turn.

Shallow buckets: the service's own bucket holds one second's worth of calls, at least one
(as the emulator's does; AWS publishes rates, not depths). Up to ``SHALLOW`` calls a
second that is one call, so two calls must *reach* the service ``1 / rate`` apart, and
calls spaced exactly so when sent can arrive closer (the first one delayed on the way:
thread scheduling, the network) and be refused. A deeper bucket absorbs such delays (up to
``(depth - 1) / rate``). So a shallow bucket spaces each call ``1 / rate`` after the
previous one was *answered* (``answered``): the service counted that one before it
answered, and counts the next one after it is sent, so they are at least ``1 / rate``
apart there whatever the delays, at the cost of one round trip per interval (2% of a 1/s
interval on a 20 ms network) rather than a fixed margin. The pacer (``pacer.py``) lets one
call at a time hold a shallow bucket.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

BETA = 0.7  # share of the served rate kept on a decrease
CUBIC = 0.4  # CUBIC's scaling constant C, as botocore's adaptive mode has it
FLOOR = 0.2  # requests per second: the slowest a bucket ever gets
WINDOW = 1.0  # seconds: outcomes are counted over this time (or two intervals)
MIN_CALLS = 8  # outcomes in a window before an unpaced bucket may start pacing
UNPACED_SHARE = 0.5  # share of 429s in a window that starts pacing an unpaced bucket
SHALLOW = 1.0  # requests per second: at or below it, the service's bucket holds one call


@dataclass
class Bucket:
    """Pacing state of one key. ``limit``: the configured quota (None: unknown)."""

    limit: float | None
    burst: float = 1.0
    tat: float = float("-inf")  # theoretical time of the next request
    peak: float | None = None  # W of the last decrease (None: never decreased)
    decreased_at: float = float("-inf")
    decreases: int = 0
    answered_at: float = float("-inf")  # when the last call granted here was answered
    _outcomes: deque[tuple[float, bool]] = field(default_factory=deque, repr=False)

    def rate(self, now: float) -> float | None:
        """Requests per second allowed at ``now``; None: unpaced."""
        if self.peak is None:
            return self.limit
        k = math.cbrt(self.peak * (1.0 - BETA) / CUBIC)  # time to regain the peak
        t = max(0.0, now - self.decreased_at)
        grown = max(FLOOR, CUBIC * (t - k) ** 3 + self.peak)
        return grown if self.limit is None else min(self.limit, grown)

    def shallow(self, now: float) -> bool:
        """Whether the service's bucket for this quota holds one call (see the module)."""
        rate = self.rate(now)
        return rate is not None and rate <= SHALLOW

    def earliest(self, now: float) -> float:
        """The earliest time a request asked for at ``now`` may start."""
        rate = self.rate(now)
        if rate is None:
            return now
        start = max(now, self.tat - (self.burst - 1.0) / rate)
        if rate <= SHALLOW:
            start = max(start, self.answered_at + 1.0 / rate)
        return start

    def answered(self, now: float) -> None:
        """The call granted last was answered (or failed on the way) at ``now``."""
        self.answered_at = max(self.answered_at, now)

    def grant(self, at: float) -> None:
        """Reserve a start at ``at`` (not before ``earliest``)."""
        rate = self.rate(at)
        if rate is not None:
            self.tat = max(self.tat, at) + 1.0 / rate

    def served(self, now: float) -> None:
        """A request was answered (not 429) at ``now``."""
        self._record(now, False, self._window(now))

    def throttled(self, granted_at: float, now: float) -> float | None:
        """A request granted at ``granted_at`` was answered 429 at ``now``. Returns the
        new rate when this decreases it, None when it does not."""
        rate = self.rate(now)
        window = self._window(now)
        recent = self._record(now, True, window)
        if granted_at <= self.decreased_at or now < self.decreased_at + window:
            return None  # sent at the old rate, or just answered by the last decrease
        since = [(t, throttled) for t, throttled in recent if t >= self.decreased_at]
        hits = sum(throttled for _, throttled in since)
        if rate is None:
            if len(since) < MIN_CALLS or hits < UNPACED_SHARE * len(since):
                return None
        elif hits < 2:
            return None  # one lone 429: retried, but no evidence of a rate yet
        # over the whole window, even when it is not full yet: a quota's burst allowance,
        # served at once, must not pass for its rate
        served = (len(since) - hits) / window
        self.peak = max(FLOOR, served if rate is None else min(rate, served))
        self.decreased_at = now
        self.decreases += 1
        new = self.rate(now)
        assert new is not None
        # reservations made at the old rate are void (their callers ask again): the next
        # call waits one new interval
        self.tat = now + 1.0 / new
        return new

    def _window(self, now: float) -> float:
        rate = self.rate(now)
        return WINDOW if rate is None else max(WINDOW, 2.0 / rate)

    def _record(self, now: float, throttled: bool, window: float) -> deque[tuple[float, bool]]:
        self._outcomes.append((now, throttled))
        while self._outcomes and self._outcomes[0][0] <= now - window:
            self._outcomes.popleft()
        return self._outcomes
