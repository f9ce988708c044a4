"""Finding and reading the desired-state files: the loader's only I/O.

Every ``*.yaml`` / ``*.yml`` under the directory, recursively, in sorted order of their
path relative to it; a name ending in another case of those (``rooms.YAML``, saved by a
Windows tool) is an error that says to rename it (or, when that name exists too, to
merge the two), never skipped without a word. Hidden
files and directories (``.git``, ``.x.yaml``) are skipped; symbolic links to directories
are not followed. Only regular files inside the directory are read: a symbolic link to a
file elsewhere in it is read, one that leaves it (to ``/etc/passwd``, say, in a pull
request) is an error that names the link and nothing of what it points to; a FIFO or a
device is an error too.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from reconciler.desired.editor_lines import line_at
from reconciler.desired.wide_text import wide_encoding
from reconciler.errors import Problem
from reconciler.os_text import has_lone_surrogate, os_form, text_of
from reconciler.refs import Location
from reconciler.regular_file import read_regular

SUFFIXES = (".yaml", ".yml")
# the files read as settings and restrictions (at the top of the directory); every other
# file is a members file
SETTINGS = ("settings.yaml", "settings.yml")
RESTRICTIONS = ("restrictions.yaml", "restrictions.yml")
CANNOT_READ = "cannot read file: "
NAME_NOT_UTF8 = "the file or folder name is not valid UTF-8: rename it"
# --desired below a folder whose name is not UTF-8 (Latin-1 ``caf\xe9``): the places of
# its files (``declared_at``, ``origin.desired``) could not be written in a saved plan
FOLDER_NOT_UTF8 = (
    "the path of this folder is not valid UTF-8 text, so a plan could not record where its "
    "files are: rename the folder whose name is not UTF-8"
)


@dataclass(frozen=True)
class SourceFile:
    relative: str  # POSIX path relative to the directory: "teams/sre.yaml"
    display: str  # as the user would type it: str(directory / relative)
    content: bytes | None  # None when it could not be read
    error: str = ""  # why it could not be read: the whole message at its path


def discover(directory: Path) -> tuple[list[SourceFile], list[Problem]]:
    """Read every desired-state file. Problems: unreadable files and directories, and a
    missing or empty directory ("no desired-state files found in DIR")."""
    try:
        if not directory.exists():
            return [], [_none_found(directory, "no such directory")]
        if not directory.is_dir():
            return [], [_none_found(directory, "not a directory")]
    except OSError as exc:  # a name over 255 bytes: "File name too long" (Q-CZ-8)
        return [], [_none_found(directory, exc.strerror or str(exc))]
    folder = os.path.abspath(directory)
    if has_lone_surrogate(text_of(folder)):  # a saved plan could not record its places
        # named as typed where the name not UTF-8 is in it, else the whole path; its
        # bytes as ``ls -b`` shows them, as a file's name is (QA-HK Q-HK-7)
        typed = str(directory)
        named = byte_form(typed if has_lone_surrogate(text_of(typed)) else folder)
        from reconciler.render.safe import shown  # an error only (README "Start-up and exit")

        return [], [Problem(None, f"--desired {shown(named)}: {FOLDER_NOT_UTF8}")]
    problems: list[Problem] = []

    def unreadable(exc: OSError) -> None:
        # as text, as every path this module shows (``_text``: Q-HE-2, QA REREAD item 12)
        where = text_of(os.fsdecode(exc.filename)) if exc.filename else _text(directory)
        problems.append(Problem(None, f"{where}: cannot read directory: {exc.strerror or exc}"))

    relatives: list[str] = []
    for root, dirs, names in os.walk(directory, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(root).relative_to(directory)
        for name in names:
            if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                relatives.append(text_of((base / name).as_posix()))  # Q-HE-6
    files = [_read(directory, relative) for relative in sorted(relatives)]
    for f in files:
        if f.content is None:
            problems.append(Problem(Location(f.display, 1), f.error))
    if not files and not problems:
        problems.append(_none_found(directory, " or ".join(f"*{s}" for s in SUFFIXES)))
    return files, problems


def would_read(directory: Path, path: Path) -> bool:
    """Whether a file written at ``path`` would be read by ``discover(directory)``: a
    ``*.yaml`` / ``*.yml`` name (any case) under it, in no hidden folder (QA-HD Q-HD-5:
    ``plan --out desired-state/plan.yaml`` made the desired state invalid). Compared by
    real location, as the file would be found. Both paths in the system's form
    (``os_text.os_form``): a text one that the system's encoding cannot hold is an error,
    never taken for "not under it" (QA REREAD item 6)."""
    try:
        root = Path(os.path.realpath(directory))
        where = Path(os.path.realpath(path.parent)) / path.name
    except OSError:
        return False
    try:
        relative = where.relative_to(root)
    except ValueError:  # not under it
        return False
    hidden = any(part.startswith(".") for part in relative.parts)
    return relative.parts != () and path.name.lower().endswith(SUFFIXES) and not hidden


def _none_found(directory: Path, why: str) -> Problem:
    return Problem(None, f"no desired-state files found in {_text(directory)} ({why})")


def _read(directory: Path, relative: str) -> SourceFile:
    """``relative``: text (``os_text``); read at its path in the system's form."""
    path = directory / os_form(relative)
    display = _text(path)  # as typed and shown by ls, in any locale (Q-HE-2)
    if not _is_utf8(relative):  # its bytes as ``ls -b`` shows them: caf\xe9 (QA-HK Q-HK-7)
        return SourceFile(relative, byte_form(display), None, NAME_NOT_UTF8)
    if not relative.endswith(SUFFIXES):  # rooms.YAML: its rooms would not be in force
        return SourceFile(relative, display, None, _not_lower_case(path, relative))
    try:
        real = os.path.realpath(path)
        if os.path.commonpath([real, os.path.realpath(directory)]) != os.path.realpath(directory):
            why = f"a symbolic link that leads out of {_text(directory)} (not followed)"
            return SourceFile(relative, display, None, CANNOT_READ + why)
        # not following links: the file checked above is the file read, not a link
        # swapped in since
        return SourceFile(relative, display, read_regular(real, follow=False))
    except OSError as exc:  # NotRegularFile (a FIFO would block the read forever) too
        why = exc.strerror or type(exc).__name__
        return SourceFile(relative, display, None, CANNOT_READ + why)


def byte_form(path: str) -> str:
    """``path`` (text, with lone surrogates where its bytes are not UTF-8) with those bytes
    as ``\\xe9``, as ``ls -b`` shows them: one spelling for a file and a folder."""
    return os.fsencode(os_form(path)).decode("utf-8", "backslashreplace")


def _text(path: Path) -> str:
    """``path`` as text (``os_text``): a path holds lone surrogates in a C locale."""
    return text_of(str(path))


def _not_lower_case(path: Path, relative: str) -> str:
    """What to do with ``rooms.YAML``: rename it to ``rooms.yaml``, or, when that name
    exists too, merge the two; ``Settings.YML`` at the top: rename it to ``settings.yml``,
    the name read as the settings, or merge it into the settings file there."""
    stem, dot, extension = path.name.rpartition(".")
    lower = f"{stem}{dot}{extension.lower()}"
    names = _read_as(lower, relative)
    renamed = lower if names == (lower,) else path.name.lower()
    read = "only names ending in .yaml or .yml (lower case) are read"
    taken = [name for name in names if name in _names_in(path.parent)]
    if not taken:
        return f"{read}: rename it to {renamed}"
    merge = f"{read}, and {taken[0]} exists too: merge this file into it"
    if names == (lower,):
        return (
            f"{merge}, or rename it to another name ending in .{extension.lower()} (not "
            f"{lower}: that would overwrite it)"
        )
    return f"{merge} (keep one {names[0].partition('.')[0]} file)"


def _read_as(name: str, relative: str) -> tuple[str, ...]:
    """The names read as the file ``name`` would be (at ``relative``): ``SETTINGS`` for
    ``settings.yml`` at the top of the directory, in any case; else ``name`` alone."""
    if "/" not in relative:
        for names in (SETTINGS, RESTRICTIONS):
            if name.lower() in names:
                return names
    return (name,)


def _names_in(folder: Path) -> set[str]:
    """The names in ``folder`` as written (``rooms.yaml`` is not there when only
    ``rooms.YAML`` is, even on a disk that ignores case); none when it cannot be listed."""
    try:
        return set(os.listdir(folder))
    except OSError:
        return set()


def _is_utf8(relative: str) -> bool:
    """False for a file or folder name of other bytes (``compañia.yaml`` in Latin-1): its
    text (``text_of``: its bytes, whatever the locale) holds surrogate escapes, which a
    saved plan, JSON and CODEOWNERS cannot carry. A UTF-8 name is one in any locale: in
    a C locale without UTF-8 mode Python hands it over as surrogate escapes too (Q-HE-6)."""
    return not has_lone_surrogate(text_of(relative))


def decode(source: SourceFile) -> tuple[str | None, Problem | None]:
    """The file's text (UTF-8, an optional BOM dropped), or a located problem: a file in
    UTF-16 or UTF-32 is said to be one, at its first line."""
    assert source.content is not None
    wide = wide_encoding(source.content)
    if wide is not None:
        message = f"not valid UTF-8 text: the file looks like {wide} (save it as UTF-8)"
        return None, Problem(Location(source.display, 1), message)
    try:
        return source.content.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = source.content[: exc.start].decode("utf-8-sig")
        line = line_at(before, len(before))
        return None, Problem(Location(source.display, line), "not valid UTF-8 text")


def read_text(directory: Path, relative: str) -> tuple[str | None, Problem | None]:
    """One file's text as the loader reads it (``discover``'s checks, then ``decode``), or
    the located problem the loader reports for it (for commands that read one file, such
    as import's default account from settings.yaml)."""
    source = _read(directory, relative)
    if source.content is None:
        return None, Problem(Location(source.display, 1), source.error)
    return decode(source)


def digest(files: list[SourceFile]) -> str:
    """sha256 over every file's relative path and bytes, in path order: a saved plan
    compares it to refuse a plan made from other files."""
    h = hashlib.sha256()
    for f in sorted(files, key=lambda f: f.relative):
        content = f.content or b""
        # its bytes, whatever the locale (os.fsencode's in a UTF-8 one); never raises
        h.update(f.relative.encode("utf-8", "surrogateescape"))
        h.update(b"\0%d\0" % len(content))
        h.update(content)
    return "sha256:" + h.hexdigest()
