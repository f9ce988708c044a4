"""What a later round of ``apply --watch`` says when its plan has errors or breaks the
safety rules (without --allow-unsafe): the watch stops there, exit 1, and says so first,
as it does for files that no longer load, with what lets it go on (Q-GI-7)."""

from __future__ import annotations

from reconciler.plan import Plan
from reconciler.prose import counted
from reconciler.render.limits import limits_source, override, refused_by

STOPPED = "the watch stopped (nothing more is applied)"


def refusal_lines(plan: Plan, number: int, allow_unsafe: bool = False) -> list[str]:
    """The lines (each to be stamped): why round ``number`` stops the watch, then the
    plan's errors and the safety rules it breaks, each as plan and apply say it (QA-GT
    Q-GT-5: a round with both said only "has 1 error", and its refusals were bare). With
    ``allow_unsafe`` the rules refuse nothing: the round stops for its errors alone, and
    each rule is a warning, as apply --allow-unsafe says it (QA-GZ Q-GZ-3)."""
    refused = ""
    if plan.violations and not allow_unsafe:
        refused = f"{refused_by(len(plan.violations))} ({limits_source(plan.violations)})"
    if plan.errors:
        why = f"round {number}'s plan has {counted(len(plan.errors), 'error')}"
        why += f" and {refused}" if refused else ""
    else:
        why = f"round {number}'s plan {refused}: {override()}"
    lines = [f"Error: {why}; {STOPPED}:"]
    lines.extend(f"Error: {line}" for line in plan.errors)
    broken = "Warning: unsafe plan" if allow_unsafe else "Error: refusing this plan"
    lines.extend(f"{broken}: {v}" for v in plan.violations)
    return lines
