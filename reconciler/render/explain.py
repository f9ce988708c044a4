"""Rendering an Explanation (``chime-reconciler explain``) as text or JSON.

The text form, per target: a ``# NOUN NAME (SCOPE)`` header (the kind's noun, as in
the plan), where the target is
declared and its owners, the declared role with one line per path (role, group chain,
FILE:LINE, until, reason, ticket; expired paths too), the live role and what the plan
does. Tests in ``tests/unit/governance/test_explain_render.py`` show it line by line.
"""

from __future__ import annotations

from rich.console import Console

from reconciler import kinds
from reconciler.governance.explain import Explanation, TargetExplanation, seconds, to_json
from reconciler.prose import counted, number
from reconciler.render.json import indented
from reconciler.render.safe import json_text, shown_values

EMPTY = "-"


def render_explain(explanation: Explanation, fmt: str, console: Console) -> None:
    text = format_json(explanation) if fmt == "json" else "\n".join(lines(explanation)) + "\n"
    console.out(text, end="", highlight=False)


def format_json(explanation: Explanation) -> str:
    """The JSON document: control, format and separator characters as ``\\uXXXX``."""
    return json_text(indented(to_json(explanation))) + "\n"


def lines(e: Explanation) -> list[str]:
    e = shown_values(e)  # nothing from live state or files is raw: render/safe.py
    out = [f"Explaining {e.member} as of {seconds(e.now)}.", ""]
    for t in e.targets:
        out.extend(target_lines(t, e))
        out.append("")
    out.append(summary_line(e))
    return out


def target_lines(t: TargetExplanation, e: Explanation) -> list[str]:
    ident = f"{t.scope_label} {t.scope}" + (f", id {t.target_id}" if t.target_id else "")
    where = f"declared in {t.location}"
    if t.owners:
        where += f"; owners: {', '.join(t.owners)}"
    noun = kinds.get(t.kind).words.noun if kinds.known(t.kind) else t.kind
    out = [f"# {noun} {t.name} ({ident})", f"  {where}"]
    out.append(f"  {t.role_word}: {t.declared_role or 'not declared'}")
    out.extend(f"    {d.describe(e.now)}" for d in t.declarations)
    live = t.live_role or ("not read" if not t.is_read else "not a member")
    if t.live_as is not None:  # which of the bots of MEMBER's name this section is
        live += f" (as {t.live_as})"
    out.append(f"  live: {live}")
    out.append(f"  plan: {t.note}")
    return out


OTHERS = "explain without --target reads the others"
OUTSIDE = "audit reads the rooms and channels outside them too"  # Kind.audit_lists_all's


def outside(e: Explanation) -> str:
    """Where the member's other targets are read, after the closing count (and after
    "neither declared nor live"): under ``--target`` that left some out, by explain
    without it; else, for a member of a kind ``audit`` lists in all of Chime
    (``Kind.audit_lists_all``), by audit (``OUTSIDE``); else nowhere (a meeting's
    attendee: audit reads the declared meetings only): nothing."""
    if e.others:  # --target left out targets of the desired state (QA-HB Q-HB-5)
        return f" ({OTHERS})"
    return f" ({OUTSIDE})" if e.audited else ""


def summary_line(e: Explanation) -> str:
    """The closing count, of the targets explain reads: the desired state's (QA-LE
    Q-LE-9: "live in 1 target" read as all of Chime, where the bot was in another room),
    or those ``--target`` gave, and says which (QA-GT Q-GT-3: "of the desired state's
    targets ... live in 0" where --target left out the room it was live in); then where
    the others are read (``outside``, Q-RR-16)."""
    if e.given is None:
        of, none = "the desired state's targets", "any declared target"
    else:
        n = e.given
        # what --target selects: one channel name selects its moderators too (QA-GZ Q-GZ-4)
        of = f"the {counted(n, 'target')} selected by --target"
        none = "the target selected by --target" if n == 1 else f"any of {of}"
    if not e.targets:
        return f"{e.member} is neither declared nor live in {none}{outside(e)}."
    return (
        f"Of {of}, {e.member} is declared in {number(e.declared)} and "
        f"live in {number(e.live)}{outside(e)}."
    )
