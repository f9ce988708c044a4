"""The adaptive pacer against a simulated quota, with an injected clock: an unknown quota
is found, then held, and probed above only now and then (each probe that finds the same
quota waits twice as long for the next); a quota that rises is still found, one that
falls is followed; a start reserved before a decrease is asked for again."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from reconciler.pacing import Pacer, Ticket

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from bench.quota_sim import CHIME, LATENCY, Clock, Service, held, measure, run

HOLD_MAX = 60.0  # seconds: the longest hold between probes, written out (Q-EG-7)


def episodes(times: list[float], gap: float = 2.0) -> list[float]:
    """The start of each burst of 429s (429s less than ``gap`` apart are one burst)."""
    return [t for i, t in enumerate(times) if i == 0 or t - times[i - 1] > gap]


def test_an_unknown_quota_is_found_and_held_with_few_429s() -> None:
    """5 requests/s, not told: 700 calls take about 140 s, with a few 429s to find the
    quota and one or so per probe; CUBIC alone probes beyond it every few seconds (a 429
    for about one call in four)."""
    r = run(Service(5.0), 700)
    elapsed = r.served[-1]
    assert elapsed == pytest.approx(699 / 5.0, rel=0.03)
    assert len(r.throttled) <= 0.03 * 700


@pytest.mark.parametrize("quota", [3.0, 5.0, 20.0])
def test_an_unknown_quota_is_held_at_it_not_below(quota: float) -> None:
    """Not told the quota, the pacer holds what the calls it got served measure from
    below: the quota within 1%, never above it. Measured to the 429's answer and from
    the calls' reservations (an interval before their starts), a 5/s quota was held at
    4.88/s, and the 6/s its first window measured cost two 429s more to correct."""
    r = run(Service(quota), int(quota * 300))
    rates = held(r, 60.0)
    assert rates
    assert min(rates) >= 0.99 * quota
    assert max(rates) <= quota


@pytest.mark.parametrize("quota", [0.5, 1.0])
def test_a_shallow_unknown_quota_is_held_at_or_below_it(quota: float) -> None:
    """At one call a second or less each call waits for the last one's answer: the calls
    served measure that spacing, not the quota, and one served call alone measures
    nothing (taken for 1/s, a 0.5/s quota was held at 1/s and drew 113 429s in 150
    calls). Held at or below the quota, with about as many 429s as a faster quota."""
    r = run(Service(quota), int(quota * 300))
    rates = held(r, 60.0)
    assert rates
    assert max(rates) <= quota
    assert len(r.throttled) <= 20


def test_past_the_quota_found_once_one_429_is_enough() -> None:
    """5/s, not told: the first 429s find about 5/s; CUBIC grows back past it, and its
    first 429 there ends the climb, the quota measured from below and held (it took two
    429s, a ceiling of 6/s measured over the window, the service's bucket included, and
    two more at that ceiling)."""
    r = run(Service(5.0), 1500)
    bursts = episodes(r.throttled)
    second = [t for t in r.throttled if bursts[1] <= t < bursts[2]]
    assert len(second) == 1
    assert len(r.throttled) <= 13  # 16 before: 5 to start pacing, then one per probe


def test_each_probe_that_finds_the_same_quota_waits_twice_as_long_for_the_next() -> None:
    r = run(Service(5.0), 1500)  # 300 s
    probes = episodes(r.throttled)[2:]  # after the quota is found twice
    gaps = [b - a for a, b in itertools.pairwise(probes)]
    assert len(gaps) >= 3
    assert all(b > 1.5 * a for a, b in itertools.pairwise(gaps) if b < HOLD_MAX)
    assert max(gaps) >= HOLD_MAX  # probing slows down to once a minute or so ...
    assert max(gaps) <= HOLD_MAX + 10.0  # ... but never stops


def test_a_quota_that_rises_is_still_found() -> None:
    """5/s, then 10/s from 100 s on: within a hold and a probe the calls go at 10/s."""
    r = run(Service(5.0, later=10.0, change_at=100.0), 1500)
    late = [t for t in r.served if t >= 100.0 + HOLD_MAX + 20.0]
    assert len(late) > 100
    assert (len(late) - 1) / (late[-1] - late[0]) > 9.0
    assert len(r.throttled) <= 0.03 * 1500


def test_a_quota_that_rose_is_held_at_what_the_probe_was_served_not_above_it() -> None:
    """5/s, then 50/s from 100 s on. The probe that finds the rise meets its first 429
    only once it has drained the service's bucket (a second's worth of calls); the calls
    it got served measure the quota from below, so the new ceiling is not above it: a few
    429s in all from the change on (there were 14, the rate served over the last second,
    drained bucket included, taken for the quota: the ceiling above it, answered 429s)."""
    r = run(Service(5.0, later=50.0, change_at=100.0), 2200)
    assert len([t for t in r.throttled if t >= 100.0]) <= 4
    late = [t for t in r.served if t >= r.served[-1] - 10.0]
    assert (len(late) - 1) / (late[-1] - late[0]) > 0.9 * 50.0  # at the new quota


def test_a_large_rise_is_climbed_in_seconds_once_the_probe_proves_the_ceiling_stale() -> None:
    """5/s, then 50/s (or 100/s) from 100 s on. The probe grows 10% a second until the
    calls it got served are more than the ceiling (20% above it, and the service's bucket
    full when it began) could have served: then the quota rose, and the probe doubles its
    rate every second. From its start to 90% of the new quota: about 8 s (it took 21.5 s
    to 50/s, 28.5 s to 100/s at 10% a second), with as few 429s."""
    for later, calls, climbed in ((50.0, 2200, 10.0), (100.0, 5000, 11.0)):
        m = measure(5.0, later, 100.0, calls)
        assert m["climb_s"] is not None and m["climb_s"] <= climbed, m
        assert m["throttled_from_change"] <= 4, m


def test_a_probe_at_a_quota_that_did_not_move_is_never_proven_stale() -> None:
    """At a quota that stays, a probe's served calls never exceed what the ceiling and
    the service's bucket allow: no probe doubles; each ends below 1.6 times the quota,
    where the service's bucket ran out (as before probes could grow faster)."""
    for quota in (3.0, 5.0, 20.0):
        r = run(Service(quota), int(quota * 300))
        assert max(rate or 0.0 for t, rate in r.paced if t > 30.0) < 1.6 * quota
        assert len(r.throttled) <= 0.03 * len(r.served)


def test_a_quota_that_falls_is_followed() -> None:
    """5/s, then 3/s from 60 s on: found again, and held with few 429s after that."""
    r = run(Service(5.0, later=3.0, change_at=60.0), 900)
    late = [t for t in r.served if t >= 90.0]
    assert (len(late) - 1) / (late[-1] - late[0]) == pytest.approx(3.0, rel=0.03)
    assert len([t for t in r.throttled if t >= 90.0]) <= 0.03 * len(late)


def test_a_quota_that_falls_to_one_call_a_second_is_followed() -> None:
    """5/s, then 1/s from 60 s on: at or below 1/s a call waits for the one before it to be
    answered; the pacer follows it there too, with few 429s."""
    r = run(Service(5.0, later=1.0, change_at=60.0), 550)
    late = [t for t in r.served if t >= 120.0]
    assert len(late) > 100
    assert (len(late) - 1) / (late[-1] - late[0]) == pytest.approx(1.0, rel=0.05)
    assert len([t for t in r.throttled if t >= 120.0]) <= 0.03 * len(late)


def test_a_known_quota_is_never_probed_above() -> None:
    """Told the quota: no 429, calls exactly at it (as before any of this)."""
    r = run(Service(5.0), 300, rate=5.0)
    assert r.throttled == []
    assert r.served[-1] == pytest.approx(299 / 5.0 + LATENCY)


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


def test_a_ceiling_probed_for_hours_without_a_429_still_paces() -> None:
    """5/s found and held, then three hours with no call (an `apply --watch` between
    rounds): a probe that met no 429 for that long grew its rate past what a float holds,
    and the next call raised OverflowError. Its growth is capped: the calls go on, and
    their 429s slow it back to the quota."""
    clock = Clock()
    p = Pacer({"chime": None}, clock=clock, sleep=clock.sleep)
    service = Service(5.0)
    throttled: list[float] = []

    def calls(n: int) -> None:
        for _ in range(n):
            ticket = p.acquire(CHIME)
            ok = service.allows(clock.now)
            clock.sleep(LATENCY)
            (p.served if ok else p.throttled)(ticket)
            if not ok:
                throttled.append(clock.now)
            p.release(ticket)

    calls(600)  # 2 minutes at 5/s
    clock.sleep(3 * 3600.0)
    calls(300)
    late = [t for t in throttled if t > 3 * 3600.0]
    assert 1 <= len(late) <= 20
    assert (p.rate(CHIME) or 0.0) < 1.6 * 5.0  # back near the quota
