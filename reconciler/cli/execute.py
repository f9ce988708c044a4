"""Applying a plan in a command run, shared by `apply` and `demo`: through the provider of
each kind the plan names, with the progress bar, then verified by reading the changed
targets again."""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import click
from rich.console import Console

from reconciler import interrupt
from reconciler.applier import apply as run_apply
from reconciler.apply_gone import verified_gone
from reconciler.apply_ledger import Ledger
from reconciler.apply_result import ApplyResult, ChangeResult, Unverified
from reconciler.cli.pipeline import Session
from reconciler.cli.stderr_lines import say_on_stderr
from reconciler.closed_output import (
    OutputClosed,
    OutputFailed,
    failed_output,
    mute_stdout,
    output_failure,
)
from reconciler.errors import ReconcilerError
from reconciler.kinds import RoleValue
from reconciler.live import LiveTarget
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.prose import counted
from reconciler.refs import MemberRef, TargetKey
from reconciler.render.apply import (
    NOT_VERIFIED,
    STOPPED_BY_CLOSED_OUTPUT,
    STOPPED_BY_FAILED_OUTPUT,
    STOPPED_BY_INTERRUPT,
    Checked,
    applied_counts,
    interrupted_summary,
    render_apply,
    render_interrupted,
    unverified_line,
)
from reconciler.render.twin_bots import Twins, plan_twins
from reconciler.timing import timed

VERIFYING = "Verifying: re-reading what changed"


class ApplyInterrupted(ReconcilerError):
    """Ctrl-C or SIGTERM: what was applied and what was not is printed; exit 130."""

    exit_code = interrupt.EXIT_INTERRUPTED


@dataclass(frozen=True)
class Applied:
    """What ``run_changes`` did: the applier's result, the seconds taken, and the targets
    re-read for verification meanwhile (None: gone)."""

    result: ApplyResult
    seconds: float = 0.0
    reread: Mapping[TargetKey, LiveTarget | None] = field(default_factory=dict)


def execute(session: Session, plan: Plan, out: Console) -> bool:
    """Apply ``plan``, verify, print the outcome (as verified: Q-AH-3); True when
    everything converged. With nothing to change, the plan's summary line instead, as
    ``apply --quiet`` prints it (``demo``'s apply step: Q-EH-3)."""
    if not plan.has_changes:
        out.print()
        out.print(plan.summary_line(), highlight=False, markup=False)
        return True
    twins = plan_twins(plan)  # two bots of one name: each by its id, as the plan names them
    applied = run_changes(session, plan, twins=twins)

    def close(checked: Checked) -> None:
        out.print()
        for line in render_apply(applied.result, checked, twins=twins):
            out.print(line, highlight=False, markup=False)

    try:
        missing = verify(session, plan, applied, twins)
    except (ReconcilerError, KeyboardInterrupt):  # the changes were made: counted, then
        close(NOT_VERIFIED)
        raise
    close(Checked.of(missing))
    return not missing and applied.result.ok


VERIFY_INTERRUPTED = (
    "Interrupted while verifying: the changes listed above were applied; run plan to see "
    "the live state."
)

# Told what an apply stopped part-way did, before its error is raised: what it applied
# and the cause (``STOPPED_BY_INTERRUPT``, ``STOPPED_BY_CLOSED_OUTPUT``); apply writes its
# --out result there.
StoppedHook = Callable[[Applied, str], None]
Name = TypeVar("Name")  # how the verification finds a member by name: its ref, or as spelt


def run_changes(
    session: Session,
    plan: Plan,
    meanwhile: Callable[[], None] | None = None,
    *,
    twins: Twins,
    stopped: StoppedHook | None = None,
    err: bool = False,
) -> Applied:
    """Apply ``plan`` with the progress bar. Interrupted (Ctrl-C, SIGTERM): no new call
    starts, the calls in flight finish, what was applied and what was not is printed, and
    ApplyInterrupted (exit 130) is raised; when every change was made, the interrupt came
    while they were verified (``VERIFY_INTERRUPTED``).

    Each target is re-read for verification by the thread that applied it, as soon as
    its changes are done (``EarlyReads``): those reads overlap the other targets' writes
    instead of waiting for the last one.

    ``meanwhile`` (writing the plan out) runs in a thread of its own during the apply,
    which waits for it before it ends. If it fails, no new call starts, as after a
    Ctrl-C, and its error is raised once the calls in flight are done; when the output
    was closed (its reader ended: ``| head``), what was applied and what was not is
    printed on stderr, and ``OutputClosed`` (exit 141) is raised; when it could not be
    written (a full disk: ``output_failure``), the same, and ``OutputFailed`` (exit 1).

    Stopped part-way either way, ``stopped`` is told what was done first; ``err``: what
    was applied and what not goes to stderr (stdout is apply's JSON result). ``twins``:
    the plan's (``plan_twins``), each named by its id in those lines, as the plan does.

    A second interrupt quits at once (``interrupt.graceful``), without waiting for the
    calls in flight; while the changes are applied, it first says and tells ``stopped``
    what the results recorded so far show (``Ledger``): the changes applied, those whose
    call was in flight (may have been made) and those not started (``quit_now``); once
    the calls are done and the plan still being written out (``meanwhile``), what they
    did. Once this says and writes that itself, a second interrupt lets it finish and
    end with exit 130, as after the first (QA-EJ Q-EJ-1: it quit in the middle, nothing
    said and no --out result)."""
    started = time.monotonic()
    early = EarlyReads(session)
    ledger = Ledger(plan)
    done: Applied | None = None  # the calls done: what they did
    saying = False  # what was applied is being said and written here (not by quit_now)

    def progress(r: ChangeResult) -> None:
        ledger.record(r)
        session.progress.advance(r)

    def quit_now() -> None:
        """The second interrupt, in its signal handler: what is known, then exit. While
        the plan is still being written to stdout (a slow reader), what is known goes to
        stderr and stdout is cut: said on stdout, its lines mixed with the rest of the
        plan's (QA-EM Q-EM-1)."""
        known = done if done is not None else Applied(ledger.snapshot(), elapsed())
        writing = not err and aside is not None and aside.thread.is_alive()
        if writing:
            mute_stdout()
        say_quitting(known.result, err or writing, twins)
        if stopped is not None:
            stopped(known, STOPPED_BY_INTERRUPT)
        click.echo(f"Error: {interrupted_summary(known.result)}", err=True)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()

    def elapsed() -> float:
        return time.monotonic() - started

    aside: _Aside | None = None  # writing the plan out (``meanwhile``)
    with interrupt.graceful(notify, quit_now, finishing=lambda: saying):
        aside = _Aside(meanwhile) if meanwhile is not None else None
        kinds = sorted({t.key.kind for t in plan.targets})
        try:
            with session.progress.task("Applying changes", len(plan.changes)), timed("apply"):
                result = run_apply(
                    plan,
                    {k: ledger.writer(session.provider(k)) for k in kinds},
                    parallelism=session.app.parallelism,
                    progress=progress,
                    safety=session.desired.safety_for,
                    finished=early,
                )
            done = Applied(result, elapsed(), dict(early.read))
        finally:
            failed = aside.wait() if aside is not None else None
            saying = True
        applied = done
        if isinstance(failed, BrokenPipeError):
            closed = stopped_by_closed_output(result, twins)
            if stopped is not None:
                stopped(applied, STOPPED_BY_CLOSED_OUTPUT)
            raise closed
        if (reason := output_failure(failed)) is not None:  # a full disk under stdout
            full = stopped_by_failed_output(result, reason, twins)
            if stopped is not None:
                stopped(applied, STOPPED_BY_FAILED_OUTPUT)
            raise full
        if failed is not None:
            raise failed
        if interrupt.requested():
            click.echo(err=err)
            for line in render_interrupted(result, twins=twins):
                click.echo(line, err=err)
            if stopped is not None:
                stopped(applied, STOPPED_BY_INTERRUPT)
            if result.ok:  # every change made: it came while their targets were re-read
                raise ApplyInterrupted(VERIFY_INTERRUPTED)
            raise ApplyInterrupted(interrupted_summary(result))
    return applied


def say_quitting(result: ApplyResult, err: bool, twins: Twins) -> None:
    """What a second interrupt leaves (``render_interrupted``), as after the first."""
    with contextlib.suppress(Exception):  # the output gone: quit all the same
        click.echo(err=err)
        for line in render_interrupted(result, twins=twins):
            click.echo(line, err=err)


def stopped_by_closed_output(result: ApplyResult, twins: Twins) -> OutputClosed:
    """The apply stopped because its output was closed: what it applied and what not
    (on stderr, the output being gone), and the error that says so."""
    mute_stdout()
    with contextlib.suppress(BrokenPipeError):  # stderr gone too: nobody to tell
        for line in render_interrupted(result, "the output was closed", twins=twins):
            click.echo(line, err=True)
    return OutputClosed(f"apply stopped; {applied_counts(result)}; run plan to see what is left.")


def stopped_by_failed_output(result: ApplyResult, reason: str, twins: Twins) -> OutputFailed:
    """The apply stopped because its output could not be written (a full disk): what it
    applied and what not, on stderr, and the error that says so (exit 1)."""
    mute_stdout()
    say_on_stderr(render_interrupted(result, failed_output(reason), twins=twins))
    what = f"apply stopped; {applied_counts(result)}; run plan to see what is left."
    return OutputFailed(reason, what)


class _Aside:
    """``fn`` in a thread of its own; ``wait`` waits for it and returns what it raised.
    A failure stops new calls at once (``interrupt.STOP``, as a Ctrl-C does)."""

    def __init__(self, fn: Callable[[], None]) -> None:
        self.fn = fn
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="apply-meanwhile", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.fn()
        except BaseException as exc:  # raised again in the applying thread (join)
            self.error = exc
            interrupt.STOP.set()

    def wait(self) -> BaseException | None:
        self.thread.join()
        return self.error


class EarlyReads:
    """The applier's ``finished`` hook: re-reads a target whose changes are done (at
    least one of them done: the same targets ``verify`` re-reads), in the applier's
    thread. A read that fails is left to ``verify``, which reads it again (and reports
    the failure as before)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.read: dict[TargetKey, LiveTarget | None] = {}
        self._lock = threading.Lock()

    def __call__(self, tp: TargetPlan, results: Sequence[ChangeResult]) -> None:
        if not any(r.ok for r in results) or interrupt.requested():
            return
        if any(r.target_gone for r in results):  # found gone: ``verify`` says so, reads none
            return
        provider = self.session.provider(tp.key.kind)
        try:
            with self.session.progress.muted():  # the bar counts changes meanwhile
                found = provider.read_ids([(tp.key, tp.target_id)])
        except ReconcilerError:
            return
        with self._lock:
            self.read[tp.key] = found.get(tp.key)


def notify(message: str) -> None:
    """The interrupt's first message, on stderr."""
    click.echo(message, err=True)


def verify(
    session: Session, plan: Plan, applied: Applied, twins: Twins
) -> tuple[Unverified, ...] | None:
    """Re-read the targets with a change done (listings only, by id; those re-read while
    the apply went on are not read again) and check that every change the applier
    reported done is there: the member present with the planned role, or gone. The
    changes not found so (empty: all verified; each named on stderr, with what the re-read
    found), or None when no change was done (nothing to verify: a target whose every
    change failed is not read again). ``twins``: the plan's (``plan_twins``), found by
    their ids alone and named by them."""
    result = applied.result
    touched = {r.change.target for r in result.results if r.ok}
    if not touched:
        return None
    # a target the apply found gone: what was done to it before went with it (one line
    # says so); not read again
    gone = touched & result.gone
    for tp in plan.targets:
        if tp.key in gone:
            made = sum(r.ok and r.change.target == tp.key for r in result.results)
            click.echo(verified_gone(tp.kind, tp.key.name, made), err=True)
    with timed("verify"):
        live = session.read_planned(
            [t for t in plan.targets if t.key in touched - gone], VERIFYING, applied.reread
        )
    roles = {key: {m.member_id: m.role for m in target.members} for key, target in live.items()}
    # a create names the member as the create call does (a meeting attendee by its
    # ExternalUserId, listed by its AttendeeId), and a removal removes the member (an
    # attendee who joined again has a new AttendeeId): found by reference as well
    by_ref = {key: {m.ref: m.role for m in target.members} for key, target in live.items()}
    # a removal, as spelt (attendees differing only in case are two: one may be kept), of a
    # kind whose members' ids change (``Kind.member_ids_change``): others by id alone
    spelt = {
        key: {(m.ref, m.ref.display): m.role for m in target.members}
        for key, target in live.items()
    }
    checked = (
        _unverified(
            r.change,
            roles.get(r.change.target),
            _by_name(r.change, twins, by_ref),
            _by_name(r.change, twins, spelt) if r.change.kind.member_ids_change else {},
        )
        for r in result.results
        if r.ok and r.change.target not in gone
    )
    missing = tuple(u for u in checked if u is not None)
    if missing:
        n = len(missing)
        click.echo(
            f"Verification: {counted(n, 'applied change')} not found in the live "
            "state after apply (the live state moved during the apply?); run plan again:",
            err=True,
        )
        for u in missing:
            click.echo(unverified_line(u, twins), err=True)
    return missing


def _by_name(
    change: Change, twins: Twins, found: Mapping[TargetKey, Mapping[Name, RoleValue]]
) -> Mapping[Name, RoleValue]:
    """The members of ``change``'s target by name (``found``), or none where ``change``'s
    member is one of two bots of that name there (``twins``): its id alone says whether
    it is there; its namesake's role is not its own (QA-LE Q-LE-9: a twin removed was
    "still there" for the other one)."""
    return {} if (change.target, change.member) in twins else found.get(change.target, {})


def _unverified(
    change: Change,
    roles: dict[str, RoleValue] | None,
    by_ref: Mapping[MemberRef, RoleValue],
    spelt: Mapping[tuple[MemberRef, str], RoleValue],
) -> Unverified | None:
    """None when the live roles of the change's target show the change done; else what
    they show instead. A removal from a target gone since is done: its member is gone."""
    if roles is None:
        return None if change.action is Action.DELETE else Unverified(change, target_gone=True)
    role = roles.get(change.member_id)
    if change.action is Action.CREATE and change.member_id not in roles:
        role = by_ref.get(change.member)
    if change.action is Action.UPDATE and change.member_id not in roles:
        # changed is the member, as spelt: a meeting attendee who joined again meanwhile
        # was changed under her new AttendeeId (QA-AI Q-AI-1)
        role = spelt.get((change.member, change.member.display))
    if change.action is Action.DELETE:
        # removed is the member, not one id of it: a meeting attendee who joined again
        # meanwhile is there under a new AttendeeId
        if role is None:
            role = spelt.get((change.member, change.member.display))
        return None if role is None else Unverified(change, role)
    return None if role == change.role_after else Unverified(change, role)
