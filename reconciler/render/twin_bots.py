"""Two bots of one name in one target (a room lists a bot by its name only, and AWS's bot
names are not unique): the plan names each by its id as well, ``bot:Pager (id b1)``, as
audit names them (QA-LD Q-LD-9) and as the JSON plan's ``member_id`` tells them apart;
before, a plan listed ``- bot:Pager (Member)`` twice (QA-GH Q-GH-2). A channel lists such a
twin by its ARN already (``reconciler.channel_refs``): its lines differ as they are."""

from __future__ import annotations

from collections import defaultdict

from reconciler.plan import Action, TargetPlan
from reconciler.refs import MemberKind, MemberRef


def twin_bots(t: TargetPlan) -> frozenset[MemberRef]:
    """The bots ``t``'s lines name more than once, under different ids: its live members
    the plan changes or removes, leaves unmanaged or keeps protected."""
    ids: dict[MemberRef, set[str]] = defaultdict(set)
    live = [(c.member, c.member_id) for c in t.changes if c.action is not Action.CREATE]
    live += [(m.ref, m.member_id) for m in (*t.unmanaged, *t.protected)]
    for ref, member_id in live:
        if ref.kind is MemberKind.BOT:
            ids[ref].add(member_id)
    return frozenset(ref for ref, found in ids.items() if len(found) > 1)


def named(ref: MemberRef, member_id: str, twins: frozenset[MemberRef]) -> str:
    """``bot:Pager (id b1)`` for one of ``twins``; else the member as written."""
    return f"{ref} (id {member_id})" if ref in twins else str(ref)
