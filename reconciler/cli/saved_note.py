"""The lines ``plan --out`` and ``merge-plans --out`` print on stderr once the plan is
saved: the exact command to apply it, with the global options that were used (QA-FK
Q-FK-5: ``merge-plans`` said only that it saved the file)."""

from __future__ import annotations

import shlex
from pathlib import Path

from reconciler.cli.context import AppContext
from reconciler.plan import Plan
from reconciler.redact import has_secrets
from reconciler.redirected import redirected
from reconciler.regular_file import not_regular

PROG = "chime-reconciler"


def saved_note(out: Path, result: Plan, app: AppContext, what: str = "plan") -> str:
    """What stderr says of a plan ``--out`` saved (``what``: ``plan``, ``merged plan``):
    the command that applies exactly it, with the global options this run was given; or
    why there is none (no changes, errors, a file apply cannot read back)."""
    kind = not_regular(out)
    if kind is not None:  # `--out /dev/null`: no `apply /dev/null` to copy (Q-CE-4)
        return (
            f"Wrote the {what} to {out}: {kind}, from which apply cannot read it back; give "
            "--out a regular file to apply exactly this plan."
        )
    # `--out /dev/stdout > plan.json`: the plan is in plan.json, the file apply must read
    behind = redirected(out)
    named = str(out) if behind is None else behind.name
    saved = str(out) if behind is None or named is None else f"{out} ({named})"
    if result.errors:
        return f"Saved the {what} to {saved}; it has errors, so apply will refuse it."
    if not result.has_changes:
        return f"Saved the {what} to {saved}; it has no changes to apply."
    if named is None:
        return (
            f"Saved the {what} to {out}, into the file it leads to, whose name cannot be "
            "found (deleted or renamed since): to apply exactly this plan, give apply that "
            "file by its name (or --out a file's name)."
        )
    unsafe = ["--allow-unsafe"] if result.violations else []
    words = [PROG, *app.global_args(), "apply", *unsafe, named]
    note = f"Saved the {what} to {saved}. Apply exactly this plan with:\n  {shlex.join(words)}"
    if app.endpoint_url and has_secrets(app.endpoint_url):
        note += (
            "\n(with your --endpoint-url in full: its user, password and query values are "
            "never printed, nor stored in the plan file)"
        )
    return note
