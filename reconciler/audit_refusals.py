"""What audit adds to a row whose change the plan refuses (QA-CJ Q-CJ-2, Q-EE-1): the
planner changes the member in a target (``AuditRow.changed``: adds it, removes it, changes
its role), but a safety rule refuses the plan (``safety.refusing``: the plan-wide
``max_removals``, that target's ``min_administrators``, say), so apply makes none. The
plan-wide rules count the removals of every declared target, so the CLI reads them all
in full and plans them as `plan` does (``to_plan``: by the ids audit found them by, so that
a target declared by name costs no second listing of its scope, ListRooms); this says it.
The same plan tells which targets it refuses as a whole (``refused_targets``, as
``explain`` reads it: a room declaring a ``bot:NAME`` two bots share, Q-EY-1; a meeting the
plan would take over its maximum, Q-FO-3): a row there changes nothing, and says the plan's
reason (``with_unplanned``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from reconciler.audit import Audit, AuditRow, not_planned, noted, twins_declared
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.plan import SafetyViolation, TargetPlan
from reconciler.refs import MemberRef, TargetKey
from reconciler.refused_adds import refused_add
from reconciler.refused_elsewhere import elsewhere_note
from reconciler.safety import capped, refused_elsewhere, refusing
from reconciler.target_select import alone_form


def changed_targets(audits: Iterable[Audit]) -> set[TargetKey]:
    """The declared targets where the plan changes some row's member: none, and there
    is nothing to ask the safety rules about."""
    return {r.changed for a in audits for r in a.rows if r.changed is not None}


def to_plan(desired: DesiredState, audits: Iterable[Audit]) -> DesiredState:
    """``desired`` (every target: the plan-wide rules count them all, Q-EE-1), each
    declared by name given the id Chime has it by where a row found it (the live target
    the member is in, or the one of that name): read by it, as one declared by id is, not
    found again by its name. One the finder could not take for the target the plan plans
    (``Audit.unresolved``: a name several targets share) is left as declared: the plan's
    read resolves it as `plan` does, and refuses it as `plan` does, planning nothing
    there and reading none of them (QA-FT Q-FT-1, Q-FT-5)."""
    ids = {
        r.declared: r.target_id
        for a in audits
        for r in a.rows
        if r.declared and r.target_id and r.declared not in a.unresolved
    }
    targets = tuple(
        replace(t, target_id=ids[t.key]) if t.target_id is None and t.key in ids else t
        for t in desired.targets
    )
    return replace(desired, targets=targets)


def with_unplanned(a: Audit, unplanned: Mapping[TargetKey, str]) -> Audit:
    """``a`` with each row of a declared target the plan refuses as a whole
    (``refused_targets``: the target and the plan's reason) saying so: ``not planned:
    WHY``, no change (so no safety rule refuses it either), after which of the member's
    memberships there the row is, where Chime has it more than once (``AuditRow.which``)."""
    if not any(r.declared in unplanned for r in a.rows if r.declared is not None):
        return a
    rows = tuple(
        replace(r, note=noted(r.which, not_planned(unplanned[r.declared])), changed=None)
        if r.declared is not None and r.declared in unplanned
        else r
        for r in a.rows
    )
    return replace(a, rows=twins_declared(rows, unplanned))


def with_refusals(
    a: Audit, violations: Iterable[SafetyViolation], declared: Iterable[DesiredTarget]
) -> Audit:
    """``a`` with ``, but the plan is refused: RULE`` after the note of each row whose
    change a rule of ``violations`` refuses (``refusing``), or ``, but the plan is refused
    by a rule other targets break: ...`` where only such rules do (Q-HF-3), with the
    ``--target`` that selects the row's target alone among ``declared`` (the desired
    state's targets, as ``--target`` reads them)."""
    violations = tuple(violations)
    if not violations:
        return a
    targets = tuple(declared)
    return replace(a, rows=tuple(_row(r, violations, targets) for r in a.rows))


def _row(
    r: AuditRow, violations: tuple[SafetyViolation, ...], declared: tuple[DesiredTarget, ...]
) -> AuditRow:
    if r.changed is None:
        return r
    mine = next((t for t in declared if t.key == r.changed), None)
    own = mine is not None and capped({mine.key: mine.safety}, mine.key)  # (Q-HJ-7)
    rules = refusing(violations, r.changed, own)
    if not rules:  # another target's own rule refuses the plan all the same (Q-HF-3)
        form = alone_form(declared, mine) if mine is not None else None
        others = refused_elsewhere(violations, r.changed, own)
        elsewhere = elsewhere_note(others, r.changed, form)
        return replace(r, note=f"{r.note}, {elsewhere}") if elsewhere else r
    said = "; ".join(v.message for v in rules)
    return replace(r, note=f"{r.note}, but the plan is refused: {said}")


def with_refused_adds(a: Audit, targets: Mapping[TargetKey, TargetPlan]) -> Audit:
    """``a`` with ``, but AWS will refuse it: WARNING`` after the note of each row the plan
    adds the member in (not live, changed) where the plan warns that AWS will refuse that
    add (``refused_adds``: a full target, QA-FO Q-FO-4), as ``explain`` says it;
    ``targets``: the plan's, by key."""
    rows = tuple(_refused_add(r, a.member, targets) for r in a.rows)
    return a if rows == a.rows else replace(a, rows=rows)


def _refused_add(
    r: AuditRow, member: MemberRef, targets: Mapping[TargetKey, TargetPlan]
) -> AuditRow:
    tp = targets.get(r.changed) if r.changed is not None and r.live_role is None else None
    why = refused_add(tp, member) if tp is not None else ""
    return replace(r, note=f"{r.note}, but {why}") if why else r
