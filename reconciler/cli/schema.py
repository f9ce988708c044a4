"""`chime-reconciler schema`: the JSON Schema of the desired-state files, for editors, and
of the plan's JSON output, for machines."""

from __future__ import annotations

import json

import click

from reconciler.cli.kind_help import section_keys
from reconciler.desired.schema_export import KINDS, json_schema
from reconciler.render.json import load_schema
from reconciler.runner import on_interrupt

PLAN = "plan"


@click.command()
@click.option(
    "--file",
    "kind",
    type=click.Choice([*sorted(KINDS), PLAN]),
    default="rooms",
    show_default=True,
    help=f"Which file: rooms (any file with {', '.join(['groups:', *section_keys()])}), "
    "settings (settings.yaml), restrictions (restrictions.yaml), or plan (the output of "
    "`plan --format json` and of `plan --out`).",
)
@on_interrupt("schema", "nothing was changed (schema only prints)")
def schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a desired-state file, or of a plan.

    \b
    Examples:
      chime-reconciler schema > rooms.schema.json
      # then, at the top of a YAML file, for checks and completion in editors:
      # yaml-language-server: $schema=../rooms.schema.json
      chime-reconciler schema --file plan > plan.schema.json   # what CI consumes
    """
    document = load_schema() if kind == PLAN else json_schema(kind)
    click.echo(json.dumps(document, indent=2, sort_keys=False))


COMMANDS = [schema]
