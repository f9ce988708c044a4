"""``LiveMembers.ordered``: the members ``live_member`` makes, in ``_member_order``'s
order, stable, whether a member's strings hold a NUL or not (the joined order's fallback)."""

from __future__ import annotations

import random
from typing import Any

from reconciler.providers.chime_api import LiveMembers, _member_order, live_member


def _items(seed: int, nul: bool) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    names = ["a", "ab", "a b", "B", "é", "a\x01", "z"]
    names += ["a\x00b", "a\x00", "\x00"] if nul else []
    items: list[dict[str, Any]] = []
    for _ in range(120):
        kind = rnd.choice(["User", "Bot", "Webhook"])
        member: dict[str, Any] = {"MemberId": rnd.choice(names), "MemberType": kind}
        if rnd.random() < 0.8:
            member["Email"] = rnd.choice(names) + "@example.com"
        if rnd.random() < 0.7:
            member["FullName"] = rnd.choice(names)
        item: dict[str, Any] = {"Member": member, "Role": rnd.choice(["Administrator", "Member"])}
        if rnd.random() < 0.05:
            del item["Member"]
        items.append(item)
    return items


def _expected(items: list[dict[str, Any]]) -> list[Any]:
    made = [live_member(i, "room") for i in items]
    return sorted(made, key=_member_order)


def _shown(members: list[Any]) -> list[tuple[Any, ...]]:
    return [(m.ref.kind, m.ref.key, m.ref.display, m.member_id, m.kind, m.role) for m in members]


def test_ordered_as_sorted_by_member_order() -> None:
    for seed in range(20):
        for nul in (False, True):
            items = _items(seed, nul)
            live = LiveMembers()
            assert _shown(live.ordered(items, "room")) == _shown(_expected(items))
            # again, every member known
            assert _shown(live.ordered(items, "room")) == _shown(_expected(items))


def test_a_nul_met_later_sorts_by_the_strings() -> None:
    live = LiveMembers()
    plain = _items(1, nul=False)
    assert _shown(live.ordered(plain, "room")) == _shown(_expected(plain))
    mixed = _items(2, nul=True)
    assert _shown(live.ordered(mixed, "room")) == _shown(_expected(mixed))
    assert _shown(live.ordered(plain, "room")) == _shown(_expected(plain))


def test_one_value_per_member_and_role() -> None:
    live = LiveMembers()
    item = {"Member": {"MemberId": "u1", "MemberType": "User", "Email": "a@b.c"}, "Role": "Member"}
    first = live.ordered([item], "room")[0]
    again = live.ordered([dict(item, Member=dict(item["Member"]))], "room")[0]
    assert first is again
    assert live(item) is first
