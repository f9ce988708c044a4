"""What ``--target VALUE`` (and import's ``--room``) selects: a declared target by its name
(the key in the YAML) or by the id written there (``id:``, ``arn:``, a literal
``meeting_id``), and a meeting whose ``meeting_id: ${VARIABLE}`` holds that id now (the id
the plan's header shows for it; a value that is not a meeting id is never matched, nor
offered as "did you mean", so never shown): the loader reads it once, into
``DesiredTarget.aliases``. The id Chime gave a target declared by name is not known
before its scope is read, so it is not matched: the error says so, and to give the name.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from reconciler.desired.model import DesiredTarget
from reconciler.desired.shown import clipped, named
from reconciler.prose import with_article


def matched_by(t: DesiredTarget) -> set[str]:
    """The values of ``--target`` that select ``t``: its name, its id and the aliases the
    loader read for it (``DesiredTarget.aliases``). Pure: no environment is read here
    (QA-AM Q-AM-5)."""
    names = {t.key.name, *t.aliases}
    if t.target_id:
        names.add(t.target_id)
    return names


def select(declared: Iterable[DesiredTarget], names: Collection[str] | None) -> list[DesiredTarget]:
    """The declared targets ``names`` select (``matched_by``); all when None."""
    if names is None:
        return list(declared)
    wanted = set(names)
    return [t for t in declared if not wanted.isdisjoint(matched_by(t))]


def unknown_target_errors(
    declared: Iterable[DesiredTarget],
    names: Iterable[str],
    option: str = "--target",
    noun: str = "target",
) -> list[str]:
    """One message for each name that selects no declared target (``option``: as the user
    typed it). When some target is declared by name only, it says that the id Chime gave
    one is not matched (the plan's header shows that id)."""
    declared = list(declared)
    known = set().union(*(matched_by(t) for t in declared))
    by_name_only = any(t.target_id is None for t in declared)
    messages = []
    for name in sorted(set(names) - known):
        hint = difflib.get_close_matches(name, sorted(known), n=1)
        suffix = f" (did you mean {hint[0]!r}?)" if hint else ""
        if by_name_only:
            suffix += (
                f"; {option} takes {with_article(noun)}'s name (its key in the YAML) or the "
                f"id written there, not the id Chime gave {with_article(noun)} declared by name"
            )
        shown = "".join(clipped(name))  # a 100,000-character value: its first 80 and length
        messages.append(f"{option} {shown}: no {noun} named {named(name)} is declared{suffix}")
    return messages
