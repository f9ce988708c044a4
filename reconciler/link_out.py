"""Whether writing a file under a folder (``codeowners`` in its repository, ``import
--out DIR`` in DIR) would land outside that folder, or in its git metadata, through a
symbolic link: the file itself, or a folder on the way to it, linked out of it (a
committed ``.github/CODEOWNERS -> ../../.bashrc``, a ``DIR/rooms -> ../elsewhere``) or
into a ``.git`` folder (``.github/CODEOWNERS -> ../.git/config``, or a hook: git's own
files, never one of the work tree's). Such a write is refused, as the loader refuses to
read a desired-state file through one; a link that stays in the work tree is followed
as every written file's link is (``atomic_file``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reconciler import git_dir


@dataclass(frozen=True)
class LinkOut:
    link: Path  # as written under root: the file, or a folder on the way to it
    into: str | None  # the git folder it leads into (relative to root); None: out of root


def link_out(path: Path, root: Path) -> LinkOut | None:
    """The first symbolic link on the way from ``root`` to ``path`` (``path`` itself
    included, existing or not; its target may not exist either) that leads out of
    ``root``, or into git's metadata: a folder named ``.git`` under it, or one of the
    repository's git folders at ``root`` (``git_dir``); None when there is none, or when
    ``path`` is not under ``root`` as written (nothing here to say for a path the user
    named elsewhere)."""
    start, target = os.path.abspath(root), os.path.abspath(path)
    if os.path.commonpath([start, target]) != start or start == target:
        return None
    inside = os.path.realpath(start)
    git_folders = git_dir.metadata_folders(Path(start))
    step = root  # as the user wrote it: the link is named so
    for part in Path(target).relative_to(start).parts:
        step = step / part
        if not os.path.islink(step):
            continue
        real = os.path.realpath(step)
        if not _within(real, inside):
            return LinkOut(step, None)
        into = _git_folder(real, inside, git_folders)
        if into is not None:
            return LinkOut(step, into)
    return None


def refusal(
    path: Path, root: Path, root_named: str, shown: Callable[[Path], str] = str
) -> str | None:
    """Why ``path`` is not written (``ROOT/rooms is a symbolic link that leads out of
    ROOT (not followed)``, ``... leads into .git (not followed)``, or ``it is ...`` when
    ``path`` is the link: ``root_named`` names ``root``, ``shown`` the link); None when it
    may be."""
    found = link_out(path, root)
    if found is None:
        return None
    named = "it" if os.path.abspath(found.link) == os.path.abspath(path) else shown(found.link)
    where = f"out of {root_named}" if found.into is None else f"into {found.into}"
    return f"{named} is a symbolic link that leads {where} (not followed)"


def leads(real: str, root: Path, root_named: str) -> str | None:
    """Where ``real`` (a resolved path: a file, or the folder a file is written in) is,
    when it is not where a file under ``root`` may be written: ``out of ROOT_NAMED``, or
    ``into GIT_FOLDER``; None when it is in ``root``'s work tree. ``atomic_file`` checks the
    folder it has open with it, as it writes (a link swapped in after ``refusal``)."""
    inside = os.path.realpath(root)
    if not _within(real, inside):
        return f"out of {root_named}"
    into = _git_folder(real, inside, git_dir.metadata_folders(Path(os.path.abspath(root))))
    return None if into is None else f"into {into}"


def _git_folder(real: str, inside: str, git_folders: list[str]) -> str | None:
    """The git folder (relative to ``inside``) that ``real``, a path under ``inside``, is
    in or is; None when it is in none."""
    for folder in git_folders:
        if _within(real, folder) and _within(folder, inside):
            return os.path.relpath(folder, inside)
    parts = Path(real).relative_to(inside).parts
    if ".git" in parts:
        return Path(*parts[: parts.index(".git") + 1]).as_posix()
    return None


def _within(real: str, folder: str) -> bool:
    return os.path.commonpath([real, folder]) == folder
