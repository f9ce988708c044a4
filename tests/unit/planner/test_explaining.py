"""The explain join with plain values: what the plan does for one member, per target."""

from __future__ import annotations

import datetime as dt

from planner_builders import (
    ADMIN,
    MEMBER,
    desired_state,
    desired_target,
    live_member,
    live_state,
    live_target,
    ref,
    want,
)

from reconciler.governance.explain import Outcome
from reconciler.governance.explaining import explain, member_refs
from reconciler.planner import plan

NOW = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)


def outcomes(member: str, d, live, targets=None):  # type: ignore[no-untyped-def]
    p = plan(d, live, targets=targets, now=NOW)
    e = explain(member, member_refs(member), d, live, p, NOW, targets=targets)
    return [(t.name, t.outcome, t.note) for t in e.targets]


def test_a_protected_member_that_would_be_demoted_is_kept() -> None:
    d = desired_state(
        desired_target("ops", want("bob@example.com", MEMBER), prune=True),
        protected=["bob@example.com"],
    )
    live = live_state(d, live_target("ops", live_member("bob@example.com", ADMIN)))
    assert outcomes("bob@example.com", d, live) == [
        (
            "ops",
            Outcome.PROTECTED,
            "kept: protected (settings.yaml `protected:`, or an app instance's bearer)",
        )
    ]


def test_a_target_not_read_and_a_named_target_without_the_member() -> None:
    d = desired_state(
        desired_target("ops", want("bob@example.com")),
        desired_target("web"),
    )
    live = live_state(d, live_target("web"))  # ops could not be read
    assert outcomes("bob@example.com", d, live) == [
        (
            "ops",
            Outcome.NOT_READ,
            # the plan's own error at the target's line (Q-EE-4)
            "live state not read: room 'ops' was not read from Chime; it is left out of this plan",
        ),
    ]
    assert outcomes("bob@example.com", d, live, targets=["web"]) == [
        ("web", Outcome.ABSENT, "not declared, not live"),
    ]


def test_a_target_read_but_declared_twice_is_not_planned_and_says_why() -> None:
    # what a provider without a check of its own reads: both declarations, as one room
    d = desired_state(
        desired_target("ops", want("bob@example.com"), line=2),
        desired_target("copy", line=5),
        desired_target("web", want("bob@example.com"), line=8),
    )
    live = live_state(
        d,
        live_target("ops", live_member("bob@example.com"), id="room-1"),
        live_target("copy", live_member("bob@example.com"), id="room-1"),
        live_target("web", live_member("bob@example.com")),
    )
    twice = "room room-1 is declared more than once (also as {} at desired-state/rooms.yaml:{})"
    assert outcomes("bob@example.com", d, live) == [
        (
            "copy",
            Outcome.NOT_PLANNED,
            f"not planned: {twice.format('ops', 2)}; declare it once",
        ),
        (
            "ops",
            Outcome.NOT_PLANNED,
            f"not planned: {twice.format('copy', 5)}; declare it once",
        ),
        ("web", Outcome.IN_SYNC, "in sync: no change"),
    ]


def test_member_refs_reads_the_member_as_each_kind_does() -> None:
    assert member_refs("Alice@Example.com")["room"] == ref("alice@example.com")
