"""``show FILE``: render a saved plan (written by ``plan --out FILE``)."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.planfile import load_plan
from reconciler.render import FORMATS, render_plan


@click.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull request, json for machines.",
)
@pass_app
def show(app: AppContext, file: Path, fmt: str) -> None:
    """Render a saved plan (from `plan --out FILE`); -v adds provenance.

    \b
      chime-reconciler show plan.json
      chime-reconciler show plan.json --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    render_plan(load_plan(file), fmt, verbose=app.verbose > 0, console=app.console())


COMMANDS = [show]
