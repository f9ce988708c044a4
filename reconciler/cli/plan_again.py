"""A plan's targets planned again before it is applied, and compared with it: the one
check of a plan made earlier, for a saved plan (``apply FILE``: ``saved_plan``) and for
the plan an interactive apply asked about (``confirm_live``: the question may wait any
length of time). The same planner, protected members and safety rules as ``plan
--target`` of those targets; ``plancheck.compare`` says what differs."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from reconciler.cli.pipeline import Session
from reconciler.plan import Plan
from reconciler.plancheck import Comparison, compare
from reconciler.refs import TargetKey
from reconciler.safety import check


@dataclass(frozen=True)
class PlannedAgain:
    fresh: Plan  # the targets planned again as planned now, the others as the plan had them
    comparison: Comparison

    @property
    def moved_on(self) -> list[str]:
        """Why the live state no longer makes the plan (empty: it does): a target changed,
        gone or another id now; or, failing that, the plan made now has errors (a member
        or a room gone since: the plan cannot be checked)."""
        if self.comparison.stale:
            return list(self.comparison.stale)
        if self.fresh.errors:
            return [f"a plan made now has errors: {'; '.join(self.fresh.errors)}"]
        return []


def plan_again(
    session: Session,
    plan: Plan,
    keys: Collection[TargetKey],
    declared: Mapping[TargetKey, str | None],
    label: str,
    called: str = "the saved plan",
) -> PlannedAgain:
    """Plan the targets ``keys`` of ``plan`` again now (the live state read again; the
    other targets are kept as ``plan`` has them, shown as unchanged: nothing is applied
    to them) and compare ``plan`` with it on every target it changes and on ``keys``.
    ``declared``: the desired state's targets and the ids they are declared with
    (``compare``). ``label``: the progress bar's; ``called``: what the messages call
    ``plan``."""
    # by their keys, never by name: a name a room, a channel and a meeting share selects
    # all three, and is refused as a --target (QA-HJ Q-HJ-1)
    fresh = session.plan(label=label, keys=keys)
    targets = tuple(
        sorted(
            [t for t in fresh.targets if t.key in keys]
            + [t for t in plan.targets if t.key not in keys],
            key=lambda t: t.key,
        )
    )
    overrides = {t.key: t.safety for t in session.desired.targets if t.safety}
    fresh = dataclasses.replace(
        fresh, targets=targets, violations=check(targets, session.desired.safety, overrides)
    )
    return PlannedAgain(fresh, compare(plan, fresh, declared, also=keys, called=called))
