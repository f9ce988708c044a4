"""Q-L-1: the tool's check that declared channel users exist (``resolve_cheapest`` with the
Costs ``channel_directory`` gives it) against the scale harness's bound
(``bench/channel_bounds.py``), replayed over many harness estates: the pages and lookups
the rule makes are the bound's, to the call, wherever an online rule can know them."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.channel_bounds import (
    DESCRIBE_USER,
    LIST_USERS,
    MessagingLimits,
    identity_seconds,
    user_checks,
)
from bench.channel_world import Channel, ChannelWorld, channel_estate
from reconciler.providers.messaging_api import PAGE
from reconciler.providers.resolve import Costs, resolve_cheapest

LIMITS = MessagingLimits.from_model()


def tool_check(world: ChannelWorld) -> dict[str, int]:
    """The identity calls the tool's rule makes for the memberships' check: the users
    declared and not shown by any channel listing (members, and moderators: read before
    the check, QA-FB Q-FB-1), knowing the shown ones exist."""
    shown = {m for c in world.channels for m in (*c.live, *c.live_moderators)}
    wanted = sorted({m for c in world.channels for m in c.desired} - shown)
    calls = {LIST_USERS: 0, DESCRIBE_USER: 0}
    users = world.users

    def pages() -> Iterator[tuple[list[tuple[str, bool]], bool]]:
        for start in range(0, len(users), PAGE):
            calls[LIST_USERS] += 1
            yield [(u, True) for u in users[start : start + PAGE]], start + PAGE < len(users)

    def lookup(user: str) -> bool | None:
        calls[DESCRIBE_USER] += 1
        return True if user in users else None

    costs = Costs(LIMITS.page_seconds, LIMITS.lookup_seconds, len(shown), PAGE)
    if wanted:
        resolve_cheapest({u: u for u in wanted}, pages(), lookup, map, costs)
    return {op: n for op, n in calls.items() if n}


def bound_check(world: ChannelWorld) -> dict[str, int]:
    return user_checks(world, LIMITS)[0]


@pytest.mark.parametrize(
    ("members", "calls"),
    [
        (50, {LIST_USERS: 1, DESCRIBE_USER: 1}),  # not 10 lookups: a tie goes to pages
        (51, {LIST_USERS: 1, DESCRIBE_USER: 2}),
        (381, {LIST_USERS: 8}),  # not 7 pages and 32 lookups: the 8th page finds them
    ],
)
def test_the_reported_estates_are_at_the_bound(members: int, calls: dict[str, int]) -> None:
    world = channel_estate(1, members, 0.5)
    assert bound_check(world) == calls
    assert tool_check(world) == calls


@pytest.mark.parametrize("channels", [1, 2, 3, 5])
@pytest.mark.parametrize("drift", [0.0, 0.02, 0.05, 0.1, 0.2])
def test_the_rule_makes_the_bounds_calls_at_every_size(channels: int, drift: float) -> None:
    off = []
    for members in [*range(2, 201), *range(201, 1201, 9)]:
        for bearers in (1, 3):
            world = channel_estate(channels, members, drift, bearers)
            if tool_check(world) != bound_check(world):
                off.append((members, bearers, tool_check(world), bound_check(world)))
    assert off == []


@pytest.mark.parametrize("channels", [2, 3, 5, 10])
@pytest.mark.parametrize("drift", [0.3, 0.5, 0.7, 1.0])
def test_on_several_channels_any_drift_is_at_the_bound(channels: int, drift: float) -> None:
    off = []
    for members in range(2, 1201, 11):
        try:
            world = channel_estate(channels, members, drift)
        except ValueError:
            continue
        if tool_check(world) != bound_check(world):
            off.append((members, tool_check(world), bound_check(world)))
    assert off == []


@pytest.mark.parametrize("drift", [0.3, 0.5, 0.7, 1.0])
def test_where_hindsight_wins_the_rule_stays_under_twice_the_bound(drift: float) -> None:
    """One channel, a large drift: the bound knows where the users are; after p pages
    the rule does not know that the users left are not on the listing's last page. It
    never spends more than 1.8x the bound's time (README, "The scale harness")."""
    for members in range(2, 1201):
        try:
            world = channel_estate(1, members, drift)
        except ValueError:
            continue
        spent = identity_seconds(tool_check(world), LIMITS)
        assert spent <= 1.8 * identity_seconds(bound_check(world), LIMITS) + 1e-9, members


def test_the_moderators_check_goes_on_after_the_pages_read() -> None:
    """QA-FH Q-FH-3: 150 users (3 pages); 7 new members on page 1, 20 new moderators on
    page 2: a page each, page 1 not read again by the moderators' check."""
    users = ("reconciler", *(f"u{i:03d}" for i in range(149)))
    channel = Channel(
        name="c0",
        channel_id="c0",
        live={"u010": "DEFAULT"},
        live_moderators=(),
        desired={u: "DEFAULT" for u in ("u010", *(f"u{i:03d}" for i in range(1, 8)))},
        moderators=tuple(f"u{i:03d}" for i in range(60, 80)),
    )
    world = ChannelWorld(users=users, channels=(channel,))
    assert user_checks(world, LIMITS) == [{LIST_USERS: 1}, {LIST_USERS: 1}]


def _one_channel(new: list[str], old: list[str], others: list[str]) -> ChannelWorld:
    """One channel listing ``old`` that declares ``new`` too; the app instance lists
    ``others``, ``new`` and ``old`` in the order of their names, then the bearer."""
    users = (*sorted([*new, *old, *others]), "reconciler")
    live = {u: "DEFAULT" for u in old}
    channel = Channel("c0", "c0", live, (), {**live, **dict.fromkeys(new, "DEFAULT")}, ())
    return ChannelWorld(users=users, channels=(channel,))


# Where hindsight wins the most: a page shows 50 users in the time of 5 lookups.
WORST = LIMITS.users_page * LIMITS.lookup_seconds / LIMITS.page_seconds


def test_new_users_listed_first_are_looked_up_as_documented() -> None:
    """QA-HG Q-HG-1 (README "Channels" and "Benchmarks"): 30 new members first in the
    listing, beside 290 the channel shows: 30 lookups (0.6 s, less than the 7 pages the
    listing holds at least), where its first page (0.1 s) shows them all: 6x the bound's
    time; 50 first beside 500: 10x, the most. Beside 270 the pages take no longer than
    the lookups, and page 1 finds them."""
    new = [f"a{i:03d}" for i in range(30)]
    world = _one_channel(new, [f"b{i:03d}" for i in range(290)], [])
    assert bound_check(world) == {LIST_USERS: 1}
    assert tool_check(world) == {DESCRIBE_USER: 30}
    assert identity_seconds(tool_check(world), LIMITS) == pytest.approx(0.6)
    world = _one_channel(new, [f"b{i:03d}" for i in range(270)], [])
    assert tool_check(world) == bound_check(world) == {LIST_USERS: 1}
    world = _one_channel([f"a{i:03d}" for i in range(50)], [f"b{i:03d}" for i in range(500)], [])
    spent = identity_seconds(tool_check(world), LIMITS)
    assert spent == pytest.approx(WORST * identity_seconds(bound_check(world), LIMITS))
    assert round(WORST, 9) == 10


@pytest.mark.parametrize("new", [1, 6, 10, 30, 49, 50, 51, 99, 120, 200])
def test_wherever_the_new_users_sit_the_rule_stays_within_ten_times_the_bound(new: int) -> None:
    """New users in a block at any page of the listing (first, last, between), or spread
    over it, beside up to 800 users the channel shows: never more than 10x the bound's
    time (README "Benchmarks"), and 10x where 50 sit first beside 500 or more."""
    worst = 0.0
    rng = random.Random(new)
    for shown in range(0, 801, 10):
        total = shown + new
        blocks = [range(start, start + new) for start in range(0, total - new + 1, 25)]
        spread = [sorted(rng.sample(range(total), new)) for _ in range(2)]
        for at in [*blocks, *spread]:
            listed = set(at)
            new_users = [f"u{i:04d}" for i in range(total) if i in listed]
            old = [f"u{i:04d}" for i in range(total) if i not in listed]
            world = _one_channel(new_users, old, [])
            ratio = identity_seconds(tool_check(world), LIMITS) / identity_seconds(
                bound_check(world), LIMITS
            )
            assert ratio <= WORST + 1e-9, (shown, at)
            worst = max(worst, ratio)
    if new == 50:
        assert worst == pytest.approx(WORST)
