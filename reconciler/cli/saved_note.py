"""The lines ``plan --out`` and ``merge-plans --out`` print on stderr once the plan is
saved: the exact command to apply it, with the global options that were used (QA-FK
Q-FK-5: ``merge-plans`` said only that it saved the file); of a plan the safety rules
refuse, that apply refuses it too, before the command that overrides them (Q-GB-1: the
note was a ready-to-paste ``apply --allow-unsafe`` and all stderr said)."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from reconciler.cli.context import AppContext
from reconciler.os_text import os_form, text_of
from reconciler.plan import Plan
from reconciler.redact import has_secrets
from reconciler.redirected import redirected
from reconciler.regular_file import not_regular
from reconciler.render.limits import override, refused_by

PROG = "chime-reconciler"


def saved_note(
    out: Path,
    result: Plan,
    app: AppContext,
    what: str = "plan",
    origin: Mapping[str, Any] | None = None,
    allow_unsafe: bool = False,
) -> str:
    """What stderr says of a plan ``--out`` saved (``what``: ``plan``, ``merged plan``):
    the command that applies exactly it, with the global options this run was given (a
    merged plan: the --desired, --endpoint-url, --region its ``origin`` records, those of
    the shards, not the merge run's: Q-FV-2); or why there is none (no changes, errors, a
    file apply cannot read back). A plan that breaks the safety rules says so: refused
    (the run's exit 1) unless ``allow_unsafe`` overrode them, as apply must too."""
    kind = not_regular(out)
    shown_out = text_of(str(out))  # as text, as typed: in a C locale it holds lone surrogates
    if kind is not None:  # `--out /dev/null`: no `apply /dev/null` to copy (Q-CE-4)
        return (
            f"Wrote the {what} to {shown_out}: {kind}, from which apply cannot read it back; give "
            "--out a regular file to apply exactly this plan."
        )
    # `--out /dev/stdout > plan.json`: the plan is in plan.json, the file apply must read
    behind = redirected(out)
    # as text, as typed (Q-HE-2); the file behind, too (``Redirected.name``)
    named = shown_out if behind is None else behind.name
    saved = shown_out if behind is None or named is None else f"{shown_out} ({named})"
    refused = refused_by(len(result.violations))  # when it lists any
    if result.errors:  # and the safety rules it breaks, not overridden (Q-GK-5)
        also = f" and {refused}" if result.violations and not allow_unsafe else ""
        return f"Saved the {what} to {saved}; it has errors{also}, so apply will refuse it."
    if not result.has_changes:
        return f"Saved the {what} to {saved}; it has no changes to apply."
    if named is None:
        return (
            f"Saved the {what} to {shown_out}, into the file it leads to, whose name cannot be "
            "found (deleted or renamed since): to apply exactly this plan, give apply that "
            "file by its name (or --out a file's name)."
        )
    unsafe = ["--allow-unsafe"] if result.violations else []
    options, missing = (app.global_args(), []) if origin is None else _origin_args(app, origin)
    words = [PROG, *options, "apply", *unsafe, named]
    missed = f"the {', '.join(missing)} its shards were planned with (the file records none)"
    head, how = f"Saved the {what} to {saved}.", "Apply exactly this plan with"
    if missing:  # not recorded (the shards differ, or were not saved with --out)
        how = f"Apply it with {missed} added to"
    if result.violations:
        head = f"Saved the {what} to {saved}; it {refused}: {override()}."
    if result.violations and not allow_unsafe:
        how = "To override the safety rules and apply it all the same"
        how += f", add {missed} to" if missing else ""
    note = f"{head} {how}:\n  {shlex.join(words)}"
    if app.endpoint_url and has_secrets(app.endpoint_url) and "--endpoint-url" in options:
        note += (
            "\n(with your --endpoint-url in full: its user, password and query values are "
            "never printed, nor stored in the plan file)"
        )
    return note


# an origin key and its option
_ORIGIN = (("desired", "--desired"), ("endpoint_url", "--endpoint-url"), ("region", "--region"))


def _origin_args(app: AppContext, origin: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """A merged plan's global options: each the origin records, as recorded (the merge run
    may be another job, elsewhere, with another region); one it does not, as this run was
    given it, else listed as missing; then this run's others (--profile, --rate, ...)."""
    own = app.global_args()
    pairs = list(zip(own[::2], own[1::2], strict=True))  # --rate may come more than once
    mine = dict(pairs)
    args: list[str] = []
    missing = []
    for key, option in _ORIGIN:
        value = origin.get(key)
        if key == "desired" and value:
            value = _near(value)
        if key == "endpoint_url" and value and has_secrets(value):
            value = None  # stored masked: apply needs it in full
        value = value or mine.get(option)
        if value:
            args += [option, value]
        else:
            missing.append(option)
    taken = {option for _, option in _ORIGIN}
    others = [a for o, v in pairs if o not in taken for a in (o, v)]
    return [*args, *others], missing


def _near(desired: str) -> str:
    """The recorded (absolute) --desired, relative when it is under this directory."""
    relative = text_of(os.path.relpath(os_form(desired)))
    return desired if relative.startswith("..") else relative
