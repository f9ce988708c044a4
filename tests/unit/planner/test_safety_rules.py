"""Safety rules at and around their thresholds, with the exact messages users see."""

from __future__ import annotations

from dataclasses import replace

from planner_builders import (
    ADMIN,
    MEMBER,
    desired_state,
    desired_target,
    key,
    live_member,
    live_state,
    live_target,
    want,
)

from reconciler.desired.model import FRACTION_MIN_TARGET_SIZE, DesiredMember, Safety
from reconciler.live import LiveMember
from reconciler.plan import Plan, SafetyViolation
from reconciler.planner import plan

LENIENT = Safety(max_removals=1000, max_removal_fraction=1.0, min_administrators=0)


def users(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:02}@example.com" for i in range(n)]


def room_plan(
    keep: int,
    remove: int,
    *,
    safety: Safety,
    admins_kept: int = 1,
    demote: int = 0,
    name: str = "ops",
) -> Plan:
    """A pruned room with ``keep`` members that stay (the first ``admins_kept`` of them
    administrators), ``demote`` administrators demoted to members, and ``remove`` members
    that are deleted."""
    kept = users("keep", keep)
    demoted = users("demote", demote)
    gone = users("gone", remove)
    declared: list[DesiredMember] = [
        want(u, ADMIN if i < admins_kept else MEMBER) for i, u in enumerate(kept)
    ]
    declared += [want(u, MEMBER) for u in demoted]
    live: list[LiveMember] = [
        live_member(u, ADMIN if i < admins_kept else MEMBER) for i, u in enumerate(kept)
    ]
    live += [live_member(u, ADMIN) for u in demoted]
    live += [live_member(u, MEMBER) for u in gone]
    d = desired_state(desired_target(name, *declared, prune=True), safety=safety)
    return plan(d, live_state(d, live_target(name, *live)))


def rules(p: Plan) -> list[str]:
    return [v.rule for v in p.violations]


def test_removals_at_the_limit_are_allowed() -> None:
    p = room_plan(keep=100, remove=10, safety=replace(LENIENT, max_removals=10))
    assert p.summary.remove == 10
    assert p.safe


def test_removals_over_the_limit_are_refused_with_the_numbers() -> None:
    p = room_plan(keep=100, remove=11, safety=replace(LENIENT, max_removals=10))
    assert p.violations == (
        SafetyViolation(
            "max_removals",
            None,
            "Too many removals: 11 is over the limit of 10 (safety.max_removals)",
        ),
    )
    assert not p.safe


def test_demotions_from_administrator_count_as_removals() -> None:
    p = room_plan(keep=100, remove=1, demote=2, safety=replace(LENIENT, max_removals=2))
    assert p.violations[0].message == (
        "Too many removals: 3 (2 of them demotions from Administrator) is over the limit of 2 "
        "(safety.max_removals)"
    )


def test_promotions_do_not_count_as_removals() -> None:
    d = desired_state(
        desired_target("ops", *(want(u, ADMIN) for u in users("u", 5))),
        safety=replace(LENIENT, max_removals=0),
    )
    p = plan(d, live_state(d, live_target("ops", *(live_member(u) for u in users("u", 5)))))
    assert p.summary.change == 5
    assert p.safe


def test_removals_add_up_across_rooms() -> None:
    d = desired_state(
        desired_target("a", want("keep@example.com", ADMIN), prune=True),
        desired_target("b", want("keep@example.com", ADMIN), prune=True),
        safety=replace(LENIENT, max_removals=3),
    )
    a = live_target("a", live_member("keep@example.com", ADMIN), *map(live_member, users("x", 2)))
    b = live_target("b", live_member("keep@example.com", ADMIN), *map(live_member, users("y", 2)))
    assert rules(plan(d, live_state(d, a, b))) == ["max_removals"]


def test_removal_fraction_at_the_limit_is_allowed() -> None:
    p = room_plan(keep=9, remove=3, safety=replace(LENIENT, max_removal_fraction=0.25))
    assert (p.targets[0].live_count, p.summary.remove) == (12, 3)
    assert p.safe


def test_removal_fraction_over_the_limit_is_refused_with_the_numbers() -> None:
    p = room_plan(
        keep=6,
        remove=4,
        safety=replace(LENIENT, max_removal_fraction=0.25),
        name="incident-response",
    )
    assert p.violations == (
        SafetyViolation(
            "max_removal_fraction",
            key("incident-response"),
            "[room incident-response] Too many removals: 40.00% is over 25.00% (4/10) "
            "(safety.max_removal_fraction)",
        ),
    )


def test_removal_fraction_counts_demotions() -> None:
    p = room_plan(keep=7, remove=2, demote=1, safety=replace(LENIENT, max_removal_fraction=0.25))
    assert p.violations[0].message == (
        "[room ops] Too many removals: 30.00% is over 25.00% "
        "(3/10, 1 of them a demotion from Administrator) (safety.max_removal_fraction)"
    )


def test_removal_fraction_is_not_checked_in_small_rooms() -> None:
    size = FRACTION_MIN_TARGET_SIZE - 1
    p = room_plan(keep=1, remove=size - 1, safety=replace(LENIENT, max_removal_fraction=0.1))
    assert p.targets[0].live_count == size
    assert p.safe


def test_removal_fraction_is_checked_from_the_minimum_room_size() -> None:
    size = FRACTION_MIN_TARGET_SIZE
    p = room_plan(keep=1, remove=size - 1, safety=replace(LENIENT, max_removal_fraction=0.1))
    assert p.targets[0].live_count == size
    assert rules(p) == ["max_removal_fraction"]


def test_removing_the_last_administrator_is_refused() -> None:
    d = desired_state(
        desired_target("room", want("bob@example.com"), prune=True),
        safety=replace(LENIENT, min_administrators=1),
    )
    live = live_state(
        d, live_target("room", live_member("bob@example.com"), live_member("al@example.com", ADMIN))
    )
    assert plan(d, live).violations == (
        SafetyViolation(
            "min_administrators",
            key("room"),
            "[room] Would leave 0 administrators (now 1), fewer than the minimum of 1 "
            "(safety.min_administrators)",
        ),
    )


def test_demoting_below_the_minimum_is_refused() -> None:
    d = desired_state(
        desired_target("room", want("a@example.com", ADMIN), want("b@example.com", MEMBER)),
        safety=replace(LENIENT, min_administrators=2),
    )
    live = live_state(
        d,
        live_target(
            "room", live_member("a@example.com", ADMIN), live_member("b@example.com", ADMIN)
        ),
    )
    assert [v.message for v in plan(d, live).violations] == [
        "[room] Would leave 1 administrator (now 2), fewer than the minimum of 2 "
        "(safety.min_administrators)"
    ]


def test_swapping_administrators_keeps_the_minimum() -> None:
    d = desired_state(
        desired_target("room", want("new@example.com", ADMIN), prune=True),
        safety=replace(LENIENT, min_administrators=1),
    )
    live = live_state(d, live_target("room", live_member("old@example.com", ADMIN)))
    p = plan(d, live)
    assert p.summary.total == 2
    assert p.safe


def test_room_already_below_the_minimum_is_not_refused_unless_it_loses_more() -> None:
    safety = replace(LENIENT, min_administrators=2)
    d = desired_state(
        desired_target("room", want("a@example.com", ADMIN), want("b@example.com")),
        safety=safety,
    )
    live = live_state(d, live_target("room", live_member("a@example.com", ADMIN)))
    assert plan(d, live).safe  # 1 administrator before and after: no worse

    d2 = desired_state(desired_target("room", want("a@example.com")), safety=safety)
    live2 = live_state(d2, live_target("room", live_member("a@example.com", ADMIN)))
    assert rules(plan(d2, live2)) == ["min_administrators"]


def test_minimum_of_zero_administrators_allows_removing_all() -> None:
    d = desired_state(desired_target("room", prune=True), safety=LENIENT)
    live = live_state(d, live_target("room", live_member("a@example.com", ADMIN)))
    assert plan(d, live).safe


def test_plan_wide_violation_comes_first_then_rooms_in_order() -> None:
    safety = Safety(max_removals=1, max_removal_fraction=0.25, min_administrators=1)
    zulu = [f"z{i}@example.com" for i in range(10)]
    d = desired_state(
        desired_target("zulu", want("keep@example.com", ADMIN), prune=True),
        desired_target("alpha", prune=True),
        safety=safety,
    )
    live = live_state(
        d,
        live_target("zulu", live_member("keep@example.com", ADMIN), *map(live_member, zulu)),
        live_target("alpha", live_member("boss@example.com", ADMIN)),
    )
    assert [(v.rule, v.target.name if v.target else None) for v in plan(d, live).violations] == [
        ("max_removals", None),
        ("min_administrators", "alpha"),
        ("max_removal_fraction", "zulu"),
    ]


def test_unsafe_plan_still_lists_every_change() -> None:
    p = room_plan(keep=1, remove=20, safety=Safety())
    assert p.summary.remove == 20
    assert rules(p) == ["max_removals", "max_removal_fraction"]
