"""Full targets whose swap apply cannot make (Q-AT-2): a plan that adds members to a
target with no place for them, where the place only the removal of the last elevated
member that stays (a meeting's only presenter) would make.

The applier makes places for the creates first (``reconciler.apply_places``): it removes
the members without an elevated role, then elevated ones only while the target keeps its
floor of them. A place that only a removal under the floor would make is not made before
the creates: AWS refuses the adds over the maximum (LimitExceeded), the elevated member
is kept (an elevated add failed first), and every later apply fails the same way.
``full_swap`` finds these from the plan's own numbers, running that same rule as if
every call succeeded, for the kinds whose floor the plan itself fixes
(``Kind.apply_minimum``: a kind with a minimum setting has it in settings.yaml, which a
plan does not carry). A target over its maximum even after every removal is
``reconciler.crowded``'s, not this.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reconciler import kinds
from reconciler.apply_places import Indexed, floor, making_room
from reconciler.plan import Action, Plan, TargetPlan
from reconciler.refs import MemberRef, TargetKey

NAMED = 3  # members named in a message; the rest are counted


@dataclass(frozen=True)
class FullSwap:
    """One target whose adds apply cannot make a place for before they go out."""

    target: TargetKey
    target_id: str
    maximum: int
    own_maximum: bool  # the target's own (a meeting's MaxCount), not the kind's
    live_count: int  # members before the apply
    floor: int  # the elevated members apply keeps while it changes the target
    adds: tuple[MemberRef, ...]  # the plan's adds to it
    refused: int  # of them, those AWS refuses (no place)
    kept: tuple[MemberRef, ...]  # the elevated members apply would remove only after them

    def message(self) -> str:
        """``meeting 'bridge' (id ...) is full (1 attendee, ...): ... To converge: ...``."""
        words = kinds.get(self.target.kind).words
        one = words.elevated[0]
        whose = f"the {words.noun}'s own" if self.own_maximum else "AWS's"
        adds = _names(self.adds)
        if self.refused < len(self.adds):
            adds = f"{self.refused:,} of its {len(self.adds):,} adds ({adds})"
        kept = _names(self.kept)
        held = _count(self.floor, words.elevated)
        return (
            f"{words.noun} {self.target.name!r} (id {self.target_id}) is full "
            f"({_count(self.live_count, words.member)}, {whose} maximum of "
            f"{self.maximum:,}) and the plan swaps its last {one} that stays: apply keeps "
            f"{held} while it changes the {words.noun}, so it removes "
            f"{kept} only after the adds, and AWS will refuse {adds} (LimitExceeded), "
            f"{kept} kept, on this apply and every later one. To converge: make a place "
            f"first (apply with {_count(self.refused, words.member)} fewer), or keep "
            f"another {words.member[0]} {_article(one)} {one} meanwhile."
        )


def _count(n: int, noun: tuple[str, str]) -> str:
    return f"{n:,} {noun[0] if n == 1 else noun[1]}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _names(members: Sequence[MemberRef]) -> str:
    names = [str(m) for m in members[:NAMED]]
    if len(members) > NAMED:
        names.append(f"{len(members) - NAMED:,} more")
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def full_swap_target(tp: TargetPlan) -> FullSwap | None:
    """``tp``'s warning, or None when apply makes a place for each of its adds first (or
    the target has no maximum, no adds, no known elevated count, or a floor the plan does
    not fix)."""
    kind = tp.kind
    most = tp.maximum
    creates = [c for c in tp.changes if c.action is Action.CREATE]
    if most is None or not creates or kind.minimum_setting is not None:
        return None
    indexed = list(enumerate(tp.changes))
    deletes: list[Indexed] = [(i, c) for i, c in indexed if c.action is Action.DELETE]
    if tp.live_count + len(creates) - len(deletes) > most:
        return None  # over the maximum whatever the order: ``crowded``'s warning
    first = {i for i, c in deletes if not kind.is_elevated(c.role_before)}  # step 0
    promoted = sum(  # step 1: role changes in place that are no demotion
        kind.is_elevated(c.role_after)
        for c in tp.changes
        if c.action is Action.UPDATE and not c.is_demotion and kind.updates_in_place(c.member_kind)
    )
    early = making_room(
        tp,
        deletes,
        len(creates),
        freed=len(first),
        promoted=promoted,
        made=first,
        minimum=kind.apply_minimum,
    )
    short = tp.live_count - len(first) - len(early) + len(creates) - most
    if short <= 0 or tp.live_elevated is None:
        return None
    made = first | {i for i, _ in early}
    before = tp.live_elevated

    return FullSwap(
        target=tp.key,
        target_id=tp.target_id,
        maximum=most,
        own_maximum=tp.max_members is not None,
        live_count=tp.live_count,
        floor=floor(tp, before, kind.apply_minimum),
        adds=tuple(c.member for c in creates),
        refused=min(len(creates), short),
        kept=tuple(c.member for i, c in deletes if i not in made),
    )


def full_swaps(plan: Plan | Iterable[TargetPlan]) -> tuple[FullSwap, ...]:
    """Every target of ``plan`` whose adds apply cannot make a place for, in its order."""
    targets = plan.targets if isinstance(plan, Plan) else plan
    return tuple(s for s in map(full_swap_target, targets) if s is not None)


def full_swap_lines(plan: Plan) -> list[str]:
    """``1 target is full and ...:`` then one line each; [] when none."""
    found = full_swaps(plan)
    if not found:
        return []
    n = len(found)
    head = (
        f"{n} target{' is' if n == 1 else 's are'} full and apply cannot make a place for "
        "the adds first: it will fail for them, and running it again will not help:"
    )
    return [head, *(s.message() for s in found)]
