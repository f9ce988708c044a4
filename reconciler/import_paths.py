"""Where ``import --out DIR`` may write a file without dropping what DIR declares (QA-FY
Q-FY-1, Q-FY-7): a file there is written over only when every target it declares is one
this import writes into it again (``--force``'s refresh) and it holds nothing but targets;
one that declares another target (another account's room of the same name, a hand-edited
channel file) or anything else (``groups:``, ``owners:``: QA-LD Q-LD-11) is never
replaced, and the import takes another name beside it."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path

import yaml

from reconciler import kinds
from reconciler.desired.model import DesiredTarget

# the longest file name import makes of a name (a room's, an account's, a label)
SLUG_MAX = 80
_SLUG_DROP = re.compile(r"[^a-z0-9._-]+")


def slug(text: str, empty: str = "room") -> str:
    """A file-name-safe, lower-case form of ``text`` (``Incident Response`` → ``incident-
    response``; never a path: no ``/``, no ``..``); ``empty`` when nothing is left."""
    s = _SLUG_DROP.sub("-", text.casefold()).strip("-._")
    return s[:SLUG_MAX].rstrip("-._") or empty


def numbered(base: str) -> Iterator[str]:
    """The names import tries for a file, in turn, until one is free: ``base``, then
    ``base-2``, ``base-3`` ... (the rooms' and the channels' alike)."""
    yield base
    for n in itertools.count(2):
        yield f"{base}-{n}"


def by_file(targets: Iterable[DesiredTarget]) -> dict[str, list[DesiredTarget]]:
    """The targets a desired state declares, by the file (its path as loaded) of each."""
    found: dict[str, list[DesiredTarget]] = {}
    for t in targets:
        found.setdefault(t.location.file, []).append(t)
    return found


def kept(
    path: Path, declared: Mapping[str, Collection[DesiredTarget]], again: Collection[object]
) -> bool:
    """Whether ``import --out`` must leave the file at ``path`` as it is and take another
    name beside it, for every kind alike: the file declares a target not in ``again`` (those
    this import writes into it again: none without ``--force``, as the targets DIR declares
    are then left as they are), or holds anything but targets (``declares_others``). Any
    other file at ``path`` (one whose every declaration is written again, or an empty one)
    is in the way: written over with ``--force``, refused without it ("1 file exists
    already ... use --force")."""
    return is_there(path) and declares_others(path, declared, again)


def declares_others(
    path: Path, declared: Mapping[str, Collection[DesiredTarget]], own: Collection[object]
) -> bool:
    """Whether the file at ``path`` declares a target not in ``own`` (those written into it
    again), or anything but targets (``holds_more``): writing over it would drop that
    declaration without a word."""
    return any(t not in own for t in declared.get(str(path), ())) or holds_more(path)


def holds_more(path: Path) -> bool:
    """Whether the file at ``path`` holds anything but targets' sections (``rooms:``,
    ``channels:``, ...): ``groups:``, ``owners:``, any other key with a value, or text
    that is no YAML mapping (kept: only a file of targets is ever written over). One that
    cannot be read (a folder there, no permission) is the write's to refuse, as before."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        return False
    except (UnicodeError, yaml.YAMLError):
        return True
    if data is None:
        return False
    if not isinstance(data, dict):
        return True
    sections = set(kinds.sections())
    return any(key not in sections and value is not None for key, value in data.items())


def is_there(path: Path) -> bool:
    """Whether anything is at ``path`` (a dangling symbolic link too)."""
    return os.path.lexists(path)
