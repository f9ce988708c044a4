"""Lists of the registered kinds for help texts, read from the registry when the commands
are defined (the built-in kinds and any registered with them in ``reconciler.kinds``), so
that a new kind is named with no help text edited."""

from __future__ import annotations

from reconciler import kinds
from reconciler.prose import listed, with_article


def section_keys() -> list[str]:
    """Each section's key as written in a members file: ``rooms:``, ``channels:``, ..."""
    return [f"{name}:" for name in kinds.sections()]


def target_nouns() -> str:
    """What one target may be, one noun a section: "a room, channel or meeting"."""
    nouns = list(dict.fromkeys(ks[0].words.entry_noun for ks in kinds.sections().values()))
    return with_article(listed(nouns, "or"))


def id_keys() -> list[str]:
    """The keys a target may be declared by id with: ``id``, ``arn``, ``meeting_id``."""
    keys = (k.id_field for ks in kinds.sections().values() for k in ks)
    return [key for key in dict.fromkeys(keys) if key is not None]


def kind_examples() -> str:
    """The kind-qualified forms of ``--target``, one a kind's word: "room:NAME,
    channel:NAME or meeting:NAME" (the words ``target_select`` reads them by, taken from
    the registry here: the help is built at import, and ``target_select`` is loaded only
    with the planner, after a plan's first call)."""
    words = dict.fromkeys(k.words.entry_noun for k in kinds.all_kinds())
    return listed([f"{word}:NAME" for word in words], "or")
