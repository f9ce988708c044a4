"""Safety rules, evaluated on every plan (octoDNS style: typed numbers in every message).

A plan that breaks a rule is still rendered in full; the CLI then refuses it unless
``--allow-unsafe`` is given. The thresholds come from ``safety:`` in settings.yaml.

- ``max_removals``: removals (deletes plus demotions from Administrator) across the whole
  plan may not exceed the limit.
- ``max_removal_fraction``: in a target with at least ``FRACTION_MIN_TARGET_SIZE`` live
  members, removals may not exceed this share of its live members.
- ``min_administrators``: a target may not be left with fewer administrators than the
  minimum, unless it already had fewer and the plan does not lower the count further.
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.desired.model import FRACTION_MIN_TARGET_SIZE, Safety
from reconciler.plan import Action, SafetyViolation, TargetPlan
from reconciler.refs import Role

RULE_MAX_REMOVALS = "max_removals"
RULE_MAX_REMOVAL_FRACTION = "max_removal_fraction"
RULE_MIN_ADMINISTRATORS = "min_administrators"


def check(targets: Iterable[TargetPlan], safety: Safety) -> tuple[SafetyViolation, ...]:
    """Every rule the planned ``targets`` break, plan-wide rules first, then per target in
    the order given. Each target's administrators before the plan come from
    ``TargetPlan.live_administrators``."""
    targets = tuple(targets)
    violations: list[SafetyViolation] = []

    removals = sum(removal_count(t) for t in targets)
    if removals > safety.max_removals:
        demotions = sum(demotion_count(t) for t in targets)
        violations.append(
            SafetyViolation(
                RULE_MAX_REMOVALS,
                None,
                f"Too many removals: {removals}{_paren(_demotions(demotions))} is over the "
                f"limit of {safety.max_removals} (safety.{RULE_MAX_REMOVALS})",
            )
        )

    for t in targets:
        n = removal_count(t)
        fraction = n / t.live_count if t.live_count else 0.0
        if t.live_count >= FRACTION_MIN_TARGET_SIZE and fraction > safety.max_removal_fraction:
            violations.append(
                SafetyViolation(
                    RULE_MAX_REMOVAL_FRACTION,
                    t.key,
                    f"[{t.key}] Too many removals: {fraction:.2%} is over "
                    f"{safety.max_removal_fraction:.2%} ({n}/{t.live_count}"
                    f"{_comma(_demotions(demotion_count(t)))}) "
                    f"(safety.{RULE_MAX_REMOVAL_FRACTION})",
                )
            )
        before = t.live_administrators or 0
        after = administrators_after(t, before)
        if after < safety.min_administrators and after < before:
            violations.append(
                SafetyViolation(
                    RULE_MIN_ADMINISTRATORS,
                    t.key,
                    f"[{t.key}] Would leave {after} {_administrators(after)} (now {before}), "
                    f"fewer than the minimum of {safety.min_administrators} "
                    f"(safety.{RULE_MIN_ADMINISTRATORS})",
                )
            )
    return tuple(violations)


def removal_count(target: TargetPlan) -> int:
    """Deletes plus demotions from Administrator."""
    return sum(c.is_removal for c in target.changes)


def demotion_count(target: TargetPlan) -> int:
    """Demotions from Administrator: removals that are not deletes."""
    return sum(c.is_removal and c.action is not Action.DELETE for c in target.changes)


def _demotions(demotions: int) -> str:
    """``2 of them demotions from Administrator``: why a count of removals can be higher
    than the plan's "to remove"."""
    if not demotions:
        return ""
    what = "a demotion" if demotions == 1 else "demotions"
    return f"{demotions} of them {what} from Administrator"


def _paren(text: str) -> str:
    return f" ({text})" if text else ""


def _comma(text: str) -> str:
    return f", {text}" if text else ""


def administrators_after(target: TargetPlan, before: int) -> int:
    """Administrators in the target once its changes are applied."""
    after = before
    for c in target.changes:
        was = c.role_before is Role.ADMINISTRATOR and c.action is not Action.CREATE
        will = c.role_after is Role.ADMINISTRATOR and c.action is not Action.DELETE
        after += int(will) - int(was)
    return after


def _administrators(n: int) -> str:
    return "administrator" if n == 1 else "administrators"
