"""The adaptive pacer (``reconciler/pacing``) against a simulated quota, on a fake clock:
calls made one after the other, each retried at once after a 429 (the pacer spaces it),
against a token bucket as the emulator keeps it, whose rate may change part way. No
sleeping: 200 simulated seconds take a fraction of a second. ``tests/unit/pacing/
test_probing.py`` asserts on the same simulation; this prints what it measures.

    .venv/bin/python bench/quota_sim.py                          # the scenarios below
    .venv/bin/python bench/quota_sim.py --rate 5 --later 50 --at 100 --calls 2200

Per scenario: the time of the last call served against the ideal (every call at the
quota in force), the calls answered 429 (all, and from the change on); for a quota that
stays, ``held``: the lowest and highest rate the pacer held from 60 s on (paced for two
calls in a row: probes and the climbs after a decrease apart); for a quota that rises,
``reach_s``: seconds from the change until the calls served in one second first reach
90% of the new quota, of which ``climb_s`` from the first call paced above the rate the
pacer held when the quota changed (the probe's start: before it, the pacer holds the
quota it found, for up to a minute).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reconciler.pacing import Pacer, QuotaKey  # noqa: E402

CHIME = QuotaKey("chime")
LATENCY = 0.005  # seconds from a call's start to its answer

# (rate, later, at, calls): 5/s rising to 50/s at 100 s is the large rise the README
# cites; the others rise less, fall, or stay
SCENARIOS = (
    (5.0, 50.0, 100.0, 2200),
    (5.0, 50.0, 60.0, 4000),
    (5.0, 100.0, 100.0, 5000),
    (5.0, 20.0, 100.0, 2000),
    (5.0, 10.0, 100.0, 1500),
    (5.0, 7.0, 100.0, 1000),
    (5.0, 3.0, 60.0, 900),
    (5.0, 5.0, 0.0, 1500),
    (2.0, 2.0, 0.0, 600),
    (10.0, 10.0, 0.0, 3000),
    (20.0, 20.0, 0.0, 6000),
)


class Clock:
    """Time that moves only when someone sleeps or advances it (one thread)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


@dataclass
class Service:
    """A quota as the emulator keeps it: a token bucket holding one second's worth (at
    least one call), refilled at ``rate`` (changed to ``later`` at ``change_at``)."""

    rate: float
    later: float | None = None
    change_at: float = float("inf")
    tokens: float = field(init=False)
    stamp: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = max(1.0, self.rate)

    def allows(self, now: float) -> bool:
        if self.later is not None and now >= self.change_at:
            self.rate = self.later
        self.tokens = min(max(1.0, self.rate), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass
class Run:
    served: list[float] = field(default_factory=list)  # when each call was served
    throttled: list[float] = field(default_factory=list)  # when each 429 was answered
    paced: list[tuple[float, float | None]] = field(default_factory=list)  # start, rate


def run(
    service: Service, calls: int, rate: float | None = None, jitter: float = 0.0, seed: int = 0
) -> Run:
    """``calls`` calls, one after the other, each retried at once after a 429 (the pacer
    spaces it), against ``service``; the pacer told ``rate`` (None: unknown). ``jitter``:
    each call reaches the service up to that many seconds after its start (uniformly at
    random, from ``seed``), as threads and a network delay calls on the way."""
    clock = Clock()
    p = Pacer({"chime": rate}, clock=clock, sleep=clock.sleep)
    delays = random.Random(seed)
    out = Run()
    while len(out.served) < calls:
        ticket = p.acquire(CHIME)
        out.paced.append((clock.now, p.rate(CHIME)))
        if jitter:
            clock.sleep(delays.uniform(0.0, jitter))
        ok = service.allows(clock.now)
        clock.sleep(LATENCY)
        if ok:
            p.served(ticket)
            out.served.append(clock.now)
        else:
            p.throttled(ticket)
            out.throttled.append(clock.now)
        p.release(ticket)  # answered (as the paced client does): a 1/s bucket's next call
    assert p.stats().throttled == len(out.throttled)
    return out


def held(r: Run, since: float) -> list[float]:
    """The rates held from ``since`` on: paced for two calls in a row (a rate that grows
    back after a decrease, or above the ceiling in a probe, changes from call to call)."""
    rates = [rate for t, rate in r.paced if t >= since and rate is not None]
    return [a for a, b in itertools.pairwise(rates) if b == a]


def reach(served: list[float], since: float, quota: float) -> float | None:
    """The first time from ``since`` on that the calls served in the next second reach
    90% of ``quota`` (None: never)."""
    for i in range(bisect.bisect_left(served, since), len(served)):
        if bisect.bisect_left(served, served[i] + 1.0) - i >= 0.9 * quota:
            return served[i]
    return None


def probe_start(r: Run, since: float) -> float | None:
    """The first start after ``since`` paced above the rate held at ``since``."""
    held = next((rate for t, rate in reversed(r.paced) if t < since), None)
    for t, rate in r.paced:
        if t >= since and rate is not None and held is not None and rate > held * 1.001:
            return t
    return None


def measure(
    rate: float, later: float, at: float, calls: int, jitter: float = 0.0, seed: int = 0
) -> dict[str, Any]:
    r = run(Service(rate, later=later, change_at=at), calls, jitter=jitter, seed=seed)
    ideal = at + (calls - rate * at) / later if calls > rate * at else calls / rate
    out: dict[str, Any] = {
        "scenario": f"{rate:g}/s, {later:g}/s from {at:g} s, {calls} calls",
        "elapsed_s": round(r.served[-1], 1),
        "ideal_s": round(ideal, 1),
        "vs_ideal": round(r.served[-1] / ideal, 3),
        "throttled": len(r.throttled),
        "throttled_from_change": sum(t >= at for t in r.throttled),
    }
    if later == rate:  # a quota that stays: the rates held once it was found
        rates = held(r, 60.0)
        out["held"] = [round(min(rates), 3), round(max(rates), 3)] if rates else None
    if later > rate:
        reached = reach(r.served, at, later)
        start = probe_start(r, at)
        out["reach_s"] = None if reached is None else round(reached - at, 1)
        out["climb_s"] = None if reached is None or start is None else round(reached - start, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rate", type=float, help="the quota at first, requests/s")
    p.add_argument("--later", type=float, help="the quota from --at on")
    p.add_argument("--at", type=float, default=100.0, help="seconds (default 100)")
    p.add_argument("--calls", type=int, default=2200, help="calls served (default 2200)")
    p.add_argument("--jitter-ms", type=float, default=0.0, help="arrival delay, 0 to this")
    p.add_argument("--seed", type=int, default=0, help="of the delays (default 0)")
    args = p.parse_args(argv)
    if (args.rate is None) != (args.later is None):
        p.error("--rate and --later go together")
    if args.rate is not None and (args.rate <= 0 or args.later <= 0 or args.calls < 1):
        p.error("--rate and --later > 0, --calls >= 1")
    if args.jitter_ms < 0:
        p.error("--jitter-ms >= 0")
    scenarios = SCENARIOS if args.rate is None else ((args.rate, args.later, args.at, args.calls),)
    for rate, later, at, calls in scenarios:
        m = measure(rate, later, at, int(calls), jitter=args.jitter_ms / 1000.0, seed=args.seed)
        print(json.dumps(m))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
