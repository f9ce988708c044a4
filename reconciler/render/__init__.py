"""Renderers: they only format a Plan (text for terminals, Markdown for pull requests, JSON
for machines). ``render_plan`` is what the CLI calls."""

from __future__ import annotations

from rich.console import Console

from reconciler.errors import UsageError
from reconciler.plan import Plan
from reconciler.render.json import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import TextRenderer, render_text

FORMATS = ("text", "markdown", "json")


def format_plan(plan: Plan, fmt: str, *, verbose: bool = False, allow_unsafe: bool = False) -> str:
    """The plan in ``fmt`` as plain text (no colour), ending with a newline.
    ``allow_unsafe``: safety violations are shown as overridden, not as a refusal."""
    if fmt == "text":
        return render_text(plan, verbose=verbose, allow_unsafe=allow_unsafe)
    if fmt == "markdown":
        return render_markdown(plan, verbose=verbose, allow_unsafe=allow_unsafe)
    if fmt == "json":
        return render_json(plan)
    raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_plan(
    plan: Plan,
    fmt: str,
    *,
    verbose: bool = False,
    console: Console,
    allow_unsafe: bool = False,
) -> None:
    """Write the plan to ``console``: text in colour when the console is a terminal that
    allows colour; Markdown and JSON always exactly as ``format_plan`` returns them."""
    if fmt == "text":
        TextRenderer(verbose=verbose, allow_unsafe=allow_unsafe).run(plan, console)
    else:  # written as it is: rich would split a large plan into a million styled lines
        text = format_plan(plan, fmt, verbose=verbose, allow_unsafe=allow_unsafe)
        console.file.write(text)
        console.file.flush()


__all__ = ["FORMATS", "format_plan", "render_plan"]
