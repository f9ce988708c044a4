"""The pacer with an injected clock: spacing at the quota, several buckets per call,
shared by threads, and the adaptive part (a lower quota found from 429s)."""

from __future__ import annotations

import threading
import time

import pytest
from fake_clock import FakeClock

from reconciler import interrupt
from reconciler.pacing import Pacer, QuotaKey
from reconciler.pacing.pacer import Stopped

CHIME = QuotaKey("chime")
BEARER = QuotaKey("messaging.bearer", "arn:bearer")
CHANNEL_A = QuotaKey("messaging.channel-batch", "arn:channel/a")
CHANNEL_B = QuotaKey("messaging.channel-batch", "arn:channel/b")
WRITE_B = QuotaKey("messaging.channel-write", "arn:channel/b")
IDENTITY = QuotaKey("identity")
LIST_USERS = QuotaKey("identity.list-users")


def pacer(clock: FakeClock, **rates: float | None) -> Pacer:
    named = {k.replace("_", ".", 1).replace("_", "-"): v for k, v in rates.items()}
    return Pacer(named, clock=clock, sleep=clock.sleep)


def test_calls_are_spaced_at_the_quota_and_the_first_goes_at_once() -> None:
    clock = FakeClock()
    p = pacer(clock, chime=10.0)
    starts = [p.acquire(CHIME).at for _ in range(11)]
    assert starts == pytest.approx([100.0 + i / 10 for i in range(11)])
    assert clock.now == pytest.approx(101.0)  # 11 calls at 10/s: one second of waiting


@pytest.mark.parametrize("rate", [10.0, None])
def test_a_call_answered_after_longer_than_the_window_is_counted(rate: float | None) -> None:
    # its own start is older than the window: it used to leave the starts empty and then
    # read the first of them (IndexError: "Internal error" for a call slower than 1 s)
    clock = FakeClock()
    p = pacer(clock, chime=rate)
    slow = p.acquire(CHIME)
    clock.advance(2.5)
    p.served(slow)
    p.release(slow)
    assert p.acquire(CHIME).at == pytest.approx(102.5)  # and the next goes at once


def test_a_bucket_idle_for_a_while_does_not_save_up_a_burst() -> None:
    clock = FakeClock()
    p = pacer(clock, chime=10.0)
    p.acquire(CHIME)
    clock.advance(5.0)
    starts = [p.acquire(CHIME).at for _ in range(3)]
    assert starts == pytest.approx([105.0, 105.1, 105.2])


def test_a_burst_allowance_lets_that_many_calls_go_at_once() -> None:
    clock = FakeClock()
    p = Pacer({"chime": 10.0}, burst=3, clock=clock, sleep=clock.sleep)
    starts = [p.acquire(CHIME).at for _ in range(5)]
    assert starts == pytest.approx([100.0, 100.0, 100.0, 100.1, 100.2])


def test_a_call_waits_for_every_bucket_it_counts_against() -> None:
    """Messaging: a batch counts against its channel (1/s) and its bearer (10/s)."""
    clock = FakeClock()
    p = pacer(clock, messaging_bearer=10.0, messaging_channel_batch=1.0)
    first = p.acquire(BEARER, CHANNEL_A)
    p.release(first)  # answered at once
    a2 = p.acquire(BEARER, CHANNEL_A).at  # the channel's 1/s decides
    b1 = p.acquire(BEARER, CHANNEL_B).at  # another channel: only the bearer's 10/s
    assert (first.at, a2) == pytest.approx((100.0, 101.0))
    assert b1 == pytest.approx(101.1)  # after a2 in the bearer's bucket, not a second later


def test_a_shallow_quota_spaces_calls_from_the_answer_of_the_last_one() -> None:
    """At 1/s the service's bucket holds one call: the next call goes a second after the
    last one was answered, so a call delayed on the way cannot make two arrive closer."""
    clock = FakeClock()
    p = pacer(clock, messaging_bearer=10.0, messaging_channel_batch=1.0)
    first = p.acquire(BEARER, CHANNEL_A)
    clock.advance(0.3)  # a slow answer
    p.release(first)
    assert p.acquire(BEARER, CHANNEL_A).at == pytest.approx(101.3)
    # a deep bucket (10/s: the service holds ten) keeps spacing from the grants
    deep = pacer(clock, chime=10.0)
    t = deep.acquire(CHIME)
    clock.advance(0.3)
    deep.release(t)
    assert deep.acquire(CHIME).at == pytest.approx(clock.now)


def test_a_shallow_quota_is_held_by_one_call_until_it_is_over() -> None:
    """Real time: a second call on a 1/s channel waits for the first call's release, even
    when that comes late, then a second more; other channels do not wait."""
    p = Pacer({"messaging.channel-batch": 1.0})
    first = p.acquire(CHANNEL_A)
    started: list[float] = []
    waiter = threading.Thread(target=lambda: started.append(p.acquire(CHANNEL_A).at))
    waiter.start()
    assert p.acquire(CHANNEL_B).at <= time.monotonic()  # another channel goes at once
    time.sleep(0.2)
    assert started == []  # still held by the first call
    released = time.monotonic()
    p.release(first)
    waiter.join(timeout=5)
    assert started and started[0] >= released + 1.0 - 0.01


def test_other_scopes_of_one_quota_are_separate_buckets() -> None:
    clock = FakeClock()
    p = pacer(clock, messaging_channel_batch=1.0)
    assert [p.acquire(k).at for k in (CHANNEL_A, CHANNEL_B)] == [100.0, 100.0]


def test_a_quota_with_no_known_rate_is_not_paced() -> None:
    clock = FakeClock()
    p = pacer(clock, chime=None)
    for _ in range(50):
        p.acquire(CHIME)
    assert clock.slept == []
    assert p.rate(CHIME) is None


def test_unknown_quota_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown quota 'chim'"):
        Pacer({"chim": 1.0})
    with pytest.raises(ValueError, match="unknown quota 'nope'"):
        Pacer({}).acquire(QuotaKey("nope"))


def test_defaults_apply_to_quotas_not_given() -> None:
    clock = FakeClock()
    p = pacer(clock)
    assert p.rate(BEARER) == 10.0  # AWS's documented default
    assert p.rate(CHANNEL_A) == 1.0


def throttle_after(p: Pacer, clock: FakeClock, key: QuotaKey, latency: float = 0.05) -> float:
    """One call answered 429 after ``latency``; the rate afterwards."""
    ticket = p.acquire(key)
    clock.advance(latency)
    p.throttled(ticket)
    return p.rate(key) or 0.0


def serve(p: Pacer, clock: FakeClock, key: QuotaKey, n: int, latency: float = 0.0) -> None:
    for _ in range(n):
        ticket = p.acquire(key)
        clock.advance(latency)
        p.served(ticket)


def test_a_lone_429_is_retried_but_slows_nothing() -> None:
    clock = FakeClock()
    p = pacer(clock, chime=10.0)
    serve(p, clock, CHIME, 10)
    assert throttle_after(p, clock, CHIME) == 10.0
    clock.advance(2.0)
    assert throttle_after(p, clock, CHIME) == 10.0  # two seconds apart: still lone


def test_dense_429s_slow_a_bucket_below_what_was_served() -> None:
    """Configured at 10/s, the service serves 5/s: two 429s within a second decrease the
    rate to 0.7 times (BETA) the rate served over that second."""
    clock = FakeClock()
    p = pacer(clock, chime=10.0)
    serve(p, clock, CHIME, 5, latency=0.2)  # 5 served in a second
    throttle_after(p, clock, CHIME, latency=0.0)
    after = throttle_after(p, clock, CHIME, latency=0.0)
    assert after == pytest.approx(3.5, rel=0.15)  # 0.7 x 5/s
    assert p.stats().decreases == 1
    assert p.stats().throttled == 2


def test_429s_at_a_quota_of_one_call_a_second_are_dense_over_two_intervals() -> None:
    """Q-AN-13: a channel's batch quota (1/s, AWS's default) that the service serves more
    slowly: every call, a second or more after the last one's answer, is answered 429.
    Outcomes are judged over two intervals, not one second, so two such 429s are dense and
    the bucket slows; judged over a second, each would look lone and it never would."""
    clock = FakeClock()
    p = pacer(clock)
    assert p.rate(CHANNEL_A) == 1.0
    for _ in range(4):
        ticket = p.acquire(CHANNEL_A)
        clock.advance(0.05)
        p.throttled(ticket)
        p.release(ticket)  # the next call waits for this answer, then a second (or more)
    assert p.stats().decreases >= 1
    assert (p.rate(CHANNEL_A) or 0.0) < 1.0


def test_429s_of_calls_sent_before_a_decrease_do_not_decrease_again() -> None:
    clock = FakeClock()
    p = pacer(clock, chime=10.0)
    in_flight = [p.acquire(CHIME) for _ in range(4)]  # sent at 10/s
    for t in in_flight[:2]:
        p.throttled(t)
    slowed = p.rate(CHIME)
    assert slowed is not None and slowed < 10.0
    clock.advance(2.0)
    for t in in_flight[2:]:  # answered later, but sent before the decrease
        p.throttled(t)
    assert p.stats().decreases == 1


def test_the_rate_grows_back_to_the_quota_and_never_above() -> None:
    clock = FakeClock()
    p = pacer(clock, chime=10.0)
    serve(p, clock, CHIME, 8, latency=0.0)
    throttle_after(p, clock, CHIME, latency=0.0)
    low = throttle_after(p, clock, CHIME, latency=0.0)
    rates = []
    for _ in range(20):
        clock.advance(0.5)
        rates.append(p.rate(CHIME) or 0.0)
    assert low < rates[0]
    assert rates == sorted(rates)  # never down without a 429
    assert max(rates) == 10.0  # back at the configured quota, capped there


def test_an_unknown_quota_is_found_when_most_calls_are_throttled() -> None:
    """Unpaced, with a service that serves 10/s and throttles the rest: once half of a
    second's calls (at least 8: MIN_CALLS) are 429s, the bucket paces below what was served
    (measured over the whole second, so never above it)."""
    clock = FakeClock()
    p = pacer(clock, chime=None)
    clock.advance(1.0)
    for i in range(32):  # a call every 25 ms; the service serves 10/s
        ticket = p.acquire(CHIME)
        clock.advance(0.025)
        if i % 4 == 0:
            p.served(ticket)
        else:
            p.throttled(ticket)
        if p.rate(CHIME) is not None:
            break
    found = p.rate(CHIME)
    assert found is not None
    assert 0 < found <= 7.0  # 0.7 x 10/s
    # and it grows back, flat near what was served: within ten seconds, past it
    clock.advance(10.0)
    assert (p.rate(CHIME) or 0.0) > 10.0


def test_an_unknown_quota_starts_pacing_at_the_eighth_call_of_a_window_not_before() -> None:
    """Q-EG-7: half the calls answered 429, 40 a second: the first 7 outcomes are too few
    to say a quota is there (MIN_CALLS, 8); the 8th starts pacing."""
    clock = FakeClock()
    p = pacer(clock, chime=None)
    clock.advance(1.0)
    unpaced = []
    for i in range(8):
        ticket = p.acquire(CHIME)
        clock.advance(0.025)
        if i % 2 == 0:
            p.served(ticket)
        else:
            p.throttled(ticket)
        unpaced.append(p.rate(CHIME) is None)
    assert unpaced == [True] * 7 + [False]


def test_429s_within_a_window_of_a_decrease_do_not_decrease_again() -> None:
    """Q-EG-7: the 429s answered within a second of a decrease were just answered by it
    (the service's bucket still drained): one decrease, not one per pair of them."""
    clock = FakeClock()
    p = pacer(clock, chime=10.0)
    serve(p, clock, CHIME, 5, latency=0.2)  # 5 served in a second
    throttle_after(p, clock, CHIME, latency=0.0)
    decreased = throttle_after(p, clock, CHIME, latency=0.0)
    assert decreased == pytest.approx(3.5, rel=0.15)  # 0.7 x 5/s
    at = clock.now
    after = [throttle_after(p, clock, CHIME, latency=0.0) for _ in range(3)]
    assert clock.now < at + 1.0  # all three within the window (a second at 3.5/s)
    assert p.stats().decreases == 1
    assert p.stats().throttled == 5
    assert min(after) >= decreased  # growing back, never cut again


def test_a_few_429s_among_many_served_calls_do_not_start_pacing() -> None:
    """A service under load answers some 429s that no rate explains: one in ten is not
    the signature of a quota, so an unknown quota stays unpaced."""
    clock = FakeClock()
    p = pacer(clock, chime=None)
    for i in range(200):
        ticket = p.acquire(CHIME)
        clock.advance(0.01)
        if i % 10 == 0:
            p.throttled(ticket)
        else:
            p.served(ticket)
    assert p.rate(CHIME) is None
    assert clock.slept == []


def test_threads_share_the_buckets() -> None:
    """Real time: 4 threads x 5 calls at 50/s take at least 19 intervals."""
    p = Pacer({"chime": 50.0})
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(5):
            p.acquire(CHIME)
            with lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(starts) == 20
    assert max(starts) - began >= 19 / 50 - 0.01
    assert p.stats().granted == 20


def test_a_call_that_fails_on_the_way_releases_its_shallow_quota() -> None:
    """call_with_retry releases the ticket whatever happens to the call (here an error no
    retry knows), so the next call on the channel is not held forever."""
    from reconciler.providers.retry import RetryPolicy, call_with_retry

    p = Pacer({"messaging.channel-batch": 1.0})

    def broken() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        call_with_retry(RetryPolicy.from_env(), "Op", broken, pacer=p, keys=[CHANNEL_A])
    got: list[float] = []
    waiter = threading.Thread(target=lambda: got.append(p.acquire(CHANNEL_A).at))
    waiter.start()
    waiter.join(timeout=3)
    assert got, "the channel's quota was never released"


@pytest.mark.parametrize("stop", ["its own stop", "an interrupt"])
def test_a_call_waiting_for_a_held_slow_quota_ends_unstarted_when_stopped(stop: str) -> None:
    """Real time: a call waits for a 1/s channel held by a call not answered yet; its
    thread's own stop (a read ahead no longer wanted) or an interrupt (Ctrl-C) ends the
    wait at once: the call is not started (NotStarted, as at any stop), nothing granted."""
    from reconciler.providers.retry import RetryPolicy, call_with_retry

    main = threading.current_thread()
    waiting = threading.Event()

    def clock() -> float:  # asked by the waiter just before it waits for the holder
        if threading.current_thread() is not main:
            waiting.set()
        return time.monotonic()

    p = Pacer({"messaging.channel-batch": 1.0}, clock=clock, sleep=interrupt.sleep)
    holder = p.acquire(CHANNEL_A)
    own = threading.Event()
    made: list[str] = []
    raised: list[interrupt.NotStarted] = []

    def call() -> None:
        with interrupt.cancelled_by(own):
            try:
                call_with_retry(
                    RetryPolicy.from_env(),
                    "ListChannelMemberships",
                    lambda: made.append("called"),
                    context="channel a",
                    pacer=p,
                    keys=[CHANNEL_A],
                )
            except interrupt.NotStarted as exc:
                raised.append(exc)

    waiter = threading.Thread(target=call, daemon=True)
    waiter.start()
    assert waiting.wait(5)
    (own if stop == "its own stop" else interrupt.STOP).set()
    try:
        waiter.join(timeout=2)
        assert not waiter.is_alive(), "still waiting for the quota's holder"
    finally:
        interrupt.STOP.clear()
        p.release(holder)
        waiter.join(timeout=5)
    assert made == []
    assert [str(e) for e in raised] == [
        "ListChannelMemberships failed (channel a): Interrupted: not started: interrupted"
    ]
    assert p.stats().granted == 1  # the holder's only


def test_a_call_waiting_for_its_channel_s_batch_quota_leaves_the_bearer_to_the_others() -> None:
    """A second batch on a channel waits a second for that channel (1/s); meanwhile its
    bearer (10/s) goes on serving the calls on other channels (deletes here), instead of
    being reserved a second ahead: that left a bearer idle a second at each second batch."""
    clock = FakeClock()
    p = pacer(clock, messaging_bearer=10.0, messaging_channel_batch=1.0)
    p.release(p.acquire(BEARER, CHANNEL_A))  # answered at once, at 100.0
    others: list[float] = []
    asked: list[bool] = []

    def meanwhile(seconds: float) -> None:  # the batch's thread sleeps: others call
        if not asked:
            asked.append(True)
            clock.advance(0.1)
            others.extend(p.acquire(BEARER, WRITE_B).at for _ in range(3))
        clock.sleep(max(0.0, seconds - (clock.now - start)))

    p._sleep = meanwhile  # type: ignore[method-assign]
    start = clock.now
    second = p.acquire(BEARER, CHANNEL_A)
    assert others == pytest.approx([100.1, 100.2, 100.3])  # not after 101.0
    assert second.at == pytest.approx(101.0)  # the channel's quota still holds


def test_a_call_paused_for_its_channel_s_batch_quota_ends_unstarted_when_stopped() -> None:
    """The pause a second batch takes for its channel (nothing reserved) is cut short by
    a stop, and the call then starts nothing (no busy loop of pauses cut short)."""
    clock = FakeClock()
    p = pacer(clock, messaging_bearer=10.0, messaging_channel_batch=1.0)
    p.release(p.acquire(BEARER, CHANNEL_A))

    def stopped_meanwhile(seconds: float) -> None:  # the run's sleep, cut short at once
        interrupt.STOP.set()

    p._sleep = stopped_meanwhile  # type: ignore[method-assign]
    try:
        with pytest.raises(Stopped):
            p.acquire(BEARER, CHANNEL_A)
    finally:
        interrupt.STOP.clear()
    assert p.stats().granted == 1


def test_a_voided_start_gives_back_its_slot_in_the_buckets_that_did_not_slow() -> None:
    """A ListAppInstanceUsers page counts against the identity quota (50/s) and its own
    (10/s). The second page is reserved for its own quota's next slot; while it sleeps,
    two DescribeAppInstanceUser lookups are answered 429, which slows the identity quota
    (theirs) and voids the page's start. Asking again, the page goes at its slot, as
    reserved, and the next page 0.1 s after it: the void gave the slot back in the
    ListAppInstanceUsers bucket, which did not slow (it kept it: each page 0.1 s late)."""
    clock = FakeClock()
    p = pacer(clock)  # AWS's defaults: identity 50/s, identity.list-users 10/s
    for _ in range(45):  # lookups at 50/s, 100.0 to 100.88
        p.served(p.acquire(IDENTITY))
    p.served(p.acquire(IDENTITY, LIST_USERS))  # the first page, at 100.9
    in_flight = [p.acquire(IDENTITY) for _ in range(2)]  # lookups at 100.92 and 100.94
    slowed: list[float] = []

    def meanwhile(seconds: float) -> None:  # the 429s are answered while the page sleeps
        if not slowed:
            clock.advance(0.01)
            for ticket in in_flight:
                p.throttled(ticket)
            slowed.append(p.rate(IDENTITY) or 0.0)
            seconds -= 0.01
        clock.sleep(seconds)

    p._sleep = meanwhile  # type: ignore[method-assign]
    second = p.acquire(IDENTITY, LIST_USERS)
    assert slowed and slowed[0] < 50.0  # the identity quota slowed while the page slept
    assert p.stats().decreases == 1  # ... and it alone
    assert 100.95 + 1.0 / slowed[0] < 101.0  # so its new interval does not hold the page
    assert second.at == pytest.approx(101.0)  # the slot reserved, not 101.1
    assert p.acquire(IDENTITY, LIST_USERS).at == pytest.approx(101.1)  # not 101.2
    assert p.stats().granted == 45 + 1 + 2 + 1 + 1
