"""The commands and the modules defining them. Each module exposes ``COMMANDS``: click
commands to add. A module is imported only when one of its commands is run or listed
(``--help``, completion), so that `plan` does not pay for importing the emulator, the
importer or the GitHub glue (start-up is a large part of a quick plan)."""

from __future__ import annotations

import importlib

import click

from reconciler import collector

# command name -> the module (under reconciler.cli) that defines it
MODULES = {
    "validate": "validate",
    "plan": "plan",
    "apply": "apply",
    "show": "show",
    "merge-plans": "merge_plans",
    "import": "import_cmd",
    "audit": "audit",
    "explain": "explain",
    "codeowners": "codeowners",
    "schema": "schema",
    "emulator": "emulator",
    "demo": "demo",
    "gitops": "gitops",
    "completion": "completion",
}


def names() -> list[str]:
    return sorted(MODULES)


def load(group: click.Group, name: str) -> click.Command | None:
    """The command ``name`` of ``group``, its module imported (and its commands added) on
    first use; None for an unknown name."""
    if name not in group.commands and name in MODULES:
        with collector.paused(freeze=True):  # as the command line's own (cli/__init__.py)
            module = importlib.import_module(f"reconciler.cli.{MODULES[name]}")
        for command in module.COMMANDS:
            group.add_command(command)
    return group.commands.get(name)
