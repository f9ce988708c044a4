"""Completing a global option's value typed after the command: ``plan --desired d<TAB>``.

The command line accepts global options after the command (``cli/argv.py`` moves them),
but click completes only the options of the command the cursor is in: ``plan`` has no
``--desired``, so its value was completed as nothing. ``GlobalOptionValues`` asks the root
group's option instead, when the command has no option of that name (a command's own
option of the same name keeps it, as when the command runs)."""

from __future__ import annotations

from typing import Any

import click
from click.shell_completion import (
    CompletionItem,
    ShellComplete,
    _is_incomplete_option,
    _resolve_context,
)


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
            return super().get_completions(args, incomplete) + global_names(ctx, args, incomplete)
        return option.shell_complete(ctx, value)


def global_names(ctx: click.Context, args: list[str], incomplete: str) -> list[CompletionItem]:
    """The root group's option names an option typed after the command may be (``plan
    --de<TAB>``: ``--desired``; QA Q-FW-3), those the command has not itself; none
    before the command (click offers them), or while an option's value is awaited."""
    if ctx.parent is None or not incomplete.startswith("-") or "=" in incomplete:
        return []
    own = [p for p in ctx.command.get_params(ctx) if isinstance(p, click.Option)]
    if any(_is_incomplete_option(ctx, args, p) for p in own):
        return []
    taken = {n for p in own for n in (*p.opts, *p.secondary_opts)}
    root = ctx.find_root()
    return [
        CompletionItem(name, help=param.help)
        for param in root.command.get_params(root)
        if isinstance(param, click.Option) and not param.hidden
        for name in (*param.opts, *param.secondary_opts)
        if name.startswith("--")
        and name.startswith(incomplete)
        and name not in taken
        and name not in ("--help", "--version")
    ]
