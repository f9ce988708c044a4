"""``merge-plans FILE...``: the plans of every shard of one run (``plan --shard K/N --out
FILE``) as one plan (``reconciler.plan_merge``): rendered, saved, and its drift exit code."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.options import saved_plan_options, verbose_option
from reconciler.cli.out_file import check_outside_desired
from reconciler.cli.plan import EXIT_CHANGES
from reconciler.cli.plan_problems import problem_lines
from reconciler.cli.saved_note import saved_note
from reconciler.cli.stdout_seen import stdout_seen
from reconciler.cli.system_path import SystemPath
from reconciler.closed_output import written
from reconciler.merge_origin import merged_origin
from reconciler.plan_merge import merge_plans as merge
from reconciler.planfile import check_writable, load_plan, read_origin, save_plan
from reconciler.render import render_plan
from reconciler.runner import on_interrupt


@click.command("merge-plans")
@click.argument("files", nargs=-1, required=True, type=SystemPath(path_type=Path))
@saved_plan_options("Also save the merged plan to FILE (JSON, as plan --out writes it).")
@verbose_option
@pass_app
@on_interrupt(
    "merge-plans",
    "nothing in Chime was changed (merge-plans never calls it), "
    "and --out writes a whole file or none",
)
def merge_plans(
    app: AppContext, files: tuple[Path, ...], out: Path | None, fmt: str, detailed_exitcode: bool
) -> None:
    """Join the saved plans of every shard (plan --shard K/N --out FILE) into one plan.

    Prints the plan the whole run would have made, in any --format; the drift workflow
    posts its Markdown as the drift issue. Refused (exit 1, nothing printed) when a shard
    is missing or given twice, when the files come from different partitions or
    desired-state files or --now, or when a file plans a target of another shard.

    --out saves it with the shards' origin (the --desired, --endpoint-url, --region and
    --now they were made with, where they agree; when the first was made), which
    apply FILE uses as for any saved plan; where they differ, apply FILE needs the
    option (it refuses to run without it).

    \b
    Examples:
      chime-reconciler plan --shard 1/2 --format json --out plan-1.json
      chime-reconciler plan --shard 2/2 --format json --out plan-2.json
      chime-reconciler merge-plans plan-1.json plan-2.json
      chime-reconciler merge-plans plans/*.json --format markdown
      chime-reconciler merge-plans plans/*.json --out plan.json

    Exit codes: 0 merged; 1 refused, or the merged plan has errors or breaks a safety
    limit (as plan exits); 2 with --detailed-exitcode when there is drift.
    """
    if out is not None:
        check_writable(out)  # before anything is printed
    merged = merge([(str(f), load_plan(f)) for f in files])
    origin, notes = merged_origin([(str(f), read_origin(f)) for f in files])
    if out is not None:  # the desired state its apply FILE reads, and the one given
        check_outside_desired(out, app.desired_dir, "the merged plan")
        check_outside_desired(out, origin.get("desired"), "the merged plan")
    shown = written(  # a closed stdout (`| head`): the --out file is still written
        lambda: render_plan(merged, fmt, verbose=app.verbose > 0, console=app.console())
    )
    if out is not None:
        save_plan(merged, out, origin=origin)
        for note in notes:
            click.echo(note, err=True)
        click.echo(saved_note(out, merged, app, "merged plan", origin), err=True)
    ctx = click.get_current_context()
    if shown.failure is not None:  # stdout lost its errors: said here (QA-HK Q-HK-6)
        lost = problem_lines(merged, fmt, refused=True, noun="merged plan", in_output=False)
        for line in lost:
            click.echo(line, err=True)
    shown.end()  # a closed output: 141; one that could not be written (a full disk): 1
    if merged.errors or merged.violations:
        if fmt != "text" or not stdout_seen():  # the output holds them: stdout may be a file
            for line in problem_lines(merged, fmt, refused=True, noun="merged plan"):
                click.echo(line, err=True)
        ctx.exit(1)
    if detailed_exitcode and merged.drifted:
        ctx.exit(EXIT_CHANGES)


COMMANDS = [merge_plans]
