"""`chime-reconciler plan`: show what would change; change nothing."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import collector
from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.options import (
    allow_unsafe_option,
    saved_plan_options,
    shard_from,
    shard_option,
    target_option,
    verbose_option,
)
from reconciler.cli.out_file import check_outside_desired
from reconciler.cli.pipeline import Session
from reconciler.runner import reads_only
from reconciler.timing import timed

EXIT_CHANGES = 2


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
        from reconciler.planfile import check_writable

        check_writable(out)  # before reading Chime: not after minutes of it
        check_outside_desired(out, app.desired_dir)
    session = Session.open(app, shard, read_ahead=targets)
    # what printing the plan needs: imported while the reads ahead are under way, after
    # their first call, not before it (a plan's start: README "Start-up and exit")
    with collector.paused(freeze=True):  # as the command line's own modules
        from reconciler.cli.plan_problems import problem_lines
        from reconciler.cli.saved_note import saved_note
        from reconciler.cli.stdout_seen import stdout_seen
        from reconciler.closed_output import written
        from reconciler.planfile import save_plan
        from reconciler.render import render_plan
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
    if out is not None:
        save_plan(result, out, origin=app.origin())
        click.echo(saved_note(out, result, app, allow_unsafe=allow_unsafe), err=True)
    ctx = click.get_current_context()
    if shown.failure is not None:  # stdout lost its errors: said here (QA-HK Q-HK-6)
        for line in problem_lines(result, fmt, refused=refused, in_output=False):
            click.echo(line, err=True)
    shown.end()  # a closed output: 141; one that could not be written (a full disk): 1
    # only now is it known that the output holds them and that the exit is 1 (Q-GK-4)
    if fmt != "text" or not stdout_seen():  # say so where a person looks (stdout: a file)
        for line in problem_lines(result, fmt, refused=refused):
            click.echo(line, err=True)
    if result.errors or refused:
        ctx.exit(1)
    if detailed_exitcode and result.drifted:
        ctx.exit(EXIT_CHANGES)


COMMANDS = [plan]
