"""Where ``import --out DIR`` may write a file without dropping what DIR declares (QA-FY
Q-FY-1, Q-FY-7): a file there is written over only when every target it declares is one
this import writes into it again (``--force``'s refresh); one that declares another target
(another account's room of the same name, a hand-edited channel file) is never replaced,
and the import takes another name beside it."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from reconciler.desired.model import DesiredTarget


def by_file(targets: Iterable[DesiredTarget]) -> dict[str, list[DesiredTarget]]:
    """The targets a desired state declares, by the file (its path as loaded) of each."""
    found: dict[str, list[DesiredTarget]] = {}
    for t in targets:
        found.setdefault(t.location.file, []).append(t)
    return found


def declares_others(
    path: Path, declared: Mapping[str, Collection[DesiredTarget]], own: Collection[object]
) -> bool:
    """Whether the file at ``path`` declares a target not in ``own`` (those written into it
    again): writing over it would drop that declaration without a word."""
    return any(t not in own for t in declared.get(str(path), ()))


def is_there(path: Path) -> bool:
    """Whether anything is at ``path`` (a dangling symbolic link too)."""
    return os.path.lexists(path)
