"""Whether a path given by the user (``--desired``, a saved plan's recorded directory,
``import --out DIR`` and the files under it, Q-DM-1) is there: ``False`` for a name that
cannot be, as for a missing one. Python 3.11's ``Path.exists()``, ``is_dir()`` and
``is_file()`` raise for a name over 255 bytes (ENAMETOOLONG, "File name too long"),
which was an "Internal error" (Q-CZ-8)."""

from __future__ import annotations

from pathlib import Path


def exists(path: str | Path) -> bool:
    try:
        return Path(path).exists()
    except OSError:
        return False


def is_dir(path: str | Path) -> bool:
    try:
        return Path(path).is_dir()
    except OSError:
        return False


def is_file(path: str | Path) -> bool:
    try:
        return Path(path).is_file()
    except OSError:
        return False
