"""Completing a global option's value typed after the command: ``plan --desired d<TAB>``.

The command line accepts global options after the command (``cli/argv.py`` moves them),
but click completes only the options of the command the cursor is in: ``plan`` has no
``--desired``, so its value was completed as nothing. ``GlobalOptionValues`` asks the root
group's option instead, when the command has no option of that name (a command's own
option of the same name keeps it, as when the command runs)."""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import CompletionItem, ShellComplete, _resolve_context


def global_option(ctx: click.Context, name: str) -> click.Option | None:
    """The root group's option spelled ``name`` that takes a value, if ``ctx``'s command
    (below the root) has no option of that spelling."""
    if ctx.parent is None:
        return None  # before the command: click completes the root's own options
    for param in ctx.command.get_params(ctx):
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            return None
    root = ctx.find_root()
    for param in root.command.get_params(root):
        if isinstance(param, click.Option) and name in param.opts:
            return None if param.is_flag or param.count else param
    return None


class GlobalOptionValues(ShellComplete):
    """A shell's completion that also completes a global option's value after the command."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem[Any]]:
        ctx = _resolve_context(self.cli, self.ctx_args, self.prog_name, list(args))
        name, value = (args[-1], incomplete) if args else ("", incomplete)
        if incomplete.startswith("--") and "=" in incomplete:
            name, _, value = incomplete.partition("=")
        option = global_option(ctx, name) if name.startswith("-") else None
        if option is None:
            return super().get_completions(args, incomplete)
        return option.shell_complete(ctx, value)
