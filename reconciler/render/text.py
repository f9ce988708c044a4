"""The terminal rendering of a Plan, the way ``terraform plan`` prints one.

Each line is a ``rich.text.Text``: its ``.plain`` is exactly what a terminal without colour
shows, so tests compare plain lines and a console adds colour only on a terminal::

    # room incident-response (account 1111..., id room-1)
      + alice@example.com (Administrator)
      ~ bob@example.com: Member -> Administrator
      - carol@example.com (Member)
        unmanaged: webhook:Alerts (Member)

    3 rooms unchanged.

    Plan: 1 to add, 1 to change, 1 to remove.

Safety violations come after the closing line (render first, then refuse: OpenTofu order).
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.text import Text

from reconciler import kinds
from reconciler.crowded import crowded_lines
from reconciler.full_swap import full_swap_lines
from reconciler.governance.expiry import until_of
from reconciler.governance.expiry import until_set_at as set_at
from reconciler.governance.grant import PROTECTION
from reconciler.kinds import Kind, RoleValue
from reconciler.live import LiveMember
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.prose import number
from reconciler.refs import MemberRef, Provenance
from reconciler.render.columns import cell_len, fitting_end, value_lines
from reconciler.render.drift import LABEL as DRIFT_LABEL
from reconciler.render.drift import drift_first, drift_lines
from reconciler.render.governance import (
    expired_note,
    expired_prefix,
    expiring_lines,
    grant_text,
    kept_lines,
)
from reconciler.render.limits import limits_source, override, refused_by
from reconciler.render.safe import shown, shown_values
from reconciler.render.twin_bots import named, twin_bots

SYMBOLS = {Action.CREATE: "+", Action.UPDATE: "~", Action.DELETE: "-"}
STYLES = {Action.CREATE: "green", Action.UPDATE: "yellow", Action.DELETE: "red"}
HEADER_STYLE = "bold"
NOTE_STYLE = "dim"
ERROR_STYLE = "bold red"
WARNING_STYLE = "bold yellow"
DRIFT_STYLE = "yellow"
CHANGE_INDENT = "  "
NOTE_INDENT = "    "
DETAIL_INDENT = "      "


class TextRenderer:
    """Renders a Plan as lines of text. ``verbose`` adds provenance under each member and
    lists unmanaged members of unchanged targets."""

    def __init__(self, *, verbose: bool = False, allow_unsafe: bool = False) -> None:
        self.verbose = verbose
        self.allow_unsafe = allow_unsafe

    def run(self, plan: Plan, console: Console) -> None:
        """Print the lines. On a terminal they fit its width: a target's header too long
        for it puts its details on the next line, and long lines wrap at words, indented
        under their start; elsewhere (files, pipes, CI logs) each line is printed whole."""
        if not console.is_terminal:
            for line in self.lines(plan):
                console.print(line, soft_wrap=True, highlight=False)
            return
        for line in self.lines(plan):
            for part in fit_header(line, console.width):
                for piece in wrap_hanging(part, console.width):
                    console.print(piece, soft_wrap=True, highlight=False)

    def lines(self, plan: Plan) -> list[Text]:
        plan = shown_values(plan)  # nothing from live state or files is raw: render/safe.py
        out: list[Text] = []
        shown = [t for t in plan.targets if self._shows(t)]
        for target in shown:
            out.extend(self._target(target))
            out.append(Text())
        unchanged = [t for t in plan.targets if not self._shows(t)]
        if unchanged:
            out.append(Text(_unchanged_line(unchanged)))
            out.append(Text())
        for warning in (
            crowded_lines(plan),
            full_swap_lines(plan),
            kept_lines(plan),
            expiring_lines(plan),
        ):
            if warning:
                out.append(Text.assemble(("Warning:", WARNING_STYLE), f" {warning[0]}"))
                out.extend(Text(f"{CHANGE_INDENT}{line}") for line in warning[1:])
                out.append(Text())
        if plan.drift:
            first, hint = drift_lines(plan.targets, plan.expired_kept, plan.unadoptable)
            out += [Text(first, style=DRIFT_STYLE), Text(hint), Text()]
        for notice in plan.notices:
            out.append(Text.assemble(("Note:", HEADER_STYLE), f" {notice}"))
        if plan.notices:
            out.append(Text())
        for error in plan.errors:
            out.append(Text.assemble(("Error:", ERROR_STYLE), f" {error}"))
        if plan.errors:
            out.append(Text())
        out.append(Text(plan.summary_line(), style=HEADER_STYLE))
        if plan.violations and self.allow_unsafe:
            out.append(Text())
            for v in plan.violations:
                out.append(Text.assemble(("Warning:", ERROR_STYLE), f" unsafe plan: {v}"))
            if not plan.errors:  # errors stop it all the same
                out.append(Text(unsafe_hint(plan, allowed=True)))
        elif plan.violations:
            out.append(Text())
            for v in plan.violations:
                out.append(Text.assemble(("Error:", ERROR_STYLE), f" refusing this plan: {v}"))
            out.append(Text(unsafe_hint(plan)))
        return out

    def _shows(self, t: TargetPlan) -> bool:
        return bool(t.changes or t.protected or t.drift or (self.verbose and t.unmanaged))

    def _target(self, t: TargetPlan) -> list[Text]:
        words = t.kind.words
        out: list[Text] = [
            TargetHeader(
                f"# {words.noun} {t.key.name}",
                f"{words.scope} {t.key.scope}, id {t.target_id}",
                style=HEADER_STYLE,
            )
        ]
        twins = twin_bots(t)  # two bots of one name: each by its id too (Q-GH-2)
        for change in t.changes:
            out.append(change_line(change, twins))
            if self.verbose:
                out.extend(Text(s, style=NOTE_STYLE) for s in _why(change))
        drift = set(t.drift)
        for m in drift_first(t):
            if m in drift:
                line = f"{NOTE_INDENT}{DRIFT_LABEL}: {live_member(t.kind, m, twins)}"
                out.append(Text(line, style=DRIFT_STYLE))
            else:
                line = f"{NOTE_INDENT}unmanaged: {live_member(t.kind, m, twins)}"
                out.append(Text(line, style=NOTE_STYLE))
        for m in t.protected:
            out.append(
                Text(
                    f"{NOTE_INDENT}protected: {live_member(t.kind, m, twins)}, left unchanged",
                    style=NOTE_STYLE,
                )
            )
        return out


def quiet_lines(plan: Plan, *, allow_unsafe: bool = False) -> list[str]:
    """What a plan that is not shown (``apply --quiet``) still says, for a CI log: its
    errors (nothing is applied), then each safety rule it breaks (QA-GK Q-GK-5: not
    only the errors, or the next run's refusal was never mentioned), refused or
    overridden by --allow-unsafe (with ``unsafe_hint``: where the limits are set, and the
    override)."""
    errors = [shown(f"Error: {error}") for error in plan.errors]
    if not plan.violations:
        return errors
    if not allow_unsafe:
        return [
            *errors,
            *(shown(f"Error: refusing this plan: {v}") for v in plan.violations),
            unsafe_hint(plan),
        ]
    warnings = [shown(f"Warning: unsafe plan: {v}") for v in plan.violations]
    if errors:  # errors stop it all the same: nothing proceeds, as the text plan says
        return [*errors, *warnings]  # (QA-HB Q-HB-6)
    return [*errors, *warnings, unsafe_hint(plan, allowed=True)]


def unsafe_hint(plan: Plan, *, allowed: bool = False) -> str:
    """``This plan is refused by 1 safety rule (settings.yaml `safety:`): apply applies it
    only with --allow-unsafe.``: under the refusals, how many, where their limits are set,
    and the override; ``allowed`` (--allow-unsafe given): ``...: proceeding anyway, as
    --allow-unsafe was given.``"""
    refused = refused_by(len(plan.violations))
    return f"This plan {refused} ({limits_source(plan.violations)}): {override(allowed=allowed)}."


def change_line(c: Change, twins: frozenset[MemberRef] = frozenset()) -> Text:
    """``  + alice@example.com (Administrator)`` and the like, the symbol coloured; one of
    ``twins`` (``twin_bots``) with its id, ``- bot:Pager (id b1) (Member)``."""
    symbol = SYMBOLS[c.action]
    kind = c.kind
    member = named(c.member, c.member_id, twins)
    if c.action is Action.CREATE:
        body = f"{member} ({_role(kind, c.role_after)})"
    elif c.action is Action.DELETE:
        body = f"{member} ({_role(kind, c.role_before)})"
    else:
        body = f"{member}: {_role(kind, c.role_before)} -> {_role(kind, c.role_after)}"
        if not kind.updates_in_place(c.member_kind):
            body += kind.words.replace_note
    note = expired_note(c)
    if note:
        body += f": {note}"
    return Text.assemble(CHANGE_INDENT, (symbol, STYLES[c.action]), f" {body}")


def render_text(plan: Plan, *, verbose: bool = False, allow_unsafe: bool = False) -> str:
    """The plan as plain text (no colour), one line per line, ending with a newline."""
    renderer = TextRenderer(verbose=verbose, allow_unsafe=allow_unsafe)
    return "".join(line.plain + "\n" for line in renderer.lines(plan))


def describe_provenance(kind: Kind, p: Provenance) -> str:
    """``via @sre > @oncall at FILE:LINE as Administrator`` or ``declared at FILE:LINE ...``,
    with the entry's until, reason and ticket (``expired DATE, `` first when it ended); a
    ``protected:`` group entry as ``explain`` words it: ``protected (a `protected:` group
    entry) via @oncall at FILE:LINE`` (its role is the live one it kept: QA-CJ Q-CJ-4)."""
    role = kind.role_text(p.role)
    if p.protection:
        chain = f" via {p.chain}" if p.via else ""
        text = f"{PROTECTION}{chain} at {p.where}"
    elif p.via:
        chain = " > ".join(f"@{g}" for g in p.via)
        text = f"via {chain} at {p.where} as {role}"
    else:
        text = f"declared at {p.declared_at} as {role}"
    return f"{expired_prefix(p)}{text}{until_set_at(p)}{grant_text(p)}"


def until_set_at(p: Provenance) -> str:
    """`` (until set at FILE:LINE)`` where the path's ``until`` is written on another line
    than the one ``describe_provenance`` shows (an outer group's entry, or the target's
    own entry of a group member, whose line only ``explain`` shows: QA-GL Q-GL-5): the
    line to edit to extend it, as ``explain`` says it (QA-FZ Q-FZ-2, QA-GG Q-GG-6); ""
    otherwise."""
    shown = (p.where,) if p.protection or p.via else (p.where, p.declared_at)
    return set_at(until_of(p), *shown)


def _why(c: Change) -> list[str]:
    if c.action is Action.DELETE and not c.provenance:
        return [f"{DETAIL_INDENT}not declared, and prune is on for this {c.kind.words.entry_noun}"]
    return [f"{DETAIL_INDENT}{describe_provenance(c.kind, p)}" for p in c.provenance]


def live_member(kind: Kind, m: LiveMember, twins: frozenset[MemberRef] = frozenset()) -> str:
    """``webhook:Alerts (Member)``; one of ``twins``: ``bot:Pager (id b2) (Member)``."""
    return f"{named(m.ref, m.member_id, twins)} ({kind.role_text(m.role)})"


def _role(kind: Kind, role: RoleValue | None) -> str:
    return "?" if role is None else kind.role_text(role)


def targets_phrase(targets: list[TargetPlan]) -> str:
    """``3 rooms`` (``3 rooms, 1 channel`` once there are several kinds)."""
    counts = Counter(t.key.kind for t in targets)
    phrases = []
    for kind_id, n in sorted(counts.items()):
        phrases.append(kinds.get(kind_id).words.count(n))
    return ", ".join(phrases)


def _unchanged_line(targets: list[TargetPlan]) -> str:
    line = f"{targets_phrase(targets)} unchanged."
    with_unmanaged = sum(bool(t.unmanaged) for t in targets)
    if with_unmanaged:
        line = f"{line[:-1]} ({number(with_unmanaged)} with unmanaged members, which -v lists)."
    return line


class TargetHeader(Text):
    """A target's header, ``# NOUN NAME (DETAILS)``, which knows where its name ends:
    a name may hold `` (`` itself (``lobby (lobby-1)``, as import labels a shared name),
    so the header is never parsed back at a `` (`` (QA-FS Q-FS-1)."""

    def __init__(self, head: str, details: str, *, style: str) -> None:
        super().__init__(f"{head} ({details})", style=style)
        self.head = head
        self.details = details


def fit_header(line: Text, width: int) -> list[Text]:
    """A target's header (``TargetHeader``) ``# room NAME (account A, id I)`` wider than
    ``width`` as ``# room NAME`` then, indented, ``account A, id I`` (as many of its parts
    on a line as fit, each comma after its part). A part wider than a line (a channel's
    ``app instance ARN``) puts its label on a line and its value on the next, deeper, with
    no comma (``value_lines``): the ARN whole where it fits (at the label's own indent
    when it fits only there), else cut before a ``/`` or after a ``:``; never a comma
    alone on a line (QA-FK Q-FK-8). The name stays whole on the first line, whatever it
    holds (QA-FS Q-FS-1). Other lines as they are."""
    if not isinstance(line, TargetHeader) or cell_len(line.plain) <= width:
        return [line]
    head, details = line.head, line.details
    room = width - len(NOTE_INDENT)
    parts = details.split(", ")
    lines: list[str] = []
    current = ""
    for n, part in enumerate(parts, 1):
        comma = "," if n < len(parts) else ""
        if current and cell_len(f"{current}, {part}{comma}") <= room:
            current = f"{current}, {part}"
            continue
        if current:
            lines.append(NOTE_INDENT + current + ",")
        current = part
        if cell_len(part + comma) > room:  # alone too wide: label, then the value below
            label, space, value = part.rpartition(" ")
            deeper = NOTE_INDENT + " " * HANGING
            if space and label:
                lines.append(NOTE_INDENT + label)
            else:
                value, deeper = part, NOTE_INDENT
            if cell_len(value) > width - len(deeper) >= cell_len(value) - HANGING:
                deeper = NOTE_INDENT  # whole at the part's own indent rather than cut
                # deeper (QA-HE Q-HE-11: an account id cut at 40 columns)
            # no comma: on lines of its own the part ends plainly, and its value is whole
            lines.extend(deeper + v for v in value_lines(value, width - len(deeper)))
            current = ""
    if current:
        lines.append(NOTE_INDENT + current)
    return [Text(head, style=line.style), *(Text(ln, style=NOTE_STYLE) for ln in lines)]


HANGING = 2  # extra indent of a wrapped line's continuation


def wrap_hanging(line: Text, width: int) -> list[Text]:
    """``line`` cut at spaces into pieces of at most ``width`` columns (a word longer than
    that is cut after a ``-``, as the plan's header cuts an id (``value_lines``), so a
    UUID's groups stay whole, else where it must: QA-HK Q-HK-5), each piece after the
    first indented two more than the line; styles kept. Columns as the terminal shows
    them (``render.columns``)."""
    plain = line.plain
    if cell_len(plain) <= width:
        return [line]
    indent = min(len(plain) - len(plain.lstrip(" ")) + HANGING, width // 2)
    pieces: list[Text] = []
    start, room = 0, width
    while cell_len(plain[start:]) > room:
        end = fitting_end(plain, start, room)
        cut = plain.rfind(" ", start + 1, end + 1)
        if cut <= start:
            cut = plain.rfind("-", start, end) + 1  # an id's groups whole: Q-HK-5
        if cut <= start:
            cut = end
        piece = line[start:cut]
        pieces.append(piece if not pieces else Text.assemble(" " * indent, piece))
        start = cut + (plain[cut : cut + 1] == " ")
        room = width - indent
    rest = line[start:]
    pieces.append(rest if not pieces else Text.assemble(" " * indent, rest))
    return pieces
