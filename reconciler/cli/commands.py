"""The list of command modules. Each exposes ``COMMANDS``: click commands to add."""

from __future__ import annotations

import importlib

import click

MODULES = (
    "validate",
    "plan",
    "apply",
    "show",
    "import_cmd",
    "audit",
    "schema",
    "emulator",
    "demo",
    "gitops",
)


def register(group: click.Group) -> None:
    for name in MODULES:
        qualified = f"reconciler.cli.{name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:  # not written yet
                continue
            raise
        for command in module.COMMANDS:
            group.add_command(command)
