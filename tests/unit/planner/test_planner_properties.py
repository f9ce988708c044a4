"""Properties of the planner over small random desired and live states (hypothesis)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import replace
from typing import TypeVar

from hypothesis import event, given, settings
from hypothesis import strategies as st
from planner_strategies import World, worlds

from reconciler.desired.model import DesiredState
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.plan import Action, Plan
from reconciler.planner import plan
from reconciler.refs import MemberKind

settings.register_profile("planner", max_examples=120, deadline=None)
PROFILE = settings.get_profile("planner")
T = TypeVar("T")


def simulate(live: LiveState, p: Plan) -> LiveState:
    """What Chime holds after every change of ``p`` succeeded: a tiny pure applier."""
    targets = dict(live.targets)
    for tp in p.targets:
        members = {m.member_id: m for m in targets[tp.key].members}
        for c in tp.changes:
            if c.action is Action.CREATE:
                assert c.member_id not in members, f"creates a present member: {c}"
                assert c.role_after is not None
                members[c.member_id] = LiveMember(
                    c.member, c.member_id, c.member_kind, c.role_after
                )
            elif c.action is Action.UPDATE:
                assert c.role_after is not None
                members[c.member_id] = replace(members[c.member_id], role=c.role_after)
            else:
                del members[c.member_id]
        old = targets[tp.key]
        targets[tp.key] = LiveTarget(old.key, old.target_id, tuple(sorted(members.values())))
    return LiveState(targets, live.member_ids, live.problems)


@PROFILE
@given(worlds())
def test_planning_again_after_applying_the_plan_yields_no_changes(w: World) -> None:
    first = plan(w.desired, w.live)
    # what the examples exercise (pytest --hypothesis-show-statistics)
    for c in first.changes:
        event(f"{c.member_kind.value} {c.action.value}")
    for tp in first.targets:
        if tp.protected:
            event("protected member left unchanged")
        if any(m.kind is MemberKind.WEBHOOK for m in tp.unmanaged):
            event("webhook left unmanaged")
    second = plan(w.desired, simulate(w.live, first))
    assert second.changes == ()


@PROFILE
@given(worlds(prune=True, protect=False))
def test_applying_a_pruning_plan_makes_live_match_desired_exactly(w: World) -> None:
    after = simulate(w.live, plan(w.desired, w.live))
    for dt in w.desired.targets:
        if dt.key not in after.targets:
            continue
        before = {m.ref for m in w.live.targets[dt.key].members}
        reachable = [m for m in dt.members if m.ref in w.live.member_ids or m.ref in before]
        members = [m for m in after.targets[dt.key].members if m.kind is not MemberKind.WEBHOOK]
        assert sorted((m.ref, m.role) for m in members) == [(m.ref, m.role) for m in reachable]


@PROFILE
@given(worlds(prune=False))
def test_prune_off_never_plans_a_delete(w: World) -> None:
    assert all(c.action is not Action.DELETE for c in plan(w.desired, w.live).changes)


@PROFILE
@given(worlds())
def test_webhooks_are_never_touched(w: World) -> None:
    p = plan(w.desired, w.live)
    assert all(c.member_kind is not MemberKind.WEBHOOK for c in p.changes)
    for tp in p.targets:
        hooks = {m for m in w.live.targets[tp.key].members if m.kind is MemberKind.WEBHOOK}
        assert hooks <= set(tp.unmanaged)


@PROFILE
@given(worlds())
def test_protected_members_are_never_removed_or_demoted(w: World) -> None:
    p = plan(w.desired, w.live)
    assert not [c for c in p.changes if c.is_removal and c.member in w.desired.protected]


@PROFILE
@given(worlds(), st.randoms(use_true_random=False))
def test_plan_is_the_same_whatever_the_input_order(w: World, rnd: random.Random) -> None:
    assert plan(w.desired, w.live) == plan(*shuffled(w, rnd))


def shuffled(w: World, rnd: random.Random) -> tuple[DesiredState, LiveState]:
    def mix(items: Iterable[T]) -> list[T]:
        out = list(items)
        rnd.shuffle(out)
        return out

    targets = [replace(t, members=tuple(mix(t.members))) for t in w.desired.targets]
    desired = replace(w.desired, targets=tuple(mix(targets)))
    live_targets = [replace(t, members=tuple(mix(t.members))) for t in w.live.targets.values()]
    live = LiveState(
        {t.key: t for t in mix(live_targets)},
        dict(mix(w.live.member_ids.items())),
        w.live.problems,
    )
    return desired, live
