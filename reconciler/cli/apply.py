"""`chime-reconciler apply`: plan (or load a saved plan), confirm, apply, verify."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.execute import execute
from reconciler.cli.options import allow_unsafe_option, target_option, verbose_option
from reconciler.cli.pipeline import Session
from reconciler.errors import ReconcilerError, UsageError
from reconciler.plan import Plan
from reconciler.planfile import load_plan
from reconciler.render import render_plan

CHECKING = "Checking the saved plan is current"
PROMPT = "Do you want to perform these actions? Only 'yes' will be accepted:"


class StalePlanError(ReconcilerError):
    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"Saved plan is stale: {'; '.join(self.reasons)}; run plan again."


class PlanErrorsError(ReconcilerError):
    """The plan could not be made whole (unknown members, missing rooms): never applied."""


@click.command()
@click.argument("plan_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@target_option
@allow_unsafe_option
@verbose_option
@pass_app
def apply(
    app: AppContext,
    plan_file: Path | None,
    auto_approve: bool,
    targets: tuple[str, ...],
    allow_unsafe: bool,
) -> None:
    """Make Chime match the desired state.

    Without PLAN_FILE: plans, prints the plan and asks for confirmation (only 'yes'
    proceeds) unless --auto-approve. With no terminal on stdin, --auto-approve is
    required.

    With PLAN_FILE (from `plan --out`): applies exactly that plan without asking, after
    checking that neither the desired-state files nor the live memberships of the rooms
    it changes have moved on since it was made (a stale plan is refused).

    After applying, the changed rooms are read again and compared with the desired state.

    \b
    Examples:
      chime-reconciler apply
      chime-reconciler apply --auto-approve                  # CI on merge to main
      chime-reconciler plan --out plan.json && chime-reconciler apply plan.json

    Exit codes: 0 applied (or nothing to do); 1 error, refused, stale, or some changes
    failed (each is listed; running apply again converges).
    """
    ctx = click.get_current_context()
    out = app.console()
    session = Session.open(app)
    if plan_file is not None:
        if targets:
            raise UsageError("--target cannot be combined with a saved plan: plan again")
        plan = _load_fresh(session, plan_file)
    else:
        plan = session.plan(targets)
    render_plan(plan, "text", verbose=app.verbose > 0, console=out, allow_unsafe=allow_unsafe)
    if plan.errors:
        n = len(plan.errors)
        raise PlanErrorsError(
            f"Nothing was applied: the plan has {n} error{'s' if n > 1 else ''} (above). "
            f"Fix {'them' if n > 1 else 'it'} and run apply again."
        )
    if plan.violations and not allow_unsafe:
        ctx.exit(1)
    if not plan.has_changes:
        return
    if plan_file is None and not auto_approve:
        _confirm()
    if not execute(session, plan, out):
        ctx.exit(1)


def _confirm() -> None:
    if not sys.stdin.isatty():
        raise UsageError(
            "apply needs confirmation but stdin is not a terminal; "
            "run with --auto-approve, or apply a saved plan file"
        )
    click.echo()
    click.echo(f"{PROMPT} ", nl=False)
    answer = sys.stdin.readline()  # Ctrl-C: KeyboardInterrupt, exit 130 (main)
    if not answer.endswith("\n"):  # end of input (Ctrl-D): a "no", not an interruption
        click.echo()
    if answer.strip() != "yes":
        click.echo("Apply cancelled.")
        click.get_current_context().exit(1)


def _load_fresh(session: Session, plan_file: Path) -> Plan:
    """The saved plan, if neither the desired files nor the live memberships of the rooms
    it changes moved on since it was made. The rooms are re-read by the ids in the plan:
    their listings only, no name or member resolution."""
    plan = load_plan(plan_file)
    reasons: list[str] = []
    if plan.desired_digest != session.desired.digest:
        reasons.append("the desired-state files changed since the plan was made")
    changed = [t for t in plan.targets if t.changes]
    live = session.read_planned(changed, CHECKING)
    for t in changed:
        now = live.get(t.key)
        if now is None:
            reasons.append(f"{t.kind.words.noun} {t.key.name} no longer exists (id {t.target_id})")
        elif now.fingerprint != t.fingerprint:
            reasons.append(f"{t.kind.words.noun} {t.key.name} changed since the plan was made")
    if reasons:
        raise StalePlanError(reasons)
    return plan


COMMANDS = [apply]
