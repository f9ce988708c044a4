"""The folders that hold a repository's git metadata, found as git finds them without
running ``git``: ``ROOT/.git`` when it is a folder; when it is a file (a worktree, a
submodule, ``--separate-git-dir``), the folder its ``gitdir:`` line names and that
folder's ``commondir`` (the main repository's ``.git``). Nothing written for the work
tree belongs in them (``link_out`` refuses a link that leads there)."""

from __future__ import annotations

import os
from pathlib import Path

from reconciler.path_checks import is_dir, is_file


def metadata_folders(root: Path) -> list[str]:
    """The real paths of the git folders of the repository at ``root`` (none when there
    is no ``.git``, or it cannot be read)."""
    dot_git = root / ".git"
    if is_dir(dot_git):  # a name too long for the system is none (Q-DM-1)
        return [os.path.realpath(dot_git)]
    git_dir = _pointed(dot_git, "gitdir:")
    if git_dir is None:
        return []
    common = _pointed(git_dir / "commondir", "")
    return [os.path.realpath(p) for p in (git_dir, common) if p is not None]


def _pointed(file: Path, prefix: str) -> Path | None:
    """The folder named in ``file`` after ``prefix`` (relative to ``file``'s folder);
    None when ``file`` is no such pointer."""
    if not is_file(file):  # never a FIFO's endless wait
        return None
    try:
        text = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith(prefix) or not text[len(prefix) :].strip():
        return None
    return file.parent / text[len(prefix) :].strip()
