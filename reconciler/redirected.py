"""The file behind a path that names one of this process's open files (``/dev/stdout``,
``/dev/fd/N``, ``/proc/self/fd/N``): ``plan --out /dev/stdout > plan.json`` writes the plan
into plan.json, and `apply` must be given that name, not ``/dev/stdout`` (in apply's own
process, its own stdout). Such a path leads through ``/proc`` (``atomic_file.open_file``),
where the open file's link names it, while it still has that name."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reconciler import atomic_file
from reconciler.os_text import text_of


@dataclass(frozen=True)
class Redirected:
    """An open file of this process: its name, relative to the current folder when under
    it (``plan.json``), as text (``os_text``: what the user typed and pastes, QA REREAD
    item 3); None when it has none to give (deleted or renamed since it was
    opened, or a file of another process's namespace)."""

    name: str | None


def redirected(path: Path) -> Redirected | None:
    """The file ``path`` stands for when it names one of this process's open files (a
    regular file or not: ``not_regular`` tells); None for any other path."""
    link = atomic_file.open_file(path)
    if link is None:
        return None
    try:
        target = os.readlink(link)  # "/home/me/plan.json", "pipe:[41]", "... (deleted)"
        same = os.path.isabs(target) and os.path.samestat(os.stat(target), os.stat(path))
    except OSError:
        return Redirected(None)
    return Redirected(_shown(target) if same else None)


def _shown(target: str) -> str:
    here = os.getcwd()
    inside = os.path.commonpath([here, target]) == here
    return text_of(os.path.relpath(target, here) if inside else target)
