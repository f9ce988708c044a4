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
* a decrease measures ``W``, and sets the rate to ``BETA`` (0.7) times it; the rate then
  grows back along CUBIC's curve ``C (t - K)^3 + W`` (TCP CUBIC, botocore's adaptive
  mode): fast at first, flat near ``W``, where the quota was found, faster again beyond
  it (probing), never above the configured quota, never below ``FLOOR``. ``W`` is
  measured *from below* (``_from_below``) by the calls served since the last decrease:
  never above the quota, about it once the service's bucket is drained, as a 429 says it
  is. So are an unpaced bucket's first decrease and any decrease above ``W`` (CUBIC past
  it, or a ceiling's probe), where one 429 is enough. (The rate the service served over
  the window counts the calls its bucket held as the quota's: 98/s for a 50/s quota, or
  6/s for 5/s, which then took two more 429s at that rate to correct.) A paced bucket
  below ``W`` that meets 429s (a quota lower than configured, or one that fell), and a
  shallow one (its calls spaced from answers: the calls served measure that spacing,
  not the quota), take the rate served over the window (less while it is not full:
  never more);
* once two decreases in a row measured about the same ``W`` (within ``ALIKE``, or one call
  of the window's count), ``W`` is a *ceiling*: the rate grows back to it, stays there for
  ``hold`` seconds (``HOLD``), then probes above it gently (``PROBE``: 10% a second,
  compounded). A probe that meets a 429 ends at once, and the calls served measure the
  quota from below. When the probe was still within ``ALIKE`` of the ceiling, or
  measured no more than ``ALIKE`` above it, it found the same quota again: the ceiling
  stays (or rises to what was measured, if higher: from below, so never above the quota)
  and the next hold is twice as long (up to ``HOLD_MAX``). A quota that rose lets the
  probe go on, past the ceiling: what it measured is the new ceiling, held for ``HOLD``
  and probed above in turn. Once the calls a probe got served are more than the ceiling
  (``ALIKE`` above it) could have served since it began, the bucket's ``DEPTH``
  included, the ceiling is stale: the quota rose, and the probe doubles its rate every
  second (``FAST``, as TCP's slow start doubles per round trip) until its first 429,
  instead of taking 23 s from 5/s to 50/s. A quota that fell meets 429s at the ceiling:
  two of them since the last decrease measure it again (over that whole time, so that
  one call more or less in a window does not leave the ceiling a little above the
  quota, answered a lone 429 every few calls). Without this, CUBIC probes beyond the
  quota every few seconds, and at 5/s about one call in four was answered 429.

A decrease voids the reservations made at the old rate: their callers ask again when they
wake (the pacer checks ``decreased_at`` against the ticket's grant), so calls reserved
before the 429s do not go on at the old rate for another ``threads / rate`` seconds. A
voided start that counted against other buckets too gives its interval back in those
that did not slow (``give_back``): otherwise each voided start left a slot reserved there
that no call used.

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
ALIKE = 0.2  # two measured rates this close (relative), or one call apart, are one quota
HOLD = 4.0  # seconds at a ceiling found twice before the first probe above it
HOLD_MAX = 60.0  # seconds: the longest hold (each probe that finds the ceiling doubles it)
PROBE = 0.1  # share of the ceiling a probe above it grows by per second (compounded)
DEPTH = 1.0  # seconds of calls the service's bucket holds (as the emulator's; at least one)
RECENT = 60.0  # seconds: a probe's served calls are kept this long to measure its end
FAST = math.log(2.0)  # a probe proven above its ceiling doubles its rate every second
GROWN_MAX = 50.0  # the most a rate grows by, as a power of e (past it: no longer paced)


@dataclass
class Bucket:
    """Pacing state of one key. ``limit``: the configured quota (None: unknown)."""

    limit: float | None
    burst: float = 1.0
    tat: float = float("-inf")  # theoretical time of the next request
    peak: float | None = None  # W of the last decrease (None: never decreased)
    peak_below: bool = False  # whether ``peak`` is a paced measure from below
    hold: float = 0.0  # seconds at ``peak`` before probing above it (0: not a ceiling yet)
    decreased_at: float = float("-inf")
    decreases: int = 0
    answered_at: float = float("-inf")  # when the last call granted here was answered
    _starts: deque[float] = field(default_factory=deque, repr=False)  # see ``served``
    _empty_at: float = field(default=float("-inf"), repr=False)  # see ``throttled``
    _since_empty: int = field(default=0, repr=False)  # served calls started after it
    _last_start: float = field(default=float("-inf"), repr=False)  # the last of them
    _probe_served: int = field(default=0, repr=False)  # calls of the probe served
    _proven_at: float | None = field(default=None, repr=False)  # see ``served``
    _outcomes: deque[tuple[float, bool]] = field(default_factory=deque, repr=False)
    _served_since: int = field(default=0, repr=False)  # answers since the last decrease
    _throttled_since: int = field(default=0, repr=False)  # 429s granted after it

    def rate(self, now: float) -> float | None:
        """Requests per second allowed at ``now``; None: unpaced."""
        if self.peak is None:
            return self.limit
        k = self._regain()
        t = max(0.0, now - self.decreased_at)
        if self.hold and t > k:  # at the ceiling, then probing above it
            grown = self.peak * math.exp(min(GROWN_MAX, self._probe_growth(now)))
        else:
            grown = CUBIC * (t - k) ** 3 + self.peak
        grown = max(FLOOR, grown)
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

    def grant(self, at: float) -> float:
        """Reserve a start at ``at`` (not before ``earliest``). Returns the interval
        reserved (0: unpaced), for ``give_back``."""
        rate = self.rate(at)
        if rate is None:
            return 0.0
        self.tat = max(self.tat, at) + 1.0 / rate
        return 1.0 / rate

    def give_back(self, interval: float) -> None:
        """A start reserved here (``grant`` returned ``interval``) will not be made: the
        next request may start that much sooner. Only while no decrease came since the
        grant (a decrease already voided every reservation made before it)."""
        self.tat -= interval

    def served(self, granted_at: float, started_at: float, now: float) -> None:
        """A request granted at ``granted_at`` that started at ``started_at`` was answered
        (not 429) at ``now``."""
        window = self.window(now)
        self._record(now, False, window)
        self._served_since += 1
        # the calls served since the last decrease, by their starts (the service counts a
        # call when it arrives, not when it was reserved: an interval earlier, as a rule);
        # a bucket never decreased keeps a window's worth (all an unpaced one needs)
        self._starts.append(started_at)
        # (a call slower than the window leaves none: its own start is older)
        while self._starts and self._starts[0] < now - (window if self.peak is None else RECENT):
            self._starts.popleft()
        if self.peak is None:
            return
        if started_at > self._empty_at:
            self._since_empty += 1
            self._last_start = max(self._last_start, started_at)
        probe = self._probe_start()
        if probe is None or started_at < probe:
            return
        self._probe_served += 1
        # more calls served than the ceiling (and ALIKE above it) allows, with all the
        # service's bucket held when the probe began: the ceiling is stale (the quota rose)
        stale = (1.0 + ALIKE) * (self.peak or 0.0) * (now - probe + DEPTH)
        if self._proven_at is None and self._probe_served > stale:
            self._proven_at = now

    def _probe_growth(self, now: float) -> float:
        """How much a probe has grown the rate above the ceiling at ``now``, as a power
        of e: ``PROBE`` a second, then ``FAST`` once its served calls proved the ceiling
        stale."""
        start = self._probe_start()
        assert start is not None
        if self._proven_at is None or now <= self._proven_at:
            return PROBE * max(0.0, now - start)
        return PROBE * (self._proven_at - start) + FAST * (now - self._proven_at)

    def _regain(self) -> float:
        """CUBIC's ``K``: seconds from a decrease until the rate is back at ``peak``."""
        return math.cbrt((self.peak or 0.0) * (1.0 - BETA) / CUBIC)

    def _probe_start(self) -> float | None:
        """When the probe above the ceiling begins (None: no ceiling)."""
        if not self.hold or self.peak is None:
            return None
        return self.decreased_at + self._regain() + self.hold

    def _from_below(self) -> float | None:
        """The quota's rate as the calls served since the last decrease measure it, from
        below (None: they say nothing, as one call alone). Two bounds, the larger is kept:

        * calls that arrive in ``[g, e]`` are served at most ``quota * (e - g)`` plus what
          the service's bucket held at ``g``: ``DEPTH`` seconds of calls, at least one. So
          for the served starts ``g`` and the last ``e``, ``served / (e - g + DEPTH)`` is at
          most the quota (or ``(served - 1) / (e - g)`` for a bucket of one call), and
          about it from the last time the bucket was full (a 429 says it is empty now);
        * the last decrease's 429 said the bucket held less than one call when that call
          arrived (``_empty_at``): the calls served since then are at most one plus what
          the quota refilled, ``(served - 1) / (e - _empty_at)``, about the quota when the
          bucket never filled up in between (calls at about the quota, as at a ceiling).

        The end is the last served call's start, not the 429's answer (which comes a round
        trip and about an interval later): measured to the answer, a 5/s quota was found
        at 4.6-4.9/s. The rate served over the last window instead counts the calls the
        bucket held as the quota's: a probe meets its first 429 only once it has drained
        them, and that left the ceiling above the quota (answered a 429 every few
        seconds, each probe a burst)."""
        starts = sorted(self._starts)
        n, end = len(starts), starts[-1] if starts else 0.0
        best = max(
            (
                min((n - i) / (end - g + DEPTH), _one_call(n - i - 1, end - g))
                for i, g in enumerate(starts)
            ),
            default=0.0,
        )
        if self._since_empty > 1 and self._last_start > self._empty_at:
            best = max(best, (self._since_empty - 1) / (self._last_start - self._empty_at))
        return best or None  # 0: one call, which a bucket of one call always serves

    def throttled(self, granted_at: float, started_at: float, now: float) -> float | None:
        """A request granted at ``granted_at`` that started at ``started_at`` was answered
        429 at ``now``. Returns the new rate when this decreases it, None when it does not.
        """
        rate = self.rate(now)
        window = self.window(now)
        recent = self._record(now, True, window)
        if granted_at <= self.decreased_at or now < self.decreased_at + window:
            return None  # sent at the old rate, or just answered by the last decrease
        since = [(t, throttled) for t, throttled in recent if t >= self.decreased_at]
        hits = sum(throttled for _, throttled in since)
        self._throttled_since += 1
        # above the rate the last decrease measured (CUBIC past it, or a ceiling's probe):
        # when the calls served since measure the quota from below, one 429 is enough. Not
        # at a shallow quota's: each call there waits for the last one's answer, and the
        # calls served measure that spacing, below the quota by a round trip each
        over = rate is not None and self.peak is not None and rate > self.peak
        deep = self.peak is None or self.peak > SHALLOW
        below = self._from_below() if deep and (over or rate is None) else None
        above = over and below is not None
        probing = over and self.hold > 0  # a ceiling's probe
        if rate is None:
            if len(since) < MIN_CALLS or hits < UNPACED_SHARE * len(since):
                return None
        elif hits < 2 and not (above or probing or (self.hold and self._throttled_since >= 2)):
            return None  # one lone 429: retried, but no evidence of a rate yet
        # over the whole window, even when it is not full yet: a quota's burst allowance,
        # served at once, must not pass for its rate
        served = (len(since) - hits) / window
        if rate is None and below is not None:  # unpaced: the first measure, from below
            self.peak = max(FLOOR, below)
        elif above or probing:
            peak = self.peak or 0.0
            measured = max(FLOOR, below if below is not None else min(rate or 0.0, served))
            if (rate or 0.0) <= peak * (1.0 + ALIKE) or (
                measured <= peak * (1.0 + ALIKE)
                if below is not None
                else _alike(measured, peak, window)
            ):
                # the same quota: held (found twice), then probed less often; the ceiling
                # rises to what was measured from below, if higher (both are below the
                # quota); a window's measure, or an unpaced burst's, is replaced
                if below is not None:
                    self.peak = max(peak, measured) if self.peak_below else measured
                self.hold = min(HOLD_MAX, 2.0 * self.hold) if self.hold else HOLD
            else:  # the quota rose: at least what the calls served measured
                self.hold = HOLD if below is not None else 0.0
                self.peak = measured
        else:
            if hits < 2:  # 429s spread out at a ceiling: over the whole time
                served = self._served_since / (now - self.decreased_at)
            measured = max(FLOOR, served if rate is None else min(rate, served))
            found = self.peak is not None and _alike(measured, self.peak, window)
            # a ceiling found twice in a row is held; a quota that moved is followed
            self.hold = (self.hold or HOLD) if found else 0.0
            self.peak = measured
        self.peak_below = above
        self.decreased_at = now
        self.decreases += 1
        self._served_since = self._throttled_since = 0
        self._starts.clear()
        self._empty_at, self._since_empty, self._last_start = started_at, 0, float("-inf")
        self._probe_served = 0
        self._proven_at = None
        new = self.rate(now)
        assert new is not None
        # reservations made at the old rate are void (their callers ask again): the next
        # call waits one new interval
        self.tat = now + 1.0 / new
        return new

    def window(self, now: float) -> float:
        """Seconds over which outcomes are judged at ``now``: ``WINDOW``, or two intervals."""
        rate = self.rate(now)
        return WINDOW if rate is None else max(WINDOW, 2.0 / rate)

    def _record(self, now: float, throttled: bool, window: float) -> deque[tuple[float, bool]]:
        self._outcomes.append((now, throttled))
        while self._outcomes and self._outcomes[0][0] <= now - window:
            self._outcomes.popleft()
        return self._outcomes


def _one_call(calls: int, span: float) -> float:
    """The least rate a bucket of one call needs to serve ``calls`` more calls over
    ``span`` seconds after a first (none: 0; several at once: no rate does it)."""
    if calls == 0:
        return 0.0
    return calls / span if span > 0 else math.inf


def _alike(a: float, b: float, window: float) -> bool:
    """Whether two rates measured over ``window`` are one quota: within ``ALIKE`` of each
    other, or one call apart in the window's count."""
    return abs(a - b) <= ALIKE * max(a, b) + 1.0 / window
