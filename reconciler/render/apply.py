"""What an apply did: the closing lines (plain text, identical with or without colour) and
the JSON result (``apply --format json``, ``apply --out RESULT.json``).

The JSON result (``format_version`` "1", keys in this order; new keys may be added within
a version, never renamed or removed)::

    {format_version, complete, verified,
     summary{changes, ok, already, failed, skipped, added, changed, removed},
     timings{plan_s, apply_s, verify_s, total_s},
     changes[{kind, target, scope, action, member, member_id, role_before, role_after,
              outcome: ok|already|failed|skipped, error{code, message}|null,
              left_absent, verified, answer_lost}]}

``left_absent``: the change failed after its delete half (a role changed by delete and
create), so the member is not in the target now (null: its create's answer was lost, it
may have been made; or its delete failed after an answer was lost, it may have been
removed: plan shows; false when its retry met ``Conflict`` and the member was read still
there); ``verified``: the re-read after the apply
shows the change (true), does not (false), or it was not checked (null: not done, or no
verification: a watch); ``answer_lost``: done by this apply though an attempt's answer
was lost (the retry met ``Conflict`` or ``NotFound``: that attempt's doing, not someone
else's: ``ok``, counted as added or removed).

An apply stopped part-way (Ctrl-C, SIGTERM, its output closed: ``stopped``) is written
too: ``complete`` false, ``verified`` null, the changes it did not start ``skipped`` with
the error ``{code: "Interrupted", message: "not started: interrupted"}`` (or
``{code: "OutputClosed", message: "not started: the output was closed"}``); a role changed
by delete and create stopped between the two (``left_absent``) says so: ``removed, not
added back: absent now (stopped: interrupted)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.apply_result import IN_FLIGHT, ApplyResult, ChangeResult, Unverified
from reconciler.interrupt import NOT_STARTED, NOT_STARTED_MESSAGE
from reconciler.plan import Action, Change
from reconciler.prose import counted, number
from reconciler.render.json import indented
from reconciler.render.safe import json_text, shown
from reconciler.render.text import change_line
from reconciler.render.twin_bots import Twins, changed_twins, of_change

FORMAT_VERSION = "1"
# a role changed by delete and create, stopped between the two
ABSENT_NOW = "removed, not added back: absent now"
LIST_DONE = 20  # changes done listed one by one in an incomplete apply; past it, per target


@dataclass(frozen=True)
class Timings:
    """Seconds spent: making (or loading and checking) the plan, applying, verifying."""

    plan_s: float = 0.0
    apply_s: float = 0.0
    verify_s: float = 0.0

    @property
    def total_s(self) -> float:
        return self.plan_s + self.apply_s + self.verify_s


def failure_line(r: ChangeResult, twins: Twins = frozenset()) -> str:
    """``  ! + bob@example.com (Member) in incident-response: NotFound: Member not
    found``: the change named as the plan and the Applied lines name it (a channel's
    membership and its moderator grant are both ``in c``); for a change that failed after
    its delete half (``left_absent``): ``  ! ~ bot:PagerBot: Member -> Administrator
    (replace: ...) in web-releases: removed as Member, not added back as Administrator
    (absent now: apply again adds it): ServiceFailureException: ...``; one of ``twins``
    named by its id too, as the plan names it."""
    detail = f"{r.error_code}: {r.error_message}" if r.error_message else f"{r.error_code}"
    return shown(f"  ! {_done_change(r.change, twins)}: {absent_note(r)}{detail}")


def absent_note(r: ChangeResult) -> str:
    """What a change that failed after its delete half left: the member is absent now;
    or, when its create's answer was lost (``left_absent`` None), perhaps not; or, when
    its delete's was (``maybe_removed``), perhaps absent."""
    c = r.change
    before, after = (
        "?" if role is None else c.kind.role_text(role) for role in (c.role_before, c.role_after)
    )
    if r.maybe_removed:
        return f"removed as {before} or not, not added back as {after} (may be absent now): "
    if r.left_absent is None:
        return f"removed as {before}, added back as {after} or not: "
    if not r.left_absent:
        return ""
    return f"removed as {before}, not added back as {after} (absent now: apply again adds it): "


def unverified_line(u: Unverified, twins: Twins = frozenset()) -> str:
    """``  ? + bob@example.com (Member) in ops: not found as Member when read after the
    apply (now: absent)``; one of ``twins`` (the plan's: ``plan_twins``) with its id, as
    the plan named it (QA-LE Q-LE-9)."""
    return shown(f"  ? {_done_change(u.change, twins)}: {u.found}")


def done_line(r: ChangeResult, twins: Twins = frozenset()) -> str:
    """``  ok + alice@example.com (Administrator) in incident-response``; a change found
    so already is marked with its outcome, as the JSON result has it, and named as the
    closing line counts it: ``  already - bob@example.com (Member) in ops (already
    gone)``."""
    line = f"{_done_change(r.change, twins, safe=False)}{already_note(r)}"
    return shown(f"  {r.outcome} {line}")


LOST_NOTE = "found made when tried again after a lost answer"


def already_note(r: ChangeResult) -> str:
    """`` (already gone)`` (a removal) or `` (already present)`` for a change found so
    already, as ``ApplyResult`` counts it; `` (found made when tried again after a lost
    answer)`` for one made by this apply though its answer was lost; else nothing."""
    if r.ok and r.answer_lost:
        return f" ({LOST_NOTE})"
    if not r.already:
        return ""
    return " (already gone)" if r.change.action is Action.DELETE else " (already present)"


def _done_lines(done: Sequence[ChangeResult], twins: Twins) -> list[str]:
    """One line per change done, or, past ``LIST_DONE``, one line per target with counts
    (the JSON result lists every one)."""
    if len(done) <= LIST_DONE:
        return [done_line(r, twins) for r in done]
    per_target: dict[str, list[ChangeResult]] = {}
    for r in done:
        per_target.setdefault(str(r.change.target), []).append(r)
    return [
        shown(f"  ok {target}: {_counts(ApplyResult(tuple(results)))}")
        for target, results in per_target.items()
    ]


def _done(r: ChangeResult, twins: Twins) -> str:
    """``+ dave@example.com (Member) in incident``."""
    return _done_change(r.change, twins)


def _done_change(c: Change, twins: Twins = frozenset(), *, safe: bool = True) -> str:
    """The change as the plan's line names it (a twin bot by its id too) and its target."""
    line = f"{change_line(c, of_change(twins, c)).plain.strip()} in {c.target}"
    return shown(line) if safe else line


@dataclass(frozen=True)
class Partition:
    """An apply's results split as its lists name them (reread-34: one split for every
    renderer): ``applied``; ``skipped`` (not attempted: another change failed first);
    ``stopped`` (not started: an interrupt, a closed output); ``flying`` (in flight when a
    second interrupt quit); ``failed``, the rest. ``unmade`` is every change not made but
    those skipped, in plan order: the ``Failed:`` list of an apply no stop cut short."""

    applied: tuple[ChangeResult, ...]
    failed: tuple[ChangeResult, ...]
    skipped: tuple[ChangeResult, ...]
    stopped: tuple[ChangeResult, ...]
    flying: tuple[ChangeResult, ...]
    unmade: tuple[ChangeResult, ...]

    @classmethod
    def of(cls, result: ApplyResult) -> Partition:
        rs = result.results
        others = [r for r in rs if not r.ok]
        cut = (NOT_STARTED, IN_FLIGHT)
        return cls(
            applied=tuple(r for r in rs if r.ok),
            failed=tuple(r for r in others if r.outcome != "skipped" and r.error_code not in cut),
            skipped=tuple(r for r in others if r.outcome == "skipped"),
            stopped=tuple(r for r in others if r.error_code == NOT_STARTED),
            flying=tuple(r for r in others if r.error_code == IN_FLIGHT),
            unmade=tuple(r for r in others if r.outcome != "skipped"),
        )


def render_interrupted(
    result: ApplyResult, cause: str = "the interrupt", *, twins: Twins
) -> list[str]:
    """After an interrupt (or ``cause``): the changes applied; those that failed (with
    their error and message, as after a complete apply: a call waiting to be tried again
    says ``(not tried again: interrupted after 2 attempts)``); those not attempted because
    another failed first (with that reason); then those the stop did not start (a role
    changed by delete and create stopped between the two: absent now). After a second
    interrupt that quit without waiting for the calls in flight, those changes come before
    the last list: ``In flight when it quit (may have been made; plan shows):``. Two
    bots of one name (``twins``: the plan's, and those its changes name) each with its id."""
    twins = _twins(result, twins)
    lines = []
    split = Partition.of(result)
    applied, failed, skipped = split.applied, split.failed, split.skipped
    stopped, flying = split.stopped, split.flying
    if applied:
        lines += [
            f"Applied before {cause}:",
            *(f"  {_done(r, twins)}{shown(already_note(r))}" for r in applied),
        ]
    if failed:
        lines += ["Failed:", *(failure_line(r, twins) for r in failed)]
    if skipped:
        lines += ["Not attempted:", *(_skipped_line(r, twins) for r in skipped)]
    if flying:
        lines.append(IN_FLIGHT_HEADER)
        lines += [f"  {_done(r, twins)}{shown(_half_done(r))}" for r in flying]
    if stopped:
        lines.append("Not applied:")
        for r in stopped:
            # removed to be added back with its new role, and not added back
            absent = shown(f" ({ABSENT_NOW})") if r.left_absent else ""
            lines.append(f"  {_done(r, twins)}{absent}")
    return lines


IN_FLIGHT_HEADER = "In flight when it quit (may have been made; plan shows):"


def _half_done(r: ChangeResult) -> str:
    """What a role changed by delete and create in flight may have left: `` (removed or
    not)``, its delete in flight; `` (removed; added back or not)``, its create."""
    if r.maybe_removed:
        return " (removed or not)"
    return " (removed; added back or not)" if r.left_absent is None else ""


def interrupted_summary(result: ApplyResult) -> str:
    return f"Interrupted: {applied_counts(result)}; run plan to see what is left."


def applied_counts(result: ApplyResult) -> str:
    """``3 of 13 changes applied, 10 not applied``; with ``, 1 failed`` before the last
    when some failed (as the JSON result and the ``Failed:`` list count them: a call
    waiting to be tried again at the interrupt included), ``, 2 not attempted`` when
    some were not attempted because another failed first (the ``Not attempted:`` list,
    counted apart as a finished apply's summary counts them: QA-EJ Q-EJ-2), and ``, 2 in
    flight (may have been made)`` when a second interrupt quit without waiting for them;
    ``not applied``: the changes the stop did not start (the ``Not applied:`` list)."""
    done = sum(r.ok for r in result.results)
    flying = sum(r.error_code == IN_FLIGHT for r in result.results)
    failed = sum(
        r.outcome == "failed" and r.error_code not in (NOT_STARTED, IN_FLIGHT)
        for r in result.results
    )
    skipped = sum(r.outcome == "skipped" for r in result.results)
    failures = f", {number(failed)} failed" if failed else ""
    not_attempted = f", {number(skipped)} not attempted" if skipped else ""
    in_flight = f", {number(flying)} in flight (may have been made)" if flying else ""
    rest = result.total - done - failed - skipped - flying
    return (
        f"{number(done)} of {number(result.total)} changes applied{failures}"
        f"{not_attempted}{in_flight}, {number(rest)} not applied"
    )


def _already_parts(result: ApplyResult) -> list[str]:
    """``2 already present``, ``1 already gone`` (when not 0): done by someone else
    meanwhile, so applied without being added or removed by this apply; and ``1 found
    made when tried again after a lost answer`` (counted as added or removed)."""
    return [
        f"{number(n)} {what}"
        for n, what in (
            (result.already_present, "already present"),
            (result.already_gone, "already gone"),
            (result.answers_lost, LOST_NOTE),
        )
        if n
    ]


def _already(result: ApplyResult) -> str:
    """`` (2 already present, 1 already gone)``, or nothing."""
    parts = _already_parts(result)
    return f" ({', '.join(parts)})" if parts else ""


def _counts(result: ApplyResult) -> str:
    """``2 added, 1 changed, 0 removed, 1 already gone``: every change applied, once."""
    return ", ".join([_made(result), *_already_parts(result)])


def _made(result: ApplyResult) -> str:
    """``1,200 added, 1 changed, 0 removed``."""
    made = (result.added, "added"), (result.changed, "changed"), (result.removed, "removed")
    return ", ".join(f"{number(n)} {what}" for n, what in made)


@dataclass(frozen=True)
class Checked:
    """What the re-read after the apply made of the changes done: ``missing`` of them
    not found so; ``unknown``: the re-read failed or was interrupted (not verified). The
    JSON result's ``complete`` is false unless it ``holds``."""

    missing: int = 0
    unknown: bool = False

    @classmethod
    def of(cls, missing: Sequence[Unverified] | None) -> Checked:
        """From ``verify``'s answer: the changes not found (None: nothing to check)."""
        return cls(missing=len(missing or ()))

    @property
    def holds(self) -> bool:
        return not self.missing and not self.unknown

    @property
    def shortfall(self) -> str:
        """``applied, not verified``, ``1 applied change not found when verified``."""
        if self.unknown:
            return "applied, not verified"
        n = self.missing
        return f"{counted(n, 'applied change')} not found when verified"


VERIFIED = Checked()  # every change done found so, or nothing to check (a watch)
NOT_VERIFIED = Checked(unknown=True)  # the re-read failed or was interrupted


def _twins(result: ApplyResult, twins: Twins) -> Twins:
    """The bots to name by their ids: those of ``twins`` (the plan's: ``plan_twins``, which
    knows the namesakes the plan leaves unmanaged or keeps protected: QA-LE Q-LE-9; every
    caller passes them, Q-RR-11: a watch's stop paths left them out) and those two of
    ``result``'s changes name."""
    return twins | changed_twins(r.change for r in result.results)


def render_apply(result: ApplyResult, checked: Checked = VERIFIED, *, twins: Twins) -> list[str]:
    """``Apply complete! ...``; every write done but not verified (``checked``):
    ``Apply incomplete: applied, not verified. Memberships: ...`` (QA-AH Q-AH-3: as the
    JSON result's ``complete`` and the exit code); or what was done, then what failed,
    then what was not attempted because of it, then ``Apply incomplete`` with the counts
    (as the JSON result's ``failed`` and ``skipped``)."""
    if result.ok:
        memberships = f"Memberships: {_made(result)}{_already(result)}."
        if not checked.holds:
            return [f"Apply incomplete: {checked.shortfall}. {memberships}"]
        return [f"Apply complete! {memberships}"]
    split = Partition.of(result)
    failed, skipped, done = split.unmade, split.skipped, split.applied
    twins = _twins(result, twins)  # each named by its id too
    lines = ["Applied:", *_done_lines(done, twins)] if done else []
    lines += render_unmade(result, twins)
    not_attempted = f", {number(len(skipped))} not attempted" if skipped else ""
    return [
        *lines,
        f"Apply incomplete: {number(len(failed))} of {number(result.total)} changes failed"
        f"{not_attempted} ({number(len(done))} applied: {_counts(result)}).",
    ]


def render_unmade(result: ApplyResult, twins: Twins) -> list[str]:
    """What ``render_apply`` lists of the changes not made: ``Failed:`` (each with its
    error) and ``Not attempted:`` (each with why), with none of the ``Applied:`` list."""
    twins = _twins(result, twins)
    split = Partition.of(result)
    failed, skipped = split.unmade, split.skipped
    lines = []
    if failed:
        lines += ["Failed:", *(failure_line(r, twins) for r in failed)]
    if skipped:
        lines += ["Not attempted:", *(_skipped_line(r, twins) for r in skipped)]
    return lines


def _skipped_line(r: ChangeResult, twins: Twins) -> str:
    """``  - bob@example.com (Administrator) in incident: not attempted: adding an
    administrator to this room failed first``: the change named as the plan and the
    failed lines name it (QA-DL Q-DL-4: a channel's moderator removal is not its
    membership's, a meeting's capability change not the attendee's removal)."""
    return shown(f"  {_done_change(r.change, twins)}: {r.error_message}")


STOPPED_BY_INTERRUPT = "interrupted"
STOPPED_BY_CLOSED_OUTPUT = "output closed"
STOPPED_BY_FAILED_OUTPUT = "output failed"  # a write error on stdout: a full disk
_STOPPED_ERRORS = {
    STOPPED_BY_INTERRUPT: {"code": NOT_STARTED, "message": NOT_STARTED_MESSAGE},
    STOPPED_BY_CLOSED_OUTPUT: {
        "code": "OutputClosed",
        "message": "not started: the output was closed",
    },
    STOPPED_BY_FAILED_OUTPUT: {
        "code": "OutputFailed",
        "message": "not started: the output could not be written",
    },
}


def apply_to_data(
    result: ApplyResult,
    *,
    verified: Sequence[Unverified] | None,
    timings: Timings,
    stopped: str | None = None,
    verify_error: Exception | None = None,
) -> dict[str, Any]:
    """The JSON result, keys in their documented order. ``verified``: the changes done
    that the re-read after the apply did not find (empty: every one found), or None: not
    verified (nothing done, a watch, or stopped part-way). ``stopped``: the apply stopped
    part-way (``STOPPED_BY_INTERRUPT``, ``STOPPED_BY_CLOSED_OUTPUT``): the changes it did
    not start are ``skipped``, with that reason, and the result is not complete.
    ``verify_error``: the re-read after the apply failed (``verified`` None, not
    complete)."""
    missing = None if verified is None else {id(u.change) for u in verified}
    changes = [_change(r, missing) for r in result.results]
    if stopped is not None:
        for r, change in zip(result.results, changes, strict=True):
            if r.error_code == NOT_STARTED:
                change["outcome"] = "skipped"
                change["error"] = dict(_STOPPED_ERRORS[stopped])
                if r.left_absent:  # its delete made, its create not started: half done
                    change["error"]["message"] = f"{ABSENT_NOW} (stopped: {stopped})"
    outcomes = [c["outcome"] for c in changes]
    return {
        "format_version": FORMAT_VERSION,
        "complete": result.ok and not verified and stopped is None and verify_error is None,
        "verified": None if verified is None else not verified,
        "verify_error": None if verify_error is None else _verify_error(verify_error),
        "summary": {
            "changes": result.total,
            "ok": outcomes.count("ok"),
            "already": outcomes.count("already"),
            "failed": outcomes.count("failed"),
            "skipped": outcomes.count("skipped"),
            "added": result.added,
            "changed": result.changed,
            "removed": result.removed,
        },
        "timings": {
            "plan_s": round(timings.plan_s, 3),
            "apply_s": round(timings.apply_s, 3),
            "verify_s": round(timings.verify_s, 3),
            "total_s": round(timings.total_s, 3),
        },
        "changes": changes,
    }


def _verify_error(exc: Exception) -> dict[str, str]:
    """The failed re-read's AWS code (or the error's kind: a connection failure) and
    message."""
    return {"code": getattr(exc, "code", None) or type(exc).__name__, "message": str(exc)}


def render_apply_json(
    result: ApplyResult,
    *,
    verified: Sequence[Unverified] | None,
    timings: Timings,
    stopped: str | None = None,
    verify_error: Exception | None = None,
) -> str:
    data = apply_to_data(
        result, verified=verified, timings=timings, stopped=stopped, verify_error=verify_error
    )
    return json_text(indented(data)) + "\n"


def _change(r: ChangeResult, missing: set[int] | None) -> dict[str, Any]:
    """One change's result; ``missing``: the changes verification did not find (None:
    no verification)."""
    c = r.change
    kind = c.kind
    return {
        "kind": c.target.kind,
        "target": c.target.name,
        "scope": c.target.scope,
        "action": c.action.value,
        "member": str(c.member),
        "member_id": c.member_id,
        "role_before": None if c.role_before is None else kind.role_json(c.role_before),
        "role_after": None if c.role_after is None else kind.role_json(c.role_after),
        "outcome": r.outcome,
        "error": None if r.ok else {"code": r.error_code, "message": r.error_message},
        "left_absent": r.left_absent,
        "verified": None if missing is None or not r.ok else id(c) not in missing,
        "answer_lost": r.ok and r.answer_lost,
    }
