"""`chime-reconciler plan`: show what would change; change nothing."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.options import (
    allow_unsafe_option,
    saved_plan_options,
    shard_from,
    shard_option,
    target_option,
    verbose_option,
)
from reconciler.cli.pipeline import Session
from reconciler.cli.plan_problems import problem_lines
from reconciler.closed_output import written
from reconciler.plan import Plan
from reconciler.planfile import check_writable, save_plan
from reconciler.redact import has_secrets
from reconciler.redirected import redirected
from reconciler.regular_file import not_regular
from reconciler.render import render_plan
from reconciler.runner import reads_only
from reconciler.timing import timed

EXIT_CHANGES = 2
PROG = "chime-reconciler"


@click.command()
@saved_plan_options("Also save the plan to FILE (JSON) for `apply FILE` or `show FILE`.")
@target_option
@shard_option
@allow_unsafe_option
@verbose_option
@pass_app
@reads_only("plan")
def plan(
    app: AppContext,
    out: Path | None,
    fmt: str,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
    shard_text: str | None,
    allow_unsafe: bool,
) -> None:
    """Show the changes that would make Chime match the desired state.

    Reads the live memberships of every declared target (or only the --target ones, or
    only shard K of N with --shard K/N: `merge-plans` joins the shards' saved plans),
    compares them with the YAML files and prints the plan. Nothing is changed.

    \b
    Examples:
      chime-reconciler plan
      chime-reconciler plan --target incident-response -v   # with provenance
      chime-reconciler plan --format markdown > plan.md     # for a PR comment
      chime-reconciler plan --out plan.json                 # for apply plan.json
      chime-reconciler plan --detailed-exitcode             # exit 2: changes
      chime-reconciler plan --shard 2/3 --out plan-2.json   # job 2 of a CI matrix

    What `validate` refuses (settings.yaml max_grant_days, require_reason, a CODEOWNERS
    out of date) is an error of the plan too (exit 1).

    A plan that removes too much or leaves a target without enough administrators or
    moderators is printed, then refused (exit 1) unless --allow-unsafe.
    """
    shard = shard_from(shard_text, targets)
    if out is not None:
        check_writable(out)  # before reading Chime: not after minutes of it
    session = Session.open(app, shard, read_ahead=targets)
    result = session.plan(targets)  # with what validate refuses as errors (Session.plan)
    with timed("render"):
        shown = written(  # a closed stdout (`| head`): the --out file is still written
            lambda: render_plan(
                result,
                fmt,
                verbose=app.verbose > 0,
                console=app.console(),
                allow_unsafe=allow_unsafe,
            )
        )
    refused = bool(result.violations) and not allow_unsafe
    if fmt != "text":  # the document holds them; say so where a person looks (stdout: a file)
        for line in problem_lines(result, fmt, refused=refused):
            click.echo(line, err=True)
    if out is not None:
        save_plan(result, out, origin=app.origin())
        click.echo(_saved_note(out, result, app), err=True)
    ctx = click.get_current_context()
    shown.end()  # a closed output: 141; one that could not be written (a full disk): 1
    if result.errors or refused:
        ctx.exit(1)
    if detailed_exitcode and result.drifted:
        ctx.exit(EXIT_CHANGES)


def _saved_note(out: Path, result: Plan, app: AppContext) -> str:
    what = not_regular(out)
    if what is not None:  # `--out /dev/null`: no `apply /dev/null` to copy (Q-CE-4)
        return (
            f"Wrote the plan to {out}: {what}, from which apply cannot read it back; give "
            "--out a regular file to apply exactly this plan."
        )
    # `--out /dev/stdout > plan.json`: the plan is in plan.json, the file apply must read
    behind = redirected(out)
    named = str(out) if behind is None else behind.name
    saved = str(out) if behind is None or named is None else f"{out} ({named})"
    if result.errors:
        return f"Saved the plan to {saved}; it has errors, so apply will refuse it."
    if not result.has_changes:
        return f"Saved the plan to {saved}; it has no changes to apply."
    if named is None:
        return (
            f"Saved the plan to {out}, into the file it leads to, whose name cannot be "
            "found (deleted or renamed since): to apply exactly this plan, give apply that "
            "file by its name (or --out a file's name)."
        )
    unsafe = ["--allow-unsafe"] if result.violations else []
    words = [PROG, *app.global_args(), "apply", *unsafe, named]
    note = f"Saved the plan to {saved}. Apply exactly this plan with:\n  {shlex.join(words)}"
    if app.endpoint_url and has_secrets(app.endpoint_url):
        note += (
            "\n(with your --endpoint-url in full: its user, password and query values are "
            "never printed, nor stored in the plan file)"
        )
    return note


COMMANDS = [plan]
