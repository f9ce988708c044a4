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
Q-HF-1), and selects nothing (``select``: QA-HJ Q-HJ-6). A value that is itself a
declared name or id (a room named ``room:x``) still selects what it names.
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


def chosen(declared: Iterable[DesiredTarget], name: str) -> list[DesiredTarget]:
    """The targets ``--target name`` names: those whose name is ``name`` exactly, or one of
    whose ids and aliases it is as their kind compares ids (``Kind.normal_id``: a meeting
    id in any case); failing any, for ``WORD:REST``, those of the kind's word ``WORD``
    (``word``) that ``REST`` names so. A name as written wins over the ``WORD:`` reading
    (a meeting named ``room:ops`` beside a room ``ops``: QA-HJ Q-HJ-5)."""
    declared = list(declared)
    exact = [t for t in declared if _matches(t, name)]
    if exact:
        return exact
    split = _unqualified(name)
    if split is None:
        return []
    return [t for t in declared if word(t) == split[0] and _matches(t, split[1])]


def _matches(t: DesiredTarget, name: str) -> bool:
    if name == t.key.name:
        return True
    normal = kinds.get(t.key.kind).normal_id
    return normal(name) in {normal(value) for value in matched_by(t) - {t.key.name}}


def select(declared: Iterable[DesiredTarget], names: Collection[str] | None) -> list[DesiredTarget]:
    """The declared targets ``names`` select (``chosen``) as ``--target`` values; all
    when None. A value that selects targets of more than one kind (``ambiguous``) selects
    none: it is refused (``ambiguous_target_errors``), and nothing is read or planned for
    it, as for a value no target has (QA-HJ Q-HJ-6)."""
    if names is None:
        return list(declared)
    declared = list(declared)
    wanted = {name for name in names if not ambiguous(declared, name)}
    return select_any_kind(declared, wanted)


def select_any_kind(
    declared: Iterable[DesiredTarget], names: Collection[str]
) -> list[DesiredTarget]:
    """The declared targets ``names`` select (``chosen``), of every kind a value selects
    (import --adopt's ``--room``: README)."""
    declared = list(declared)
    keys = {t.key for name in set(names) for t in chosen(declared, name)}
    return [t for t in declared if t.key in keys]


def ambiguous(declared: Iterable[DesiredTarget], name: str) -> bool:
    """Whether ``name`` selects targets of more than one kind's word (``word``)."""
    return len({word(t) for t in chosen(declared, name)}) > 1


def _entry(declared: Iterable[DesiredTarget], t: DesiredTarget) -> set[TargetKey]:
    """The targets ``t``'s entry declares: of its word, scope and name (a channel and its
    moderators)."""
    return {
        u.key
        for u in declared
        if word(u) == word(t) and u.key.scope == t.key.scope and u.key.name == t.key.name
    }


def alone_form(declared: Iterable[DesiredTarget], t: DesiredTarget) -> str | None:
    """A ``--target`` value that selects ``t``'s entry and nothing else: ``WORD:NAME``
    (``qualified``), else its id written there (``WORD:ID``, ``ID``); None when none does
    (a room of another account declared by the same name, and neither by ``id:``:
    QA-HJ Q-HJ-3)."""
    declared = list(declared)
    entry = _entry(declared, t)
    forms = [qualified(t.key)]
    if t.target_id:
        forms += [f"{word(t)}:{t.target_id}", t.target_id]
    for form in forms:
        if {u.key for u in chosen(declared, form)} == entry:
            return form
    return None


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
    room and a channel both named ``incident-chat``): how many (entries: a channel with
    its moderators is one), and which to give instead, each a value that selects only
    targets of one word (``room:incident-chat``), one ``option`` each to select several."""
    declared = list(declared)
    messages = []
    for name in sorted(set(names)):
        if not ambiguous(declared, name):
            continue
        found = sorted(chosen(declared, name), key=lambda t: t.key)
        entries = {(word(t), t.key.scope, t.key.name) for t in found}
        forms = _forms(declared, found, name)
        given = listed([f"{option} {typed(form)}" for form in forms], "or")
        instead = f"give {given}" if forms else "no value selects them apart"
        messages.append(
            f"{option}: {named(name)} names {len(entries)} targets of different kinds; "
            f"{instead} (several {option} to select more than one)"
        )
    return messages


def _forms(declared: list[DesiredTarget], found: list[DesiredTarget], name: str) -> list[str]:
    """Per word of ``found`` (what ``name`` selects), ``WORD:NAME`` when it selects that
    word's targets of ``found`` and no other; else each of them by its ``alone_form``."""
    forms: list[str] = []
    for w in dict.fromkeys(word(t) for t in found):
        mine = [t for t in found if word(t) == w]
        form = f"{w}:{name}"
        if {t.key for t in chosen(declared, form)} == {t.key for t in mine}:
            forms.append(form)
            continue
        forms += [f for t in mine if (f := alone_form(declared, t)) is not None]
    return list(dict.fromkeys(forms))


def offered(declared: Iterable[DesiredTarget]) -> tuple[set[str], set[str]]:
    """The values to offer for ``--target`` (its "did you mean", completion): the declared
    names, ids and aliases that select targets of one kind only, and for those that
    select several kinds the kind-qualified forms instead (QA-HJ Q-HJ-5); then, apart,
    every qualified form that selects targets of one kind (``WORD:NAME``)."""
    declared = list(declared)
    words: dict[str, set[str]] = {}
    for t in declared:
        for value in matched_by(t):
            words.setdefault(value, set()).add(word(t))
    plain = {value for value, of in words.items() if len(of) == 1}
    clashing = [t for t in declared if len(words[t.key.name]) > 1]
    qualified_forms = {qualified(t.key) for t in declared}
    forms = {f for f in qualified_forms if f not in words or len(words[f]) == 1}
    plain |= {qualified(t.key) for t in clashing} & forms
    return plain, forms


def unknown_target_errors(
    declared: Iterable[DesiredTarget],
    names: Iterable[str],
    option: str = "--target",
    noun: str = "target",
    any_kind: bool = False,
) -> list[str]:
    """One message for each name that selects no declared target (``option``: as the user
    typed it), with the closest value that selects targets of one kind (``offered``); with
    ``any_kind`` (import's ``--room``, where a value selects every kind it names:
    ``select_any_kind``), the closest declared value, a name several kinds share as it is
    (QA-HL Q-HL-4: its ``room:NAME`` narrowed the adoption to the room).
    When some target is declared by name only, it says that the id Chime gave one is not
    matched (the plan's header shows that id)."""
    declared = list(declared)
    known = set().union(*(matched_by(t) for t in declared))
    plain, forms = offered(declared)
    if any_kind:
        plain = known
    by_name_only = any(t.target_id is None for t in declared)
    messages = []
    for name in sorted(n for n in set(names) if not chosen(declared, n)):
        hint = close_match(name, forms if _unqualified(name) else plain)
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
