"""``show FILE``: render a saved plan (written by ``plan --out FILE``)."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.options import format_option, verbose_option
from reconciler.cli.system_path import SystemPath
from reconciler.planfile import load_plan
from reconciler.render import render_plan
from reconciler.runner import on_interrupt


@click.command()
@click.argument("file", type=SystemPath(path_type=Path))
@format_option
@verbose_option
@pass_app
@on_interrupt("show", "nothing was changed (show only reads the plan file)")
def show(app: AppContext, file: Path, fmt: str) -> None:
    """Render a saved plan (from `plan --out FILE`); -v adds provenance.

    \b
    Examples:
      chime-reconciler show plan.json
      chime-reconciler show plan.json -v                       # with provenance
      chime-reconciler show plan.json --format markdown >> "$GITHUB_STEP_SUMMARY"

    Exit 0 when the plan was shown; 1 when the file is missing, corrupt or from another
    format version.
    """
    render_plan(load_plan(file), fmt, verbose=app.verbose > 0, console=app.console())


COMMANDS = [show]
