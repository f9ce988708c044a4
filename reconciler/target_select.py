"""What ``--target VALUE`` (and import's ``--room``) selects: a declared target by its name
(the key in the YAML) or by the id written there (``id:``, ``arn:``, a literal
``meeting_id``), and a meeting whose ``meeting_id: ${VARIABLE}`` holds that id now (the id
the plan's header shows for it; a value that is not a meeting id is never matched, nor
offered as "did you mean", so never shown): the loader reads it once, into
``DesiredTarget.aliases``. The id Chime gave a target declared by name is not known
before its scope is read, so it is not matched: the error says so, and to give the name.
An id is compared as its kind compares ids (``Kind.normal_id``): a meeting id in any case
selects its meeting, as AWS takes a meeting id in any case (botocore's ``GuidString``,
``[a-fA-F0-9]...``: Q-FO-1); a name is compared exactly.

Names are unique per kind only: a room, a channel and a meeting may share one. So a value
may be qualified by the kind's word (``Words.entry_noun``: ``room:NAME``, ``channel:NAME``
(the channel and its moderators, declared in one entry), ``meeting:NAME``), which selects
only targets of that word; and an unqualified value that selects targets of more than one
word is refused (``ambiguous_target_errors``), naming the qualified forms to give (QA-HF
Q-HF-1). A value that is itself a declared name or id (a room named ``room:x``) still
selects what it names.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable

from reconciler import kinds
from reconciler.desired.model import DesiredTarget
from reconciler.prose import listed, with_article
from reconciler.quoted import named
from reconciler.refs import TargetKey
from reconciler.shell_word import typed
from reconciler.unicode_form import form_note, twin_in


def matched_by(t: DesiredTarget) -> set[str]:
    """The values of ``--target`` that select ``t``: its name, its id and the aliases the
    loader read for it (``DesiredTarget.aliases``). Pure: no environment is read here
    (QA-AM Q-AM-5)."""
    names = {t.key.name, *t.aliases}
    if t.target_id:
        names.add(t.target_id)
    return names


def word(t: DesiredTarget) -> str:
    """The word that qualifies ``t`` in ``--target WORD:NAME``: its kind's entry noun
    ("room", "channel": a channel's moderators too, "meeting")."""
    return kinds.get(t.key.kind).words.entry_noun


def kind_words() -> list[str]:
    """Every registered kind's qualifying word (``word``), once each."""
    return list(dict.fromkeys(k.words.entry_noun for k in kinds.all_kinds()))


def qualified(key: TargetKey) -> str:
    """``WORD:NAME``: the value that selects the target ``key`` (and the targets of its
    entry: a channel's moderators) and no target of another kind."""
    return f"{kinds.get(key.kind).words.entry_noun}:{key.name}"


def _unqualified(name: str) -> tuple[str, str] | None:
    """``(word, rest)`` when ``name`` is ``WORD:REST`` with a registered kind's word."""
    head, colon, rest = name.partition(":")
    return (head, rest) if colon and rest and head in kind_words() else None


def selects(t: DesiredTarget, name: str) -> bool:
    """Whether ``--target name`` selects ``t``: its name exactly, or one of its ids and
    aliases as its kind compares ids (``Kind.normal_id``: a meeting id in any case), or
    ``WORD:`` one of those where ``WORD`` is its kind's word (``word``)."""
    if _matches(t, name):
        return True
    split = _unqualified(name)
    return split is not None and split[0] == word(t) and _matches(t, split[1])


def _matches(t: DesiredTarget, name: str) -> bool:
    if name == t.key.name:
        return True
    normal = kinds.get(t.key.kind).normal_id
    return normal(name) in {normal(value) for value in matched_by(t) - {t.key.name}}


def select(declared: Iterable[DesiredTarget], names: Collection[str] | None) -> list[DesiredTarget]:
    """The declared targets ``names`` select (``selects``); all when None."""
    if names is None:
        return list(declared)
    wanted = set(names)
    return [t for t in declared if any(selects(t, name) for name in wanted)]


def target_errors(
    declared: Iterable[DesiredTarget],
    names: Iterable[str],
    option: str = "--target",
    noun: str = "target",
) -> list[str]:
    """Each value that selects no declared target (``unknown_target_errors``) and each
    that selects targets of more than one kind (``ambiguous_target_errors``)."""
    declared, names = list(declared), list(names)
    return unknown_target_errors(declared, names, option, noun) + ambiguous_target_errors(
        declared, names, option
    )


def ambiguous_target_errors(
    declared: Iterable[DesiredTarget], names: Iterable[str], option: str = "--target"
) -> list[str]:
    """One message for each value that selects targets of more than one kind's word (a
    room and a channel both named ``incident-chat``): which to give instead, qualified
    (``room:incident-chat``), one ``option`` each to select several."""
    declared = list(declared)
    messages = []
    for name in sorted(set(names)):
        chosen = [t for t in declared if selects(t, name)]
        forms = list(dict.fromkeys(qualified(t.key) for t in sorted(chosen, key=lambda t: t.key)))
        if len({word(t) for t in chosen}) < 2:
            continue
        given = listed([f"{option} {typed(form)}" for form in forms], "or")
        messages.append(
            f"{option}: {named(name)} names {len(forms)} targets of different kinds; give "
            f"{given} (several {option} to select more than one)"
        )
    return messages


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
    qualified_forms = {qualified(t.key) for t in declared}
    by_name_only = any(t.target_id is None for t in declared)
    messages = []
    for name in sorted(n for n in set(names) if not any(selects(t, n) for t in declared)):
        hint = close_match(name, qualified_forms if _unqualified(name) else known)
        # a name, so whole up to NAME_SHOWN as the hint beside it (QA-GV Q-GV-8)
        suffix = f" (did you mean {named(hint)}?)" if hint else ""
        if (twin := twin_in(name, known)) is not None:  # no "did you mean" alike (Q-HE-10)
            note = form_note(name, twin, "typed", "declared")
            suffix = f" (it differs from a declared {noun}'s name {note})"
        if by_name_only:
            suffix += (
                f"; {option} takes {with_article(noun)}'s name (its key in the YAML) or the "
                f"id written there, not the id Chime gave {with_article(noun)} declared by name"
            )
        # quoted once, cut short over NAME_SHOWN (no name can be valid there: its first
        # 80 and its length); a name of 106 characters whole, its typo shown (QA-GV Q-GV-8)
        shown = named(name)
        messages.append(f"{option}: no {noun} named {shown} is declared{suffix}")
    return messages


def close_match(name: str, known: Iterable[str]) -> str | None:
    """The declared value closest to ``name``, compared ignoring case (an id typed in
    upper case is offered the id it is closest to, not one that shares its case: Q-FO-1),
    as written; None when none is close."""
    folded: dict[str, str] = {}
    for value in sorted(known):
        folded.setdefault(value.casefold(), value)
    hint = difflib.get_close_matches(name.casefold(), sorted(folded), n=1)
    return folded[hint[0]] if hint else None
