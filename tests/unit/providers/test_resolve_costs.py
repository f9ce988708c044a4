"""``resolve_cheapest`` with costs: unit costs are the e-mail rule to the call; time costs
(a page five lookups, as at the identity quotas) never cost much more than the cheaper of
looking every key up and sweeping the whole listing."""

from __future__ import annotations

import math
from collections.abc import Iterator

from hypothesis import given
from hypothesis import strategies as st

from reconciler.providers.resolve import UNIT, Costs, resolve_cheapest, switch_to_lookups

PAGE = 50
TIME = (0.1, 0.02)  # ListAppInstanceUsers at 10/s, DescribeAppInstanceUser at 50/s


class Listing:
    def __init__(self, entries: list[str]) -> None:
        self.entries = entries
        self.pages = 0
        self.lookups = 0

    def read(self) -> Iterator[tuple[list[tuple[str, bool]], bool]]:
        for start in range(0, max(len(self.entries), 1), PAGE):
            self.pages += 1
            chunk = self.entries[start : start + PAGE]
            yield [(e, True) for e in chunk], start + PAGE < len(self.entries)

    def lookup(self, key: str) -> bool | None:
        self.lookups += 1
        return True if key in self.entries else None


@given(st.integers(0, 40), st.integers(0, 5))
def test_unit_costs_are_the_email_rule(pages_read: int, remaining: int) -> None:
    assert UNIT.switch(pages_read, remaining, remaining) == switch_to_lookups(pages_read, remaining)


@given(
    n=st.integers(0, 600),
    picks=st.lists(st.integers(0, 650), max_size=60, unique=True),
    hint=st.booleans(),
)
def test_time_costs_stay_near_the_cheaper_way(n: int, picks: list[int], hint: bool) -> None:
    entries = [f"u{i}" for i in range(n)]
    wanted = {f"u{i}": f"u{i}" for i in picks}
    shown = len([i for i in range(n) if i not in picks]) if hint else 0
    listing = Listing(entries)
    page, lookup = TIME
    costs = Costs(page, lookup, shown, PAGE)
    found = resolve_cheapest(wanted, listing.read(), listing.lookup, map, costs)
    assert set(found) == {k for k in wanted if k in entries}
    spent = listing.pages * page + listing.lookups * lookup
    full = max(1, math.ceil(n / PAGE)) * page
    assert spent <= 2 * full + 1e-9
    assert spent <= 2 * len(wanted) * lookup + page + 1e-9


def test_a_long_listing_is_not_swept_for_a_few_keys() -> None:
    listing = Listing([f"u{i}" for i in range(10_200)])
    wanted = {f"u{i}": f"u{i}" for i in range(10_000, 10_200)}
    found = resolve_cheapest(
        wanted, listing.read(), listing.lookup, map, Costs(*TIME, 10_000, PAGE)
    )
    assert len(found) == 200
    assert (listing.pages, listing.lookups) == (0, 200)  # 4 s of lookups, not 20 s of pages


def test_a_tie_at_the_listings_known_length_reads_on() -> None:
    """QA-DA Q-DA-2: 320 users known from the listings, 240 wanted: the listing holds at
    least 12 pages. After those 12, the 60 left (on pages 13 and 14) cost as much to look
    up (60 x 0.02 s) as the 12 pages did (12 x 0.1 s): a tie, which goes to the pages, as
    before the known length: page 13 finds 50 of them, and the last 10 are looked up."""
    entries = [f"u{i:03}" for i in range(801)]
    picks = [i for lo in (60, 240, 420, 600) for i in range(lo, lo + 60)]
    wanted = {entries[i]: entries[i] for i in picks}
    listing = Listing(entries)
    found = resolve_cheapest(wanted, listing.read(), listing.lookup, map, Costs(*TIME, 320, PAGE))
    assert len(found) == 240
    assert (listing.pages, listing.lookups) == (13, 10)  # 1.5 s, not 12 pages + 60 (2.4 s)
