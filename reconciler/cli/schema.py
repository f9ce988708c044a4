"""`chime-reconciler schema`: the JSON Schema of the desired-state files, for editors."""

from __future__ import annotations

import json

import click

from reconciler.desired.schema_export import KINDS, json_schema


@click.command()
@click.option(
    "--file",
    "kind",
    type=click.Choice(sorted(KINDS)),
    default="rooms",
    show_default=True,
    help="Which file: rooms (any file with groups: and rooms:), settings (settings.yaml) "
    "or restrictions (restrictions.yaml).",
)
def schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of a desired-state file.

    \b
    Save it and point your editor at it from the top of a YAML file:
      chime-reconciler schema > rooms.schema.json
      # yaml-language-server: $schema=../rooms.schema.json
    """
    click.echo(json.dumps(json_schema(kind), indent=2, sort_keys=False))


COMMANDS = [schema]
