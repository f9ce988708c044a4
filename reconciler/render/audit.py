"""Rendering an Audit: a rich table on a terminal, plain aligned columns otherwise (logs,
pipes, tests), or JSON. The plain form::

    alice@example.com: user id user-alice in account 1111...
    Desired state: read from desired-state (5 files).

    ROOM           ROOM ID         LIVE    DECLARED       NOTE                 WHERE
    announcements  room-announ...  Member  Member         declared             Member via ...
    watercooler    room-waterc...  Member  -              room not in the ...

    alice@example.com is in 2 rooms in Chime; the desired state declares it in 1 room.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from reconciler import kinds
from reconciler.audit import Audit, AuditRow, Status
from reconciler.kinds import RoleValue
from reconciler.prose import counted
from reconciler.refs import MemberKind
from reconciler.render.audit_json import to_json
from reconciler.render.audit_narrow import block_lines, table_fits
from reconciler.render.columns import cell_len, pad, widths
from reconciler.render.json import indented
from reconciler.render.safe import json_text, shown, shown_values
from reconciler.render.text import wrap_hanging

EMPTY = "-"
GAP = "  "
STATUS_STYLES = {
    Status.IN_SYNC: "green",
    Status.ROLE_DIFFERS: "yellow",
    Status.NOT_DECLARED: "red",
    Status.ROOM_NOT_DECLARED: "red",
    Status.NOT_IN_CHIME: "yellow",
    Status.NO_SUCH_MEMBER: "red",
    Status.UNKNOWN: "",
}


def render_audit(audit: Audit, fmt: str, console: Console) -> None:
    """JSON exactly as ``format_json``; text as a table on a terminal, else plain lines."""
    if fmt == "json":  # exact values: the JSON encoder escapes what JSON needs
        console.out(format_json(audit), end="", highlight=False)
        return
    audit = shown_values(audit)  # nothing from live state or files is raw: render/safe.py
    if not console.is_terminal:
        for line in plain_lines(audit):
            console.out(line, highlight=False)
        return
    for line in header_lines(audit):
        _print_fitted(console, line)
    console.print()
    if audit.rows:
        _print_table(console, audit)
    else:
        console.print(f"No {audit.words.plural}.", highlight=False)
    console.print()
    _print_fitted(console, summary_line(audit))


def _print_fitted(console: Console, line: str) -> None:
    """A line of prose on a terminal: wrapped at words to its width, indented after."""
    for piece in wrap_hanging(Text(line), console.width):
        console.print(piece, highlight=False, soft_wrap=True)


def format_json(audit: Audit) -> str:
    return json_text(indented(to_json(audit))) + "\n"


def plain_lines(audit: Audit) -> list[str]:
    """The text form without colour: header, aligned columns, summary."""
    lines = [*header_lines(audit), ""]
    if audit.rows:
        columns = _columns(audit)
        table = [columns, *(_cells(audit, r) for r in audit.rows)]
        sizes = widths(table)  # in columns: a CJK name takes two per character
        for row in table:
            lines.append(GAP.join(pad(c, w) for c, w in zip(row, sizes, strict=True)).rstrip())
    else:
        lines.append(f"No {audit.words.plural}.")
    return [*lines, "", summary_line(audit)]


def header_lines(audit: Audit) -> list[str]:
    member = audit.member
    kind = "bot" if member.kind is MemberKind.BOT else "user"
    lines = []
    scope = audit.words.scope
    for a in audit.lookups:
        if not a.member_ids:
            lines.append(f"{member}: no Chime {kind} in {scope} {a.scope}")
            continue
        ids = ", ".join(a.member_ids)
        plural = "s" if len(a.member_ids) > 1 else ""
        lines.append(f"{member}: {kind} id{plural} {ids} in {scope} {a.scope}")
    lines.append(f"Desired state: {audit.desired_note}")
    return lines


def summary_line(audit: Audit) -> str:
    live = f"{_count(audit, audit.live_count)} in Chime"
    each = audit.live_by_member  # two bots of one name: each one's own (QA-LD Q-LD-3)
    if each:
        live = f"{live} ({', '.join(f'{m} in {n}' for m, n in sorted(each.items()))})"
    if not audit.desired_read:
        return f"{audit.member} is in {live}."
    return (
        f"{audit.member} is in {live}; the desired state declares it in "
        f"{_count(audit, audit.declared_count)}."
    )


def _count(audit: Audit, n: int) -> str:
    return counted(n, audit.words.noun, audit.words.plural)


def _several_scopes(audit: Audit) -> bool:
    """Whether the table gets a scope column: rows in several scopes, of a kind where
    the scope is not the target itself (``Words.scope_column``)."""
    scopes = {a.scope for a in audit.lookups} | {r.scope for r in audit.rows}
    return audit.words.scope_column and len(scopes) > 1


def _columns(audit: Audit) -> list[str]:
    noun = audit.words.noun.upper()
    columns = [noun, f"{noun} ID", "LIVE", "DECLARED", "NOTE", "WHERE"]
    return [audit.words.scope.upper(), *columns] if _several_scopes(audit) else columns


def _cells(audit: Audit, r: AuditRow) -> list[str]:
    where = "; ".join(p.describe() for p in r.provenance)
    cells = [
        r.name,
        r.target_id or EMPTY,
        r.role_text(r.live_role) or EMPTY,
        r.role_text(r.declared_role) or EMPTY,
        r.note or EMPTY,
        where or EMPTY,
    ]
    return [r.scope, *cells] if _several_scopes(audit) else cells


def _print_table(console: Console, audit: Audit) -> None:
    """The terminal table: the target's id under its name, one declaration a line."""
    _print_fitted_rows(
        console, audit, audit.words.noun.upper(), _several_scopes(audit), lambda s: s, lambda i: i
    )


def _print_fitted_rows(
    console: Console,
    audit: Audit,
    noun: str,
    several: bool,
    scope: Callable[[str], str],
    target_id: Callable[[str], str],
) -> None:
    """``audit``'s rows on a terminal, the document's and a section's alike: the target's
    id (as ``target_id`` shows it) under its name, one declaration a line, and the scope
    (as ``scope`` shows it) where ``several``. A table where its columns fit the width,
    each wrapping at words and folding a word wider than it, so nothing is cut (QA-FK
    Q-FK-7: a NOTE was ``decla…`` at 60 columns); narrower, one block a row
    (``audit_narrow``: at 40 columns the table left the name no width, QA-HE Q-HE-3)."""
    headers = [noun, "LIVE", "DECLARED", "NOTE", "WHERE"]
    # a role of one word (Administrator) kept whole while it can be; a meeting's
    # capabilities wrap at words
    roles = [r.role_text(x) or EMPTY for r in audit.rows for x in (r.live_role, r.declared_role)]
    widest = max(roles, key=cell_len) if not any(" " in role for role in roles) else None
    # cells as Text, never markup: rich's ``escape`` leaves ``\[Error]`` (a ``[`` not
    # lowercase) to its parser, which reads ``\[`` as ``[``: a name's ``##\[Error]``
    # (shown()'s escape) was printed as the workflow command ``##[Error]`` (QA-HM Q-HM-1)
    rows: list[list[Text]] = []
    for r in audit.rows:
        name = Text(r.name)
        if r.target_id:
            name.append("\n").append(target_id(r.target_id), style="dim")
        role_text = kinds.get(r.kind).role_text
        cells = [
            name,
            Text(r.role_text(r.live_role) or EMPTY),
            Text(r.role_text(r.declared_role) or EMPTY),
            Text(r.note or EMPTY, style=STATUS_STYLES[r.status]),
            Text("\n".join(p.describe(role_text) for p in r.provenance) or EMPTY),
        ]
        rows.append([*cells, Text(scope(r.scope))] if several else cells)
    if several:
        headers.append(audit.words.scope.upper())
    whole = [None, widest, widest, None, None, None][: len(headers)]
    if not table_fits(console.width, headers, whole):
        for line in block_lines(headers, rows, console.width):
            console.print(line, highlight=False, soft_wrap=True)
        return
    table = Table(show_edge=False, header_style="bold")
    order = [len(headers) - 1, *range(len(headers) - 1)] if several else range(len(headers))
    for i in order:
        kept = whole[i] is not None
        table.add_column(headers[i], overflow="fold", no_wrap=kept)
    for row in rows:
        table.add_row(*(row[i] for i in order))
    console.print(table)


# -- a section after the document's table (``MEMBER in Chime SDK messaging channels:``) ------


def section_title(audit: Audit) -> str:
    """The section's first line: ``MEMBER in Chime SDK messaging channels:``."""
    words = audit.words
    return f"{audit.member} in {words.listing or words.plural}:"


def render_section(audit: Audit, console: Console) -> None:
    """A section after the document's table, as the document's is rendered (QA-FK
    Q-FK-7): its title, then its rows in a table fitted to a terminal's width, else in
    plain aligned columns (``section_lines``)."""
    if not console.is_terminal:
        console.out(shown(section_title(audit)), highlight=False)
        for line in section_lines(audit):
            console.out(line, highlight=False)
        return
    audit = shown_values(audit)  # nothing from live state or files is raw: render/safe.py
    _print_fitted(console, section_title(audit))
    if not audit.rows:
        console.print(f"No {audit.words.entry_plural}.", highlight=False)
        return
    words = audit.words
    labels = {a.scope: a.label for a in audit.lookups if a.label}
    several = words.scope_column and len({r.scope for r in audit.rows}) > 1
    _print_fitted_rows(
        console,
        audit,
        words.entry_noun.upper(),
        several,
        lambda s: labels.get(s, s),
        lambda i: i.rsplit("/", 1)[-1],
    )


def section_lines(audit: Audit) -> list[str]:
    """A section's rows in aligned columns: the target's name and id (its ARN's last
    part), and the scope's label of settings.yaml when the rows are in several. Names from
    Chime or the files are shown with visible escapes (``render/safe.py``)."""
    words = audit.words
    if not audit.rows:
        return [f"No {words.entry_plural}."]
    noun = words.entry_noun.upper()
    several = words.scope_column and len({r.scope for r in audit.rows}) > 1
    header = (noun, f"{noun} ID", "LIVE", "DECLARED", "NOTE", "WHERE")
    table: list[tuple[str, ...]] = [(words.scope.upper(), *header) if several else header]
    labels = {a.scope: a.label for a in audit.lookups if a.label}
    for r in audit.rows:
        cells = (
            r.name,
            r.target_id.rsplit("/", 1)[-1] if r.target_id else EMPTY,
            r.role_text(r.live_role) or EMPTY,
            r.role_text(r.declared_role) or EMPTY,
            r.note,
            _where(r) or EMPTY,
        )
        scope = labels.get(r.scope, r.scope)
        table.append(tuple(shown(c) for c in ((scope, *cells) if several else cells)))
    sizes = widths(table, len(table[0]) - 1)  # in columns: a CJK name takes two each
    return [
        GAP.join(pad(cell, w) for cell, w in zip(line[:-1], sizes, strict=True)) + GAP + line[-1]
        for line in table
    ]


def _where(r: AuditRow) -> str:
    """Each path that declares the member there, as a room row's WHERE gives it (QA-FK
    Q-FK-1): ``ROLE via @group > @inner at FILE:LINE``, the role in the kind's words, or
    ``ROLE at FILE:LINE`` for the target's own entry."""
    role_text = kinds.get(r.kind).role_text
    return "; ".join(p.describe(role_text) for p in r.provenance)


def _role_json(kind: str, role: RoleValue | None) -> Any:
    """A role as the plan's JSON writes it (``Kind.role_json``: a meeting's capabilities
    object); None: no role."""
    return None if role is None else kinds.get(kind).role_json(role)


def section_json(audit: Audit) -> list[dict[str, Any]]:
    """A section's rows for the JSON document (its key: the kind's plural)."""
    rows = []
    for r in audit.rows:
        # distinct keys: checked when the kind is registered (``kinds.register``)
        scope, name, target_id = kinds.get(r.kind).words.audit_keys
        rows.append(
            {
                scope: r.scope,
                name: r.name,
                target_id: r.target_id,
                "live": _role_json(r.kind, r.live_role),
                "declared": _role_json(r.kind, r.declared_role),
                "where": [str(p.where) for p in r.provenance],
                # each path as a room row's ``declared_at`` has it (QA-FK Q-FK-1): the role
                # as the plan's JSON writes it, the group chain, the target's entry
                "declared_at": [
                    {
                        "role": _role_json(r.kind, p.role),
                        "file": p.where.file,
                        "line": p.where.line,
                        "via": list(p.via),
                        "entry": str(p.declared_at),
                    }
                    for p in r.provenance
                ],
                "note": r.note,
                "protected": r.protected,
            }
        )
    return rows
