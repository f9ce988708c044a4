"""Applying a plan in a command run, shared by `apply` and `demo`: through the provider of
each kind the plan names, with the progress bar, then verified by reading the changed
targets again."""

from __future__ import annotations

import time
from collections.abc import Mapping

import click
from rich.console import Console

from reconciler import interrupt
from reconciler.applier import ApplyResult
from reconciler.applier import apply as run_apply
from reconciler.cli.pipeline import Session
from reconciler.errors import ReconcilerError
from reconciler.kinds import RoleValue
from reconciler.plan import Action, Change, Plan
from reconciler.refs import MemberRef
from reconciler.render.apply import interrupted_summary, render_apply, render_interrupted
from reconciler.timing import timed

VERIFYING = "Verifying: re-reading what changed"


class ApplyInterrupted(ReconcilerError):
    """Ctrl-C or SIGTERM: what was applied and what was not is printed; exit 130."""

    exit_code = interrupt.EXIT_INTERRUPTED


def execute(session: Session, plan: Plan, out: Console) -> bool:
    """Apply ``plan``, print the outcome, verify; True when everything converged."""
    result, _ = run_changes(session, plan)
    out.print()
    for line in render_apply(result):
        out.print(line, highlight=False, markup=False)
    return verify(session, plan, result) is not False and result.ok


def run_changes(session: Session, plan: Plan) -> tuple[ApplyResult, float]:
    """Apply ``plan`` with the progress bar: the applier's result and the seconds taken.
    Interrupted (Ctrl-C, SIGTERM): no new call starts, the calls in flight finish, what
    was applied and what was not is printed, and ApplyInterrupted (exit 130) is raised."""
    started = time.monotonic()
    with interrupt.graceful(notify):
        with session.progress.task("Applying changes", len(plan.changes)), timed("apply"):
            result = run_apply(
                plan,
                {k: session.provider(k) for k in sorted({t.key.kind for t in plan.targets})},
                parallelism=session.app.parallelism,
                progress=session.progress.advance,
                safety=session.desired.safety_for,
            )
        if interrupt.requested():
            click.echo()
            for line in render_interrupted(result):
                click.echo(line)
            raise ApplyInterrupted(interrupted_summary(result))
    return result, time.monotonic() - started


def notify(message: str) -> None:
    """The interrupt's first message, on stderr."""
    click.echo(message, err=True)


def verify(session: Session, plan: Plan, result: ApplyResult) -> bool | None:
    """Re-read the targets with a change done (listings only, by id) and check that every
    change the applier reported done is there: the member present with the planned role,
    or gone. None when no change was done (nothing to verify: a target whose every change
    failed is not read again)."""
    touched = {r.change.target for r in result.results if r.ok}
    if not touched:
        return None
    with timed("verify"):
        live = session.read_planned([t for t in plan.targets if t.key in touched], VERIFYING)
    roles = {key: {m.member_id: m.role for m in target.members} for key, target in live.items()}
    # a create names the member as the create call does (a meeting attendee by its
    # ExternalUserId, listed by its AttendeeId): found by reference as well
    by_ref = {key: {m.ref: m.role for m in target.members} for key, target in live.items()}
    missing = [
        r.change
        for r in result.results
        if r.ok
        and not _holds(r.change, roles.get(r.change.target), by_ref.get(r.change.target, {}))
    ]
    if missing:
        click.echo(
            f"Verification: {len(missing)} applied change(s) not found in the live state "
            "after apply (the live state moved during the apply?); run plan again.",
            err=True,
        )
        return False
    return True


def _holds(
    change: Change, roles: dict[str, RoleValue] | None, by_ref: Mapping[MemberRef, RoleValue]
) -> bool:
    """Whether the live roles of the change's target show the change done."""
    if roles is None:
        return False
    if change.action is Action.CREATE and change.member_id not in roles:
        return by_ref.get(change.member) == change.role_after
    role = roles.get(change.member_id)
    return role is None if change.action is Action.DELETE else role == change.role_after
