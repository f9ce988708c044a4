"""The declared targets a plan refuses as a whole, and why, as the plan says it: one rule
for ``explain`` and ``audit`` (QA-FO Q-FO-3). A target read from Chime that the plan did
not plan is refused by the planner (over its maximum: ``planner.over_maximum``; declared
twice: ``declared_once``), its reason the plan's error at the target's declaration; one the
provider refused (``LiveState.unplanned``: a channel declaring a ``bot:NAME`` two bots
share) has the provider's reason. A target not read is none of these: why it was not read
is its own (a meeting that has ended, a room Chime does not have)."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.desired.model import DesiredTarget
from reconciler.live import LiveState
from reconciler.plan import Plan
from reconciler.refs import TargetKey

# a target the plan left out with no error at its line (never expected: said anyway)
UNSAID = "the plan refuses this target (see `plan`)"


def refused_targets(
    targets: Iterable[DesiredTarget], live: LiveState, plan: Plan
) -> dict[TargetKey, str]:
    """Each of ``targets`` that ``plan`` (made from ``live``) refuses as a whole, with the
    plan's reason."""
    planned = {t.key for t in plan.targets}
    out: dict[TargetKey, str] = {}
    for t in targets:
        if t.key in planned:
            continue
        unplanned = live.unplanned.get(t.key)
        if unplanned is not None:
            out[t.key] = unplanned.why
        elif t.key in live.targets:
            out[t.key] = error_at(t.location, plan.errors) or UNSAID
    return out


def error_at(location: object, errors: Iterable[str]) -> str:
    """The plan's error located at ``location`` (a target's declaration), without the
    location, or ""."""
    at = f"{location}: "
    return next((e[len(at) :] for e in errors if e.startswith(at)), "")
