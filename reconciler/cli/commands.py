"""The list of command modules. Each exposes ``COMMANDS``: click commands to add."""

from __future__ import annotations

import importlib

import click

MODULES = (
    "validate",
    "plan",
    "apply",
    "show",
    "merge_plans",
    "import_cmd",
    "audit",
    "explain",
    "codeowners",
    "schema",
    "emulator",
    "demo",
    "gitops",
    "completion",
)


def register(group: click.Group) -> None:
    for name in MODULES:
        module = importlib.import_module(f"reconciler.cli.{name}")
        for command in module.COMMANDS:
            group.add_command(command)
