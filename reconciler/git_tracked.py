"""Whether git tracks a file: the committed (or staged) file is the one GitHub reads,
not an untracked one in the working tree. Asks the ``git`` command; when it cannot tell
(no ``git``, a ``.git`` that is no repository), the answer is None."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path


def tracked(root: Path, file: Path) -> bool | None:
    """True when ``file`` (under the repository ``root``) is in git's index, committed or
    staged; False when it is not (untracked); None when git cannot tell."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        relative = file.absolute().relative_to(root.absolute()).as_posix()
        done = subprocess.run(
            [git, "-C", str(root), "ls-files", "--error-unmatch", "--", relative],
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (ValueError, OSError, subprocess.SubprocessError):
        return None
    if done.returncode == 0:
        return True
    # 1 with git's "did not match any file(s) known to git": untracked; else (128: not a
    # repository) it cannot tell
    return False if done.returncode == 1 and b"did not match" in done.stderr else None


def untracked(root: Path, files: list[Path]) -> list[Path] | None:
    """Those of ``files`` (under the repository ``root``) that git's index does not hold,
    in one ``git ls-files`` call; None when git cannot tell."""
    git = shutil.which("git")
    if git is None or not files:
        return None if git is None else []
    try:
        relative = {f: f.absolute().relative_to(root.absolute()).as_posix() for f in files}
        done = subprocess.run(
            [
                git,
                "--literal-pathspecs",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--",
                *relative.values(),
            ],
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (ValueError, OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    # in the form the paths asked about are in (the system's: ``os.fsdecode``), not UTF-8
    # text, which a C locale's ``d\udcc3\udca9`` never equals
    known = set(os.fsdecode(done.stdout).split("\0"))
    return [f for f, r in relative.items() if r not in known]


def unanswered(root: Path) -> str | None:
    """Why git cannot tell what it tracks in the repository at ``root`` (no ``git`` on
    PATH; git refusing it, as "dubious ownership"), in git's words; None: it can, or the
    ``.git`` there is no repository at all (nothing in it is tracked to check)."""
    git = shutil.which("git")
    if git is None:
        return "no git command on PATH"
    try:
        done = subprocess.run(
            [git, "-C", str(root), "rev-parse", "--git-dir"],
            capture_output=True,
            timeout=30,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 0 or (said and "not a git repository" in said[0]):
        return None  # a `.git` that is no repository (a test's, an image's) holds nothing
    return said[0] if said else f"git exited {done.returncode}"
