"""Two bots of one name in one target (a room lists a bot by its name only, and AWS's bot
names are not unique): the plan names each by its id as well, ``bot:Pager (id b1)``, as
audit names them (QA-LD Q-LD-9) and as the JSON plan's ``member_id`` tells them apart;
before, a plan listed ``- bot:Pager (Member)`` twice (QA-GH Q-GH-2). A channel lists such a
twin by its ARN already (``reconciler.channel_refs``): its lines differ as they are.
Apply's lines take the plan's twins (``plan_twins``: a twin whose namesake the plan leaves
unmanaged or keeps protected is one too, QA-LE Q-LE-9), not only those its changes name."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from reconciler.live import LiveMember
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.refs import MemberKind, MemberRef, TargetKey


def twin_bots(t: TargetPlan) -> frozenset[MemberRef]:
    """The bots ``t``'s lines name more than once, under different ids: its live members
    the plan changes or removes, leaves unmanaged or keeps protected."""
    live = [(c.member, c.member_id) for c in t.changes if c.action is not Action.CREATE]
    live += [(m.ref, m.member_id) for m in (*t.unmanaged, *t.protected)]
    return frozenset(ref for _, ref in _shared((t.key, ref, i) for ref, i in live))


Twins = frozenset[tuple[TargetKey, MemberRef]]  # the twin bots of each target


def changed_twins(changes: Iterable[Change]) -> Twins:
    """The bots that two changes of one target (an apply's result lines: QA reread-32)
    name under different ids."""
    return _shared(
        (c.target, c.member, c.member_id) for c in changes if c.action is not Action.CREATE
    )


def plan_twins(plan: Plan) -> Twins:
    """``twin_bots`` of every target of ``plan``."""
    return frozenset((t.key, ref) for t in plan.targets for ref in twin_bots(t))


def of_change(twins: Twins, c: Change) -> frozenset[MemberRef]:
    """What ``change_line`` takes: ``c``'s member when it is one of its target's twins."""
    return frozenset({c.member}) if (c.target, c.member) in twins else frozenset()


def _shared(live: Iterable[tuple[TargetKey, MemberRef, str]]) -> Twins:
    ids: dict[tuple[TargetKey, MemberRef], set[str]] = defaultdict(set)
    for target, ref, member_id in live:
        ids[(target, ref)].add(member_id)
    return frozenset(key for key, found in ids.items() if _twinned(key[1], found))


def twin_ids(members: Iterable[LiveMember], ref: MemberRef) -> list[str]:
    """The ids, sorted, of the bots named ``ref`` among one target's ``members`` when they
    are twins (explain's one section each, as the plan's lines name them); else []."""
    ids = sorted({m.member_id for m in members if m.ref == ref})
    return ids if _twinned(ref, ids) else []


def _twinned(ref: MemberRef, ids: Collection[str]) -> bool:
    """The rule: bots (a room lists them by name only) of one name under more than one
    id, in one target."""
    return ref.kind is MemberKind.BOT and len(ids) > 1


def named(ref: MemberRef, member_id: str, twins: frozenset[MemberRef]) -> str:
    """``bot:Pager (id b1)`` for one of ``twins``; else the member as written."""
    return with_id(ref, member_id) if ref in twins else str(ref)


def with_id(ref: MemberRef, member_id: str) -> str:
    """``bot:Pager (id b1)``: one of two bots of one name, as every line names it (plan,
    apply, explain, the expired entries kept)."""
    return f"{ref} (id {member_id})"
