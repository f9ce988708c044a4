"""The Markdown rendering of a Plan: for pull-request comments and job summaries.

Layout: the hidden marker ``<!-- chime-reconciler-plan -->`` (so a workflow can find and
update its own comment), a heading, the summary line, errors (apply refuses a plan with
one) and safety refusals as callouts, then notes, one table of the targets with changes,
then each target's changes in a ``<details>`` block holding a ``diff`` code block. The
whole stays under ``MAX_CHARS`` (GitHub refuses comments over 65,536 characters): what
does not fit is left out, details first, and a note says what was left out; the closing
notes (members no file declares, the targets unchanged) are always kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reconciler import kinds
from reconciler.crowded import crowded_lines
from reconciler.full_swap import full_swap_lines
from reconciler.plan import Action, Plan, TargetPlan
from reconciler.prose import counted, number
from reconciler.render.drift import LABEL as DRIFT_LABEL
from reconciler.render.drift import drift_first, drift_phrase, resolve_hint
from reconciler.render.governance import expiring_lines, has_grant, kept_lines
from reconciler.render.limits import limits_source, override, refused_by
from reconciler.render.safe import html_text, md_inline, shown_values
from reconciler.render.text import change_line, describe_provenance, live_member, targets_phrase
from reconciler.render.twin_bots import twin_bots

MARKER = "<!-- chime-reconciler-plan -->"
EXPIRING_MARKER = "<!-- chime-reconciler-expiring -->"  # the drift issue looks for it
NOTE = "> [!NOTE]\n"
EXPIRING_HEADER = f"{EXPIRING_MARKER}\n{NOTE}"
# Before the drift note of a plan with no changes: its only drift is members no file
# declares, which apply leaves alone; the drift issue looks for it to say what does resolve it
UNDECLARED_ONLY_MARKER = "<!-- chime-reconciler-undeclared-only -->"
HEADING = "### Chime membership plan"
MAX_CHARS = 60_000
# "Not declared": members no file declares (drift); "Unmanaged": those of kinds never
# managed (webhooks), kept apart as the text plan keeps them (QA-FK Q-FK-2)
TABLE_HEADER = (
    "| {what} | Add | Change | Remove | Not declared | Unmanaged |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: |\n"
)
NOTE_RESERVE = 500  # room kept for the truncation note


@dataclass(frozen=True)
class _Section:
    """A part of the document that can lose items from its end when space runs out."""

    what: str  # "errors", "table rows", "room details", for the truncation note
    header: str
    items: tuple[str, ...]
    footer: str = ""
    # a closing note, short and never cut: room is kept for it while the sections before
    # it are cut (QA-LF Q-LF-11: errors that filled the page left out the drift note)
    whole: bool = False

    def size(self) -> int:
        return len(self.header) + sum(map(len, self.items)) + len(self.footer)


class MarkdownRenderer:
    def __init__(
        self, *, verbose: bool = False, max_chars: int = MAX_CHARS, allow_unsafe: bool = False
    ) -> None:
        self.verbose = verbose
        self.max_chars = max_chars
        self.allow_unsafe = allow_unsafe
        self._with_account = False

    def render(self, plan: Plan) -> str:
        plan = shown_values(plan)  # nothing from live state or files is raw: render/safe.py
        # rooms are named by their account too when the plan spans several accounts
        self._with_account = len({t.key.scope for t in plan.targets}) > 1
        shown = [t for t in plan.targets if _shows(t)]
        rest = [t for t in plan.targets if not _shows(t)]
        # one kind: its noun ("Room", "room details"); several: "Target"
        ids = {t.key.kind for t in shown}
        noun = kinds.get(ids.pop()).words.noun if len(ids) == 1 else "target"
        head = f"{MARKER}\n{HEADING}\n\n**{md_escape(plan.summary_line('below'))}**\n\n"
        source = limits_source(plan.violations, md_escape)
        # the one verb and count of every line about them (QA-LE Q-LE-5, QA-GT Q-GT-4)
        refused = f"> [!CAUTION]\n> **This plan {refused_by(len(plan.violations))}** ({source}): "
        # with errors, --allow-unsafe overrides the rules but nothing proceeds (Q-HB-6)
        overridden = override(
            allowed=self.allow_unsafe, stopped=bool(plan.errors), code=lambda o: f"`{o}`"
        )
        sections = [
            _Section(  # first: apply refuses the whole plan while one is left
                "errors",
                _errors_header(len(plan.errors), governance=plan.only_governance_errors),
                tuple(f"> - {md_escape(e)}\n" for e in plan.errors),
                "\n",
            ),
            _Section(
                "safety messages",
                f"{refused}{overridden}.\n>\n",
                tuple(f"> - {md_escape(str(v))}\n" for v in plan.violations),
                "\n",
            ),
            _Section(  # adds AWS refuses on every apply (Q-S-1)
                "full targets",
                "> [!WARNING]\n" if crowded_lines(plan) else "",
                tuple(_callout(crowded_lines(plan))),
                "\n",
            ),
            _Section(  # a full target's swap apply cannot make (Q-AT-2)
                "full swaps",
                "> [!WARNING]\n" if full_swap_lines(plan) else "",
                tuple(_callout(full_swap_lines(plan))),
                "\n",
            ),
            _Section(
                "expiring",
                # marked only for memberships that end soon: access that expired but
                # stays ends no more (QA-FC Q-FC-5: its drift issue would never close)
                EXPIRING_HEADER if plan.expiring else NOTE if plan.expired_kept else "",
                tuple(_expiring(plan)),
                "\n",
            ),
            _Section(
                "drift note",
                "",
                (
                    ("" if plan.has_changes else f"{UNDECLARED_ONLY_MARKER}\n")
                    + "> [!WARNING]\n> **Not in the desired state:** "
                    f"{md_escape(drift_phrase(plan.targets))}.\n"
                    f"> {resolve_hint(plan.targets, plan.expired_kept, plan.unadoptable)}\n\n",
                )
                if plan.drift
                else (),
                whole=True,
            ),
            _Section(
                "notes",
                "> [!NOTE]\n> **Left out, not an error:**\n>\n",
                tuple(f"> - {md_escape(n)}\n" for n in plan.notices),
                "\n",
            ),
            _Section(
                "table rows",
                TABLE_HEADER.format(what=noun.capitalize()),
                tuple(self._row(t) for t in shown),
                "\n",
            ),
            _Section("unchanged summary", "", (_unchanged(rest),) if rest else (), whole=True),
            _Section(f"{noun} details", "", tuple(self._details(t) for t in shown)),
        ]
        return _fit(head, sections, self.max_chars)

    def _label(self, t: TargetPlan, qualifier: str = "") -> str:
        """``name``, its ``qualifier`` (`` (moderators)``), then its scope when the plan
        spans several, or when it is a variable (``${VARIABLE}``), with the id it held, as
        the text plan's header shows it: the reviewer sees which meeting the run chose
        (Q-FO-8)."""
        scope = f"{t.kind.words.scope} {t.key.scope}"
        if t.kind.scope_is_variable(t.key.scope):
            return f"{t.key.name}{qualifier} ({scope}, id {t.target_id})"
        if self._with_account:
            return f"{t.key.name}{qualifier} ({scope})"
        return t.key.name + qualifier

    def _row(self, t: TargetPlan) -> str:
        counts = " | ".join(number(_count(t, a)) for a in Action)
        label = md_escape(self._label(t, t.kind.words.qualifier))
        drift, unmanaged = len(t.drift), len(t.unmanaged) - len(t.drift)
        return f"| {label} | {counts} | {number(drift)} | {number(unmanaged)} |\n"

    def _details(self, t: TargetPlan) -> str:
        lines: list[str] = []
        twins = twin_bots(t)  # two bots of one name: each by its id too (Q-GH-2)
        for c in t.changes:
            lines.append(change_line(c, twins).plain.strip())
            if self.verbose:
                lines.extend(f"  # {describe_provenance(t.kind, p)}" for p in c.provenance)
            else:  # why each change is there: its until, reason and ticket, or its expiry
                shown = [p for p in c.provenance if has_grant(p)]
                lines.extend(f"  # {describe_provenance(t.kind, p)}" for p in shown)
        drift = set(t.drift)
        lines.extend(
            f"  {DRIFT_LABEL if m in drift else 'unmanaged'}: {live_member(t.kind, m, twins)}"
            for m in drift_first(t)
        )
        lines.extend(
            f"  protected: {live_member(t.kind, m, twins)}, left unchanged" for m in t.protected
        )
        body = "\n".join(lines)
        fence = _fence(body)
        summary = html_text(f"{t.kind.words.noun} {self._label(t)}: {_counts(t)}")
        return (
            f"<details><summary>{summary}</summary>\n\n"
            f"{fence}diff\n{body}\n{fence}\n\n</details>\n\n"
        )


def render_markdown(plan: Plan, *, verbose: bool = False, allow_unsafe: bool = False) -> str:
    return MarkdownRenderer(verbose=verbose, allow_unsafe=allow_unsafe).render(plan)


def md_escape(text: str) -> str:
    """``text`` safe as Markdown inline text (``render.safe.md_inline``)."""
    return md_inline(text)


def _fit(head: str, sections: Sequence[_Section], limit: int) -> str:
    """``head`` and the sections, each losing items from its end, in order, once the
    document would pass ``limit``; room is kept for the ``whole`` ones after it."""
    out = [head]
    used = len(head)
    budget = limit - NOTE_RESERVE
    dropped: list[str] = []
    reserved = sum(s.size() for s in sections if s.whole and s.items)
    for s in sections:
        if not s.items:
            continue
        if s.whole:
            reserved -= s.size()
        fixed = len(s.header) + len(s.footer)
        kept: list[str] = []
        for item in s.items:
            if used + fixed + len(item) > budget - reserved:
                break
            kept.append(item)
            used += len(item)
        if kept:
            out.append(s.header + "".join(kept) + s.footer)
            used += fixed
        if len(kept) < len(s.items):
            left_out = number(len(s.items) - len(kept))
            dropped.append(f"{left_out} of {number(len(s.items))} {s.what}")
    if dropped:
        out.append(
            f"> [!NOTE]\n> Truncated to stay under {limit:,} characters: "
            f"{md_escape(', '.join(dropped))} left out. "
            "Run `chime-reconciler plan` (or see the job log) for the whole plan.\n"
        )
    return "".join(out).rstrip("\n") + "\n"


def _errors_header(n: int, *, governance: bool = False) -> str:
    """The errors' callout: a plan with one is refused by apply as a whole. ``governance``:
    they are all governance errors (``Plan.governance_errors``): every target was planned."""
    noun = "governance error" if governance else "error"
    what = (
        f"1 {noun}: apply changes nothing until it is"
        if n == 1
        else (f"{number(n)} {noun}s: apply changes nothing until they are")
    )
    return f"> [!CAUTION]\n> **{what} fixed:**\n>\n"


def _shows(t: TargetPlan) -> bool:
    return bool(t.changes or t.protected or t.drift)


def _count(t: TargetPlan, action: Action) -> int:
    return sum(c.action is action for c in t.changes)


_WORDS = {Action.CREATE: "to add", Action.UPDATE: "to change", Action.DELETE: "to remove"}


def _counts(t: TargetPlan) -> str:
    parts = [f"{number(_count(t, a))} {w}" for a, w in _WORDS.items() if _count(t, a)]
    if t.drift:
        parts.append(f"{number(len(t.drift))} {DRIFT_LABEL}")
    if t.protected:
        parts.append(f"{number(len(t.protected))} protected")
    return ", ".join(parts)


def _unchanged(rest: list[TargetPlan]) -> str:
    """``2 rooms unchanged (1 unmanaged member).``: a target with drift is never among
    them (it has a row), so these are members of kinds never managed (webhooks)."""
    unmanaged = sum(len(t.unmanaged) for t in rest)
    line = f"{targets_phrase(rest)} unchanged"
    if unmanaged:
        line += f" ({counted(unmanaged, 'unmanaged member')})"
    return line + ".\n\n"


def _fence(body: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    return "`" * max(3, longest + 1)


def _callout(lines: list[str]) -> list[str]:
    """A callout's lines: its heading in bold, then one item per line after it."""
    if not lines:
        return []
    return [
        f"> **{md_escape(lines[0])}**\n>\n",
        *(f"> - {md_escape(line)}\n" for line in lines[1:]),
    ]


def _expiring(plan: Plan) -> list[str]:
    """The NOTE callout's lines: its heading, then one item per membership ending soon."""
    out = []
    for lines in (kept_lines(plan), expiring_lines(plan)):
        if lines:
            out.append(f"> **{md_escape(lines[0])}**\n>\n")
            out.extend(f"> - {md_escape(line)}\n" for line in lines[1:])
            out.append(">\n")
    if out:
        out[-1] = ""  # no empty quote line at the end of the callout
    return [item for item in out if item]
