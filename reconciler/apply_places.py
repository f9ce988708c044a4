"""Which removals of elevated members the applier makes before a target's creates, to
free places for them in a full target (step 1 of ``reconciler.applier``). Pure: the
applier calls it with what it has done so far; ``reconciler.full_swap`` with what a plan
would do if every call succeeded, to warn of the adds this rule leaves without a place.

Where the creates would not fit in the target (``TargetPlan.maximum``, counted from the
plan's live count and the removals made so far), the removals of elevated members go
first, in plan order, as many as the creates need places, each only while the target
keeps at least its floor of elevated members without it (counting no create: one may
fail). The floor: the kind's minimum (``min_administrators``; a meeting's
``Kind.apply_minimum``), or fewer when the target has fewer before or after the plan.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from reconciler.plan import Change, TargetPlan
from reconciler.safety import elevated_after

Indexed = tuple[int, Change]  # a change and its place in ``TargetPlan.changes``


def floor(tp: TargetPlan, before: int, minimum: int | None) -> int:
    """The fewest elevated members ``tp`` may have while it is changed, ``before`` the
    plan: ``minimum``, or fewer when the target has fewer before or after it."""
    least = min(before, elevated_after(tp, before))
    return least if minimum is None else min(least, minimum)


def making_room(
    tp: TargetPlan,
    deletes: Sequence[Indexed],
    creates: int,
    *,
    freed: int,
    promoted: int,
    made: Collection[int],
    minimum: int | None,
) -> list[Indexed]:
    """The removals of elevated members (of ``deletes``, those not ``made`` yet) to make
    before ``creates`` new members, once ``freed`` removals are done and ``promoted``
    members gained an elevated role in place; [] when the creates fit, or the target has
    no maximum or no known elevated count."""
    most = tp.maximum
    before = tp.live_elevated
    if most is None or not creates or before is None:  # unknown: none early
        return []
    short = tp.live_count - freed + creates - most
    keeps = before + promoted
    least = floor(tp, before, minimum)
    chosen: list[Indexed] = []
    for i, c in deletes:
        if len(chosen) >= short or keeps - 1 < least:
            break
        if i not in made and tp.kind.is_elevated(c.role_before):
            chosen.append((i, c))
            keeps -= 1
    return chosen
