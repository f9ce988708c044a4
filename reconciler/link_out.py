"""Whether writing a file under a folder (``codeowners`` in its repository, ``import
--out DIR`` in DIR) would land outside that folder through a symbolic link: the file
itself, or a folder on the way to it, linked out of it (a committed ``.github/CODEOWNERS
-> ../../.bashrc``, a ``DIR/rooms -> ../elsewhere``). Such a write is refused, as the
loader refuses to read a desired-state file through one; a link that stays inside is
followed as every written file's link is (``atomic_file``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def link_out(path: Path, root: Path) -> Path | None:
    """The first symbolic link on the way from ``root`` to ``path`` (``path`` itself
    included, existing or not; its target may not exist either) that leads out of
    ``root``; None when there is none, or when ``path`` is not under ``root`` as written
    (nothing here to say for a path the user named elsewhere)."""
    start, target = os.path.abspath(root), os.path.abspath(path)
    if os.path.commonpath([start, target]) != start or start == target:
        return None
    inside = os.path.realpath(start)
    step = root  # as the user wrote it: the link is named so
    for part in Path(target).relative_to(start).parts:
        step = step / part
        if os.path.islink(step) and not _within(os.path.realpath(step), inside):
            return step
    return None


def refusal(
    path: Path, root: Path, root_named: str, shown: Callable[[Path], str] = str
) -> str | None:
    """Why ``path`` is not written (``ROOT/rooms is a symbolic link that leads out of
    ROOT (not followed)``, or ``it is ...`` when ``path`` is the link: ``root_named``
    names ``root``, ``shown`` the link); None when it may be."""
    link = link_out(path, root)
    if link is None:
        return None
    named = "it" if os.path.abspath(link) == os.path.abspath(path) else shown(link)
    return f"{named} is a symbolic link that leads out of {root_named} (not followed)"


def _within(real: str, folder: str) -> bool:
    return os.path.commonpath([real, folder]) == folder
