"""What audit adds to a row whose change the plan refuses (QA-CJ Q-CJ-2): the planner
takes the member's elevated role in a target (``AuditRow.changed``: removed or demoted,
in a kind with a minimum of them, a room's administrators), but a safety rule refuses
the plan with it (``safety.refusing``: a room's ``min_administrators``, say), so apply
makes none. Pure: the CLI reads those targets in full and plans them (``to_plan``: by
the ids audit found them by, so that a target declared by name costs no second listing of
its scope, ListRooms); this says it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reconciler.audit import Audit, AuditRow
from reconciler.desired.model import DesiredState
from reconciler.plan import SafetyViolation
from reconciler.refs import TargetKey
from reconciler.safety import refusing


def changed_targets(audits: Iterable[Audit]) -> set[TargetKey]:
    """The declared targets where the plan takes some row's member's elevated role: the
    ones to read in full and plan, to ask the safety rules."""
    return {r.changed for a in audits for r in a.rows if r.changed is not None}


def to_plan(desired: DesiredState, audits: Iterable[Audit]) -> DesiredState:
    """``desired`` with only the ``changed_targets`` of ``audits``, each declared by name
    given the id Chime has it by, as a row found it (the live target the member is in):
    read by it, as one declared by id is, not found again by its name."""
    audits = tuple(audits)
    keys = changed_targets(audits)
    ids = {r.changed: r.target_id for a in audits for r in a.rows if r.changed and r.target_id}
    targets = tuple(
        replace(t, target_id=ids[t.key]) if t.target_id is None and t.key in ids else t
        for t in desired.targets
        if t.key in keys
    )
    return replace(desired, targets=targets)


def with_refusals(a: Audit, violations: Iterable[SafetyViolation]) -> Audit:
    """``a`` with ``, but the plan is refused: RULE`` after the note of each row whose
    change a rule of ``violations`` refuses."""
    violations = tuple(violations)
    if not violations:
        return a
    return replace(a, rows=tuple(_row(r, violations) for r in a.rows))


def _row(r: AuditRow, violations: tuple[SafetyViolation, ...]) -> AuditRow:
    if r.changed is None:
        return r
    rules = refusing(violations, r.changed)
    if not rules:
        return r
    said = "; ".join(v.message for v in rules)
    return replace(r, note=f"{r.note}, but the plan is refused: {said}")
