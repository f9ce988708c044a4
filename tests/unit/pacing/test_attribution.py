"""Q-EP-1: which quota a 429 slows. A call counts against several quotas (a channel batch:
its channel's batch quota and its bearer's), and AWS's 429 does not say which refused it.
The narrowest one slows; the wider one (the bearer) only once its 429s come from calls on
two different narrower keys, or from a call that counts against no narrower one, within
its window. The pacer's clock is injected: no real time passes."""

from __future__ import annotations

import itertools

import pytest
from fake_clock import FakeClock

from reconciler.pacing import Pacer, QuotaKey

BEARER = QuotaKey("messaging.bearer", "arn:bearer")
BATCH_A = QuotaKey("messaging.channel-batch", "arn:channel/a")
WRITE_A = QuotaKey("messaging.channel-write", "arn:channel/a")
WRITE_B = QuotaKey("messaging.channel-write", "arn:channel/b")
IDENTITY = QuotaKey("identity")
LIST_USERS = QuotaKey("identity.list-users")


def make(clock: FakeClock, rates: dict[str, float | None]) -> Pacer:
    return Pacer(rates, clock=clock, sleep=clock.sleep)


def call(p: Pacer, clock: FakeClock, keys: tuple[QuotaKey, ...], refused: bool) -> None:
    """One call on ``keys``, answered 10 ms later: 429 if ``refused``."""
    ticket = p.acquire(*keys)
    clock.now += 0.01
    if refused:
        p.throttled(ticket)
    else:
        p.served(ticket)
    p.release(ticket)


def test_one_channel_s_batch_429s_slow_its_batch_quota_not_its_bearer() -> None:
    """The report's run: channel a's batch quota configured at 5/s where the service
    allows 1/s, so every batch there is answered 429, while the bearer's deletes on
    channel b are all served. Channel a's batch quota slows; the bearer stays at 10/s, and
    channel b's deletes go on at 10/s (they went down to ~1/s)."""
    clock = FakeClock()
    p = make(clock, {"messaging.bearer": 10.0, "messaging.channel-batch": 5.0})
    deletes: list[float] = []
    while clock.now < 106.0:
        call(p, clock, (BEARER, BATCH_A), refused=True)
        deletes = []
        for _ in range(3):
            ticket = p.acquire(BEARER, WRITE_B)
            deletes.append(ticket.at)
            clock.now += 0.01
            p.served(ticket)
    assert p.stats().throttled >= 4
    assert (p.rate(BATCH_A) or 0.0) < 1.0  # the quota that refused: found, about 1/s
    assert p.rate(BEARER) == 10.0  # never slowed
    # the last deletes on b, after a's batch: at the bearer's 10/s
    assert [b - a for a, b in itertools.pairwise(deletes)] == pytest.approx([0.1, 0.1])


def test_429s_from_two_channels_of_one_bearer_slow_the_bearer() -> None:
    """A bearer quota set too high (20/s where the service allows 10/s): its calls on two
    channels are refused alike. One 429, on channel a, slows neither the bearer nor a's
    write quota (a lone 429); the next, on channel b within the window, is the evidence
    that the bearer refuses: it slows, as two 429s within a second always did."""
    clock = FakeClock()
    p = make(clock, {"messaging.bearer": 20.0})
    for i in range(10):  # served at 20/s, a second's worth
        call(p, clock, (BEARER, WRITE_A if i % 2 else WRITE_B), refused=False)
    call(p, clock, (BEARER, WRITE_A), refused=True)
    assert p.rate(BEARER) == 20.0
    call(p, clock, (BEARER, WRITE_B), refused=True)
    slowed = p.rate(BEARER)
    assert slowed is not None and slowed < 20.0
    assert p.stats().decreases == 1  # the bearer's; each channel saw a lone 429
    assert p.rate(WRITE_A) == p.rate(WRITE_B) == 15.0


def test_429s_of_one_channel_and_a_call_on_no_narrower_quota_slow_the_bearer() -> None:
    """A call that counts against its bearer's quota alone, refused, says the bearer
    refuses: with a channel call's 429 in the same window, the bearer slows."""
    clock = FakeClock()
    p = make(clock, {"messaging.bearer": 20.0})
    for _ in range(10):
        call(p, clock, (BEARER, WRITE_A), refused=False)
    call(p, clock, (BEARER, WRITE_A), refused=True)
    assert p.rate(BEARER) == 20.0
    call(p, clock, (BEARER,), refused=True)
    assert (p.rate(BEARER) or 20.0) < 20.0


def test_429s_of_two_channels_seconds_apart_do_not_slow_the_bearer() -> None:
    """The evidence must come within the bearer's window: each channel's own 429s, far
    apart, are each that channel's."""
    clock = FakeClock()
    p = make(clock, {"messaging.bearer": 10.0})
    for channel in (WRITE_A, WRITE_B):
        call(p, clock, (BEARER, channel), refused=True)
        call(p, clock, (BEARER, channel), refused=True)
        assert (p.rate(channel) or 15.0) < 15.0  # two 429s within a second: it slows
        clock.now += 3.0
    assert p.rate(BEARER) == 10.0
    assert p.stats().decreases == 2  # each channel's, not the bearer's


def test_a_bearer_quota_set_too_high_is_still_found_with_one_channel() -> None:
    """A bearer configured at 20/s where the service allows 10/s, all of it on one channel:
    no call says the bearer refuses, and the channel's write quota (the narrowest) slows to
    about what the service served. The quota is found, not hammered."""
    clock = FakeClock()
    p = make(clock, {"messaging.bearer": 20.0})
    served_at: list[float] = []
    while clock.now < 105.0:
        ticket = p.acquire(BEARER, WRITE_A)
        window = [t for t in served_at if t > ticket.at - 1.0]
        clock.now += 0.01
        if len(window) < 10:  # the service: 10 a second
            served_at.append(ticket.at)
            p.served(ticket)
        else:
            p.throttled(ticket)
        p.release(ticket)
    assert p.rate(BEARER) == 20.0
    found = p.rate(WRITE_A)
    assert found is not None and found <= 10.0
    late = [t for t in served_at if t >= 104.0]
    assert len(late) >= 5  # paced about the quota, not stopped


def test_list_users_pages_refused_slow_their_own_quota_not_identity() -> None:
    """A ListAppInstanceUsers page counts against ``identity`` (50/s) and
    ``identity.list-users`` (10/s): its 429s are the narrower one's."""
    clock = FakeClock()
    p = make(clock, {})
    for _ in range(5):
        call(p, clock, (IDENTITY, LIST_USERS), refused=True)
    assert (p.rate(LIST_USERS) or 10.0) < 10.0
    assert p.rate(IDENTITY) == 50.0


@pytest.mark.parametrize("second", [WRITE_B, None])
def test_once_the_bearer_is_shown_refusing_its_earlier_429s_count(
    second: QuotaKey | None,
) -> None:
    """The bearer slows by the 429s of the window, the ones first put down to channel a
    included: two 429s within a second, as for any quota, whichever call showed it."""
    clock = FakeClock()
    p = make(clock, {"messaging.bearer": 10.0})
    for _ in range(5):
        call(p, clock, (BEARER, WRITE_A), refused=False)
    call(p, clock, (BEARER, WRITE_A), refused=True)
    assert p.stats().decreases == 0
    call(p, clock, (BEARER, second) if second else (BEARER,), refused=True)
    assert p.stats().decreases == 1
    assert (p.rate(BEARER) or 10.0) < 10.0
