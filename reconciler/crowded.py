"""Targets a plan leaves over their maximum with members no file declares (Q-S-1).

The planner refuses a target whose declared members, with the ones it keeps though no
file declares them (protected ones where it prunes, a channel's bearer), exceed its
maximum (``planner.over_maximum``). Members no file declares in a target that does not
prune, protected or not, are not counted there: they are someone else's and may leave
by apply time. When they are still there, the plan's adds over the maximum are refused by
AWS (the kind's ``full_error``) on this apply and on every later one until someone leaves,
the target prunes, or fewer are declared: ``crowded`` says so, as a warning, from the
plan's own numbers (the live count, the changes, the target's maximum: the kind's, or its own, a
meeting's MaxCount).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reconciler import kinds
from reconciler.plan import Action, Plan, TargetPlan
from reconciler.prose import counted
from reconciler.refs import TargetKey


@dataclass(frozen=True)
class Crowded:
    """One target that the plan's adds would take over its maximum."""

    target: TargetKey
    target_id: str
    maximum: int
    own_maximum: bool  # the target's own (a meeting's MaxCount), not the kind's
    after: int  # members after the apply, if AWS took every add
    undeclared: int  # of those, members no file declares that the plan keeps
    prunable: int  # of those, members ``prune: true`` would remove
    adds: int  # the plan's adds to it
    refused: int  # of them, those AWS refuses (over the maximum)

    def message(self) -> str:
        """``meeting 'm1' (id ...) would have 3 attendees after this apply, ...``."""
        kind = kinds.get(self.target.kind)
        words = kind.words
        whose = f"the {words.noun}'s own" if self.own_maximum else "AWS's"
        members = words.members
        fix = "declare fewer, or remove some of them in Chime"
        if self.prunable:
            fix = f"let it prune (`prune: true`), {fix}"
        return (
            f"{words.noun} {self.target.name!r} (id {self.target_id}) would have "
            f"{self.after:,} {members} after this apply, more than {whose} maximum of "
            f"{self.maximum:,}: {self.undeclared:,} of them no file declares and the plan "
            f"keeps; AWS will refuse {self.refused:,} of the plan's {self.adds:,} "
            f"add{'' if self.adds == 1 else 's'} to it{kind.full_error_note} on this "
            "apply and "
            f"every later one while they stay. To converge: {fix}."
        )


def crowded_target(tp: TargetPlan) -> Crowded | None:
    """``tp``'s warning, or None when its adds fit (or it has no maximum or no adds)."""
    most = tp.maximum
    adds = sum(c.action is Action.CREATE for c in tp.changes)
    if most is None or not adds:
        return None
    removes = sum(c.action is Action.DELETE for c in tp.changes)
    after = tp.live_count + adds - removes  # removals go first: they make room
    if after <= most:
        return None
    guarded = set(tp.unmanaged_protected)
    return Crowded(
        target=tp.key,
        target_id=tp.target_id,
        maximum=most,
        own_maximum=tp.max_members is not None,
        after=after,
        undeclared=len(tp.unmanaged) + len(tp.protected),
        prunable=sum(m.ref not in guarded for m in tp.drift),
        adds=adds,
        refused=min(adds, after - most),
    )


def crowded(plan: Plan | Iterable[TargetPlan]) -> tuple[Crowded, ...]:
    """Every target of ``plan`` whose adds AWS will refuse for its maximum, in its order."""
    targets = plan.targets if isinstance(plan, Plan) else plan
    return tuple(c for c in map(crowded_target, targets) if c is not None)


def crowded_lines(plan: Plan) -> list[str]:
    """``1 target is full: AWS will refuse adds to it:`` then one line each; [] when none."""
    found = crowded(plan)
    if not found:
        return []
    n = len(found)
    head = (
        f"{counted(n, 'target')} {'is' if n == 1 else 'are'} full of members no file declares: "
        "apply will fail for the adds over the maximum, and running it again will not help:"
    )
    return [head, *(c.message() for c in found)]
