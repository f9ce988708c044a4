"""Ends that take a target below its kind's minimum (``Kind.minimum_setting``: a room's
``min_administrators``): the plan made once they have ended is refused for that target
(``reconciler.safety``), so the warning before says so (QA-CJ Q-CJ-2).

Pure: the paths ending soon (``expiry.expiring``, ``expiry.protections_ending``), the
targets as of now and the plan made now in, each ending that leaves too few out."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import reconciler.kinds as kinds
from reconciler.desired.model import DesiredMember, DesiredTarget
from reconciler.governance.expiry import Expiring, until_of
from reconciler.governance.grant import Until
from reconciler.kinds.base import RoleConflict
from reconciler.plan import TargetPlan
from reconciler.refs import MemberRef
from reconciler.safety import elevated_after


def below_minimum(
    found: Sequence[Expiring], targets: Iterable[DesiredTarget], planned: Iterable[TargetPlan]
) -> tuple[Expiring, ...]:
    """``found`` with ``Expiring.refusal`` said for each ending after which its target
    would have fewer elevated members than its minimum: those the plan made now leaves
    (``TargetPlan.live_elevated`` and its changes), less those every ending by then
    removes or demotes. Said of the ends that take an elevated member away then (QA-FC
    Q-FC-1), not of a later end of a path that is not elevated."""
    by_key = {t.key: t for t in targets}
    said: dict[Expiring, str] = {}
    for tp in planned:
        t = by_key.get(tp.key)
        kind = tp.kind
        mine = [e for e in found if e.target == tp.key]
        if t is None or not mine or tp.minimum is None or tp.live_elevated is None:
            continue
        now = elevated_after(tp, tp.live_elevated)
        before: set[MemberRef] = set()  # the elevated members gone by the previous end
        for until in sorted({e.until for e in mine}):
            gone = {m.ref for m in t.members if _loses(kind, t.prune, m, until)}
            gone |= {  # protections ending by then, of members kept elevated
                e.member
                for e in mine
                if e.protection and kind.is_elevated(e.role) and e.until <= until
            }
            taken, before = gone - before, gone
            after = now - len(gone)
            if not taken or after >= tp.minimum or after >= now:
                continue
            one, many = kind.words.elevated
            setting = str(kind.minimum_setting)
            where = (
                f"{kind.section}.{t.key.name}.safety.{setting}"
                if setting in dict(t.safety)
                else f"safety.{setting}"
            )
            refusal = (
                f"its end leaves {after} {one if after == 1 else many}, fewer than the "
                f"minimum of {tp.minimum} ({where}): the plan is then refused"
            )
            said.update((e, refusal) for e in mine if e.until == until and e.member in taken)
    if not said:
        return tuple(found)
    return tuple(dataclasses.replace(e, refusal=said.get(e, "")) for e in found)


def _loses(kind: kinds.Kind, prunes: bool, m: DesiredMember, until: Until) -> bool:
    """Whether ``m``, elevated now, is not once its paths ending by ``until`` have ended:
    removed (where the target prunes) or demoted by the paths left."""
    if not kind.is_elevated(m.role):
        return False
    after = [p.role for p in m.provenance if (u := until_of(p)) is None or u > until]
    if not after:
        return prunes
    try:
        return not kind.is_elevated(kind.combine(after))
    except RoleConflict:
        return False
