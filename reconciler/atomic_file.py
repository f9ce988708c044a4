"""Writing an output file (``plan --out``, ``merge-plans --out``, ``apply --out``,
``codeowners``) so that no reader, failure or interrupt ever leaves half of it, while the
path stays what it was:

- a regular file (or a new one) is replaced whole: the text goes to a temporary file
  beside it, which is then renamed over it (``os.replace``). An existing file keeps its
  permissions (and, where allowed, its owner and group); a new one gets what a plain
  ``open`` gives it (0666 less the umask);
- a symbolic link is followed: the file it points to is replaced, the link stays;
- anything else (``/dev/null``, ``/dev/stdout``, a FIFO...) is written into directly,
  as a shell's ``>`` would: renaming over it would replace the device with a file.

``problem(path)`` says, before any work is done, why such a write would fail."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
MAX_LINKS = 40  # as the kernel's own limit (ELOOP)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``: whole or not at all when it is (or becomes) a
    regular file; ``OSError`` as raised."""
    st = _stat(path)
    real, in_process = _resolve(path)
    if (st is not None and not stat.S_ISREG(st.st_mode)) or in_process:
        _write_in_place(path, text)
    else:
        _replace(real, text, st)


def _write_in_place(path: Path, text: str) -> None:
    """Into ``path`` as it is: a device, a FIFO (waits for its reader, as a shell's ``>``
    does), or a file this process already has open (``/dev/stdout``). NOT atomic: a
    reader may see part of the text, and a failure may leave part of it written; there
    is no other way to write to these (a rename would replace them)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def _stat(path: Path) -> os.stat_result | None:
    """What ``path`` is, through its links (None: nothing is there yet)."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None


def _resolve(path: Path) -> tuple[Path, bool]:
    """Where the chain of symbolic links at ``path`` ends (the file to replace; it may not
    exist yet), and whether the chain went through ``/proc``: ``/dev/stdout`` and
    ``/dev/fd/N`` lead to a file this process has open (or to ``pipe:[...]``, no path at
    all), which is written into rather than replaced."""
    current = os.path.abspath(path)
    for _ in range(MAX_LINKS):
        folder = os.path.realpath(os.path.dirname(current))
        current = os.path.join(folder, os.path.basename(current))
        if folder == "/proc" or folder.startswith("/proc/"):
            return Path(current), True
        if not os.path.islink(current):
            return Path(current), False
        current = os.path.join(folder, os.readlink(current))
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path))


def _replace(real: Path, text: str, st: os.stat_result | None) -> None:
    # the kernel applies the umask to the temporary file's mode: a new file ends up as
    # a plain open() makes it; an existing one's mode is then given back exactly (the
    # temporary file is never more open than the file it replaces)
    mode = 0o666 if st is None else stat.S_IMODE(st.st_mode) & 0o666
    while True:
        tmp = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, CREATE, mode)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            if st is not None:
                _keep_owner(fh.fileno(), st)
                os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            fh.write(text)
        os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _keep_owner(fd: int, st: os.stat_result) -> None:
    """The replaced file's owner and group, as far as this user may give them."""
    for uid, gid in ((st.st_uid, st.st_gid), (-1, st.st_gid)):
        try:
            os.fchown(fd, uid, gid)
            return
        except PermissionError:
            continue


def problem(path: Path) -> str | None:
    """Why ``write_atomically(path, ...)`` would fail, found without writing anything
    (None: it should succeed): checked before a command does its work, so that bad
    input changes nothing. A FIFO is not opened (that would wait for a reader)."""
    try:
        st = _stat(path)
        real, in_process = _resolve(path)
    except OSError as exc:
        return str(exc.strerror or exc)
    if st is not None and stat.S_ISDIR(st.st_mode):
        return "it is a directory"
    if (st is not None and not stat.S_ISREG(st.st_mode)) or in_process:  # written in place
        return None if os.access(path, os.W_OK) else "permission denied"
    folder = real.parent
    if not folder.exists():
        return f"no such folder: {_shown(path, folder)}"
    if not folder.is_dir():
        return f"{_shown(path, folder)} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):  # the temporary file goes there
        return f"the folder {_shown(path, folder)} is not writable"
    return None


def _shown(path: Path, folder: Path) -> str:
    """``folder`` as the user named it (``path``'s parent) unless a link led elsewhere."""
    given = path.parent if str(path.parent) else Path(".")
    return str(given) if os.path.realpath(given) == str(folder) else str(folder)
