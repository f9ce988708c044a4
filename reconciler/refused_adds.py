"""The plan's warning that AWS will refuse a member's add (QA-FO Q-FO-4): the plan adds it,
but its target is full (``crowded``: members no file declares that the plan keeps take the
places; ``full_swap``: the place only a removal after the adds would make), and AWS refuses
the adds over the maximum on this apply, and on every later one while that lasts. One rule
for ``explain`` and ``audit``, from the plan's own warnings, so that neither says the plan
adds a member where the plan itself says AWS will refuse it."""

from __future__ import annotations

from reconciler.crowded import crowded_target
from reconciler.full_swap import full_swap_target
from reconciler.plan import TargetPlan
from reconciler.refs import MemberRef


def refused_add(tp: TargetPlan, member: MemberRef) -> str:
    """``AWS will refuse it: WARNING`` where the plan warns that AWS will refuse the add of
    ``member`` to ``tp``'s target (a full swap's refused adds name it; a crowded target's
    adds over the maximum are counted: ``AWS will refuse 1 of the plan's 2 adds there``
    when some are taken), else ""."""
    swap = full_swap_target(tp)
    if swap is not None:
        refused = swap.refused_adds or swap.adds
        return f"AWS will refuse it: {swap.message()}" if member in refused else ""
    crowd = crowded_target(tp)
    if crowd is None:
        return ""
    which = (
        "it"
        if crowd.refused >= crowd.adds
        else (f"{crowd.refused:,} of the plan's {crowd.adds:,} adds there")
    )
    return f"AWS will refuse {which}: {crowd.message()}"
