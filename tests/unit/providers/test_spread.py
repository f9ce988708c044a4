"""Which bearer works on which channel (``reconciler.providers.spread``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.providers.spread import Spread, share
from reconciler.shard import Shard


def test_largest_channels_first_each_to_the_least_busy_bearer() -> None:
    spread = Spread(["a", "b"])
    spread.assign([("small-1", 1), ("big", 10), ("small-2", 1), ("mid", 5)])
    # big -> a (10); mid -> b (5); small-1 -> b (6); small-2 -> b (7)
    assert [spread.bearer(c) for c in ("big", "mid", "small-1", "small-2")] == [
        "a", "b", "b", "b",
    ]  # fmt: skip


def test_a_channel_keeps_its_bearer_for_the_whole_run() -> None:
    spread = Spread(["a", "b", "c"])
    spread.assign([("x", 1)])
    first = spread.bearer("x")
    spread.assign([("x", 100), ("y", 1), ("z", 1)])  # seen again, larger: not moved
    assert spread.bearer("x") == first
    assert {spread.bearer(c) for c in "xyz"} == {"a", "b", "c"}


def test_an_unknown_channel_is_given_when_first_used() -> None:
    spread = Spread(["a", "b"])
    assert [spread.bearer(c) for c in ("p", "q", "r", "p")] == ["a", "b", "a", "a"]


def test_channels_estimated_at_no_calls_still_count_one_each() -> None:
    # Q-AN-14: a channel costs at least one call: weighed 0, every such channel would go
    # to the first bearer, and one bearer's quota would pace the whole read
    spread = Spread(["a", "b", "c"])
    spread.assign([("x", 0), ("y", 0), ("z", 0)])
    assert sorted(spread.bearer(c) for c in "xyz") == ["a", "b", "c"]


def test_interleave_alternates_bearers() -> None:
    spread = Spread(["a", "b"])
    spread.assign([("1", 1), ("2", 1), ("3", 1), ("4", 1)])
    order = spread.interleave(["1", "2", "3", "4"], str)
    assert [spread.bearer(c) for c in order] == ["a", "b", "a", "b"]


@settings(deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=4, unique=True),
    st.dictionaries(st.text("abcdef", min_size=1, max_size=4), st.integers(1, 50), max_size=40),
)
def test_same_work_same_bearers_and_balanced(bearers: list[int], work: dict[str, int]) -> None:
    names = [f"b{i}" for i in bearers]
    one, two = Spread(names), Spread(names)
    one.assign(work.items())
    two.assign(reversed(list(work.items())))  # the order given does not matter
    assert {c: one.bearer(c) for c in work} == {c: two.bearer(c) for c in work}
    loads = {b: sum(w for c, w in work.items() if one.bearer(c) == b) for b in names}
    # greedy largest-first: no bearer carries more than the least loaded plus one channel
    assert max(loads.values()) - min(loads.values()) <= max(work.values(), default=0)


def test_each_shard_has_its_own_bearers_when_there_are_enough() -> None:
    bearers = ["r0", "r1", "r2", "r3", "r4"]
    assert share(bearers, None) == bearers
    assert [share(bearers, Shard(k, 2)) for k in (1, 2)] == [["r0", "r2", "r4"], ["r1", "r3"]]
    assert [share(bearers, Shard(k, 5)) for k in (1, 5)] == [["r0"], ["r4"]]
    assert share(bearers, Shard(3, 6)) == bearers  # fewer bearers than shards: all of them
