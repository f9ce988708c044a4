"""The kinds known to this run, by id. ``reconciler.kinds`` registers the built-in ones;
tests register a toy kind with ``registered(kind)``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from reconciler.kinds.base import AUDIT_ROW_VALUES, Kind

_KINDS: dict[str, Kind] = {}


class UnknownKindError(KeyError):
    def __str__(self) -> str:
        known = ", ".join(sorted(_KINDS))
        return f"unknown membership kind {self.args[0]!r} (known: {known})"


def register(kind: Kind) -> Kind:
    """Add ``kind`` (replacing one with the same id); returns it. A ``ValueError`` when
    its words give two of `audit`'s JSON row keys one name (``Words.audit_keys``: a scope
    word that is the target's noun), which would lose a value without a word."""
    keys = (*kind.words.audit_keys, *AUDIT_ROW_VALUES)
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(
            f"kind {kind.id!r}: audit's JSON rows would have the key "
            f"{', '.join(map(repr, twice))} twice (from Words.scope {kind.words.scope!r}, "
            f"the entry noun {kind.words.entry_noun!r}, id_key {kind.words.id_key!r}): "
            "give them different words"
        )
    _KINDS[kind.id] = kind
    return kind


def unregister(kind_id: str) -> None:
    _KINDS.pop(kind_id, None)


@contextlib.contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """``kind`` registered for the duration of a ``with`` block (tests)."""
    previous = _KINDS.get(kind.id)
    register(kind)
    try:
        yield kind
    finally:
        if previous is None:
            unregister(kind.id)
        else:
            register(previous)


def get(kind_id: str) -> Kind:
    """The kind with this id; ``UnknownKindError`` when none is registered."""
    try:
        return _KINDS[kind_id]
    except KeyError:
        raise UnknownKindError(kind_id) from None


def known(kind_id: str) -> bool:
    return kind_id in _KINDS


def all_kinds() -> tuple[Kind, ...]:
    """Every registered kind, in apply-phase order, then by id."""
    return tuple(sorted(_KINDS.values(), key=lambda k: (k.apply_phase, k.id)))


def sections() -> dict[str, tuple[Kind, ...]]:
    """Desired-state section name -> the kinds declared there (a section may hold several
    kinds, e.g. a channel's memberships and its moderators), in registration order."""
    out: dict[str, list[Kind]] = {}
    for kind in _KINDS.values():
        out.setdefault(kind.section, []).append(kind)
    return {name: tuple(ks) for name, ks in out.items()}
