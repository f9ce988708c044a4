"""The client-side pacer: one adaptive token bucket per quota key, shared by every thread
of a run, so that the tool sends at most what the API's quotas allow instead of meeting
them as 429s.

    pacer = Pacer(resolve_rates("us-east-1"))
    ticket = pacer.acquire(QuotaKey("messaging.bearer", bearer), QuotaKey(
        "messaging.channel-batch", channel))      # blocks until both buckets allow a call
    ...                                           # make the call, then either
    pacer.served(ticket)                          # it was answered (success or error), or
    pacer.throttled(ticket)                       # it was answered 429
    pacer.release(ticket)                         # in any case, once the call is over

A 429 does not say which quota refused it. It slows the narrowest quota the call counted
against (a channel's, not its bearer's: ``Quota.within``); a wider one only once it is
shown to be the one refusing: within its window, 429s from calls on two different
narrower keys (two channels), or from a call that counted against no narrower one (see
``throttled``). So one channel's batch quota does not slow its bearer's other channels.

A shallow bucket (a quota of one call a second or less, ``bucket.py``) is held by one call
at a time, from its grant until ``release``: the next call on it waits for the answer and
starts ``1 / rate`` after it, so no delay on the way makes two calls reach the service
closer than the quota allows.

``call_with_retry`` (``reconciler/providers/retry.py``) does all of it for a provider that
names its keys: ``call_with_retry(policy, op, fn, pacer=pacer, keys=keys, **params)``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from reconciler import interrupt
from reconciler.logs import LOGGER
from reconciler.pacing.bucket import Bucket
from reconciler.pacing.quotas import BY_NAME, QuotaKey, unknown_quota

log = logging.getLogger(LOGGER)


class Stopped(Exception):
    """``acquire`` gave up waiting for a shallow quota's holder to be answered: an
    interrupt or the thread's own stop (``reconciler.interrupt``) came. Nothing was
    granted; there is nothing to release."""


@dataclass(frozen=True)
class Ticket:
    """A granted start: the keys it was counted in, the time it was granted for, and when."""

    keys: tuple[QuotaKey, ...]
    at: float
    waited: float  # seconds the caller slept for it
    granted: float  # when it was granted (reserved)
    reserved: tuple[float, ...]  # the interval reserved in each key's bucket (0: unpaced)
    holds: bool = False  # it was made the holder of a shallow bucket (``release`` lets go)


@dataclass
class _Refusal:
    """A 429 on a call counted against a key: when it was answered, the narrower keys of
    that call (``()``: none), the call's grant and start, and whether the key was slowed
    for it (``Bucket.throttled``) yet."""

    at: float
    narrower: tuple[QuotaKey, ...]
    granted: float
    start: float
    charged: bool = False


@dataclass(frozen=True)
class PacerStats:
    """What pacing did in a run: calls granted, seconds slept, 429s, rate decreases."""

    granted: int
    waited: float
    throttled: int
    decreases: int


class Pacer:
    """Thread-safe. ``rates``: quota name -> requests per second (None: no known quota;
    unpaced until a 429). ``regional(region)``, if given, is the rates in ``region``: a
    bucket whose scope is an ARN (``QuotaKey.region``: a bearer, channel, user or app
    instance) takes its rate from its region's, since AWS's defaults differ by region.
    ``clock`` and ``sleep`` are injectable for tests."""

    def __init__(
        self,
        rates: Mapping[str, float | None],
        *,
        regional: Callable[[str], Mapping[str, float | None]] | None = None,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        for name in rates:
            problem = unknown_quota(name)
            if problem:
                raise ValueError(problem)
        if burst < 1:
            raise ValueError("burst must be at least 1 request")
        self.rates = dict(rates)
        self._regional = regional
        self._in_region: dict[str, dict[str, float | None]] = {}  # regional's, once each
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)
        self._buckets: dict[QuotaKey, Bucket] = {}
        self._holders: dict[QuotaKey, Ticket] = {}  # shallow buckets: the call holding each
        self._refusals: dict[QuotaKey, deque[_Refusal]] = {}  # each key's 429s, a window's
        self._granted = 0
        self._waited = 0.0
        self._throttled = 0

    def _bucket(self, key: QuotaKey) -> Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            if key.quota not in BY_NAME:
                raise ValueError(unknown_quota(key.quota))
            limit = self._rates_of(key).get(key.quota, BY_NAME[key.quota].rate)
            bucket = self._buckets[key] = Bucket(limit, self.burst)
        return bucket

    def _rates_of(self, key: QuotaKey) -> Mapping[str, float | None]:
        """The rates ``key``'s bucket starts from: its region's (``regional``) when its
        scope names one, else ``rates`` (the lock held)."""
        region = key.region
        if self._regional is None or region is None:
            return self.rates
        found = self._in_region.get(region)
        if found is None:
            found = self._in_region[region] = dict(self._regional(region))
        return found

    def acquire(self, *keys: QuotaKey) -> Ticket:
        """Block until every one of ``keys`` allows one more call; count it in each. A
        shallow bucket is held by the call granted until ``release``. Waiting for a
        holder's answer, it looks at the thread's stop (an interrupt, or its own:
        ``interrupt.stopped``) every ``POLL_S`` and raises ``Stopped`` once it is set; the
        wait for the start itself is ``sleep`` (the run's cuts short at a stop).

        A call that waits for a shallow bucket (a channel's batch quota, 1/s) reserves
        nothing meanwhile: it sleeps until that bucket allows it, then asks again. The
        other buckets it counts against (its bearer's 10/s) keep serving the other calls
        until then, rather than being reserved a second ahead and left idle.

        A start reserved before one of its buckets slowed down (a 429 decreased it) is void
        when the caller wakes for it: the caller asks again, at the new rate, and the
        buckets that did not slow get its slot back (``Bucket.give_back``)."""
        while True:
            ticket = self._reserve(keys)
            if ticket.waited <= 0:
                return ticket
            self._sleep(ticket.waited)
            if not self._void(ticket):
                return ticket
            if interrupt.stopped():  # the sleep was cut short: nothing is granted now
                raise Stopped

    def _reserve(self, keys: tuple[QuotaKey, ...]) -> Ticket:
        """One grant for ``keys`` (see ``acquire``); the caller sleeps ``waited`` for it."""
        while True:
            with self._answered:
                buckets = [(k, self._bucket(k)) for k in keys]
                while any(k in self._holders for k, b in buckets if b.shallow(self._clock())):
                    if interrupt.stopped():
                        raise Stopped
                    self._answered.wait(interrupt.POLL_S)
                now = self._clock()
                starts = [b.earliest(now) for _, b in buckets]
                at = max(starts, default=now)
                # held back by a shallow bucket while another could start sooner: no grant
                held = any(s < at for s in starts) and any(
                    s >= at and b.shallow(now) for (_, b), s in zip(buckets, starts, strict=True)
                )
                if not held:
                    return self._grant(keys, buckets, now, at)
                self._waited += at - now
            self._sleep(at - now)
            if interrupt.stopped():  # the sleep was cut short: nothing was granted
                raise Stopped

    def _void(self, ticket: Ticket) -> bool:
        """Whether ``ticket`` was granted before one of its buckets decreased; if so it
        is withdrawn (not counted, its shallow buckets let go, its interval given back in
        the buckets that did not decrease: those that did voided it already)."""
        with self._answered:
            buckets = [self._bucket(k) for k in ticket.keys]
            if all(b.decreased_at <= ticket.granted for b in buckets):
                return False
            for b, interval in zip(buckets, ticket.reserved, strict=True):
                if b.decreased_at <= ticket.granted:
                    b.give_back(interval)
            self._granted -= 1
            for key in ticket.keys:
                if self._holders.get(key) is ticket:
                    del self._holders[key]
            self._answered.notify_all()
            return True

    def _grant(
        self,
        keys: tuple[QuotaKey, ...],
        buckets: list[tuple[QuotaKey, Bucket]],
        now: float,
        at: float,
    ) -> Ticket:
        """Reserve ``at`` in every bucket (the lock held); a shallow one is held."""
        reserved = tuple(b.grant(at) for _, b in buckets)
        self._granted += 1
        wait = max(0.0, at - now)
        self._waited += wait
        shallow = [k for k, b in buckets if b.shallow(at)]
        ticket = Ticket(keys, at, wait, now, reserved, holds=bool(shallow))
        for k in shallow:
            self._holders[k] = ticket
        return ticket

    def release(self, ticket: Ticket) -> None:
        """The call ``ticket`` granted is over (answered, or failed on the way): the
        shallow buckets it held count from now and take the next call. A call that held
        none (every call on a deep or unpaced quota: the rooms' reads) has nothing to let go
        and nobody waiting for it, and takes no lock."""
        if not ticket.holds:
            return
        with self._answered:
            now = self._clock()
            for key in ticket.keys:
                if self._holders.get(key) is ticket:
                    del self._holders[key]
                    self._bucket(key).answered(now)
            self._answered.notify_all()

    def served(self, ticket: Ticket) -> None:
        """The call ``ticket`` granted was answered, not 429 (success or another error)."""
        with self._lock:
            now = self._clock()
            for key in ticket.keys:
                self._bucket(key).served(ticket.granted, ticket.at, now)

    def throttled(self, ticket: Ticket) -> None:
        """The call ``ticket`` granted was answered 429: slow the buckets of the quota that
        refused it. The answer does not say which one that was, so each key is judged by
        the 429s it saw within its window (``Bucket.window``): a key the call counted
        against no narrower key under (a channel's quota, or a bearer's for a call that
        counts against its bearer's alone) is slowed at once, as it is the narrowest
        quota of the call; a wider key (the bearer of a channel call, ``Quota.within``)
        only once its 429s come from calls on two different narrower keys (two channels,
        or a channel's batch and write quotas), or from a call with none: that is the
        evidence it is the one refusing. Its 429s not charged yet are then charged too,
        so that a bearer quota lower than configured is found as any other. Until then
        the narrower quota slows, and the bearer keeps serving its other channels."""
        with self._lock:
            now = self._clock()
            self._throttled += 1
            for key in ticket.keys:
                narrower = tuple(k for k in ticket.keys if BY_NAME[k.quota].within == key.quota)
                for refusal in self._charge(
                    key, _Refusal(now, narrower, ticket.granted, ticket.at)
                ):
                    bucket = self._bucket(key)
                    before = bucket.rate(now)
                    after = bucket.throttled(refusal.granted, refusal.start, now)
                    if after is not None:
                        was = f"{before:.3g}/s" if before is not None else "unpaced"
                        log.debug("pacing %s: throttled; %.3g requests/s (was %s)", key, after, was)

    def _charge(self, key: QuotaKey, refusal: _Refusal) -> list[_Refusal]:
        """``key``'s 429s to slow its bucket for now (``throttled``; the lock held):
        ``refusal`` and those of the window before it not charged yet, once there is
        evidence ``key`` is refusing; none before."""
        recent = self._refusals.setdefault(key, deque())
        window = self._bucket(key).window(refusal.at)
        while recent and recent[0].at <= refusal.at - window:
            recent.popleft()
        recent.append(refusal)
        sources = {r.narrower for r in recent}
        if () not in sources and len(sources) < 2:
            return []  # one narrower quota's 429s: that quota is slowed, not this one
        due = [r for r in recent if not r.charged]
        for r in due:
            r.charged = True
        return due

    def rate(self, key: QuotaKey) -> float | None:
        """The rate ``key`` is paced at now (None: unpaced)."""
        with self._lock:
            return self._bucket(key).rate(self._clock())

    def stats(self) -> PacerStats:
        with self._lock:
            decreases = sum(b.decreases for b in self._buckets.values())
            return PacerStats(self._granted, self._waited, self._throttled, decreases)
