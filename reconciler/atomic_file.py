"""Writing a file (``plan --out``, ``merge-plans --out``, ``apply --out``, ``codeowners``,
``import --out``, ``import --adopt`` and the files those put back) so that no reader,
failure or interrupt ever leaves half of it, while the path stays what it was:

- a regular file (or a new one) is replaced whole: the text goes to a temporary file
  beside it, which is then renamed over it (``os.replace``). An existing file keeps its
  permissions (and, where allowed, its owner and group); a new one gets what a plain
  ``open`` gives it (0666 less the umask);
- a symbolic link is followed: the file it points to is replaced, the link stays;
- a regular file with more than one hard link is written into, as a shell's ``>``
  would: a rename would give this name a new file and leave every other name of it with
  the old text. That write is not atomic (the price of keeping the links);
- anything else (``/dev/null``, ``/dev/stdout``, a FIFO...) is written into directly,
  as a shell's ``>`` would: renaming over it would replace the device with a file.

Given ``within`` (``codeowners`` in its repository, ``import --out DIR`` in DIR), a path
under that folder is written only inside its work tree: a symbolic link on the way that
leads out of it or into its ``.git`` (``link_out``) is refused, checked as the write is
made, on the folder the file is written in (held open: a link swapped in after any check
made before is caught; ``LeadsOut``). A path the user named elsewhere is written as above.

``problem(path)`` says, before any work is done, why such a write would fail."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reconciler import link_out

CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
INTO = os.O_WRONLY | os.O_TRUNC | os.O_CLOEXEC | os.O_NOFOLLOW  # an existing file, no link
FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
MAX_LINKS = 40  # as the kernel's own limit (ELOOP)


@dataclass(frozen=True)
class Within:
    """The folder a file under it is written inside of: ``root`` as the user named it,
    ``named`` as messages name it (``the repository at /home/me/repo``, ``DIR``)."""

    root: Path
    named: str


class LeadsOut(OSError):
    """A write refused: the path leads out of its ``Within`` (or into its ``.git``)
    through a symbolic link. Its text is the reason, as ``link_out.refusal`` gives it."""

    def __init__(self, why: str) -> None:
        super().__init__(errno.EPERM, why)

    def __str__(self) -> str:
        return str(self.strerror)


def write_atomically(path: Path, content: str | bytes, within: Within | None = None) -> None:
    """Write ``content`` (text as UTF-8, or bytes as they are) to ``path``: whole or not
    at all when it is (or becomes) a regular file with one name; ``OSError`` as raised,
    ``LeadsOut`` when ``path`` is under ``within`` and a link leads it out (nothing
    written)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if within is not None and _under(path, within.root):
        why = link_out.refusal(path, within.root, within.named)
        if why is not None:
            raise LeadsOut(why)
    else:
        within = None
    st = _stat(path)
    real, in_process = _resolve(path)
    with _folder(real, within) as folder:
        if _in_place(st, in_process):
            _write_in_place(path if folder is None else real, data, folder)
        else:
            _replace(real, data, st, folder)


def _under(path: Path, root: Path) -> bool:
    start, target = os.path.abspath(root), os.path.abspath(path)
    return start != target and os.path.commonpath([start, target]) == start


@contextlib.contextmanager
def _folder(real: Path, within: Within | None) -> Iterator[int | None]:
    """The folder ``real`` is written in, held open (None without ``within``: written by
    path), and checked to be in ``within``'s work tree as it is: the real path of the
    folder open, which is where the file goes whatever links change after."""
    if within is None:
        yield None
        return
    fd = os.open(real.parent, FOLDER)
    try:
        resolved = os.path.realpath(real.parent)
        same = os.path.exists(resolved) and os.path.samestat(os.fstat(fd), os.stat(resolved))
        where = link_out.leads(resolved, within.root, within.named) if same else "elsewhere"
        if where is not None:
            raise LeadsOut(
                f"it leads {where} through a symbolic link that changed while it was "
                "written (not followed)"
            )
        yield fd
    finally:
        os.close(fd)


def _in_place(st: os.stat_result | None, in_process: bool) -> bool:
    """Whether the file is written into rather than replaced: a device, a FIFO, a file of
    this process (``in_process``), or a regular file with other hard links."""
    if st is None:
        return in_process
    return in_process or not stat.S_ISREG(st.st_mode) or st.st_nlink > 1


def _write_in_place(path: Path, data: bytes, folder: int | None = None) -> None:
    """Into ``path`` as it is: a device, a FIFO (waits for its reader, as a shell's ``>``
    does), a file this process already has open (``/dev/stdout``) or a file with several
    hard links. NOT atomic: a reader may see part of the text, and a failure may leave
    part of it written; there is no other way to write to these (a rename would replace
    them, or give this one name a file of its own). In ``folder`` (open), ``path`` is the
    real file's, and no link at its name is followed."""
    if folder is None:
        with open(path, "wb") as fh:
            fh.write(data)
        return
    with os.fdopen(os.open(path.name, INTO, dir_fd=folder), "wb") as fh:
        fh.write(data)


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


def open_file(path: Path) -> Path | None:
    """Where ``path`` leads in ``/proc`` when it names a file this process has open
    (``/dev/stdout``: ``/proc/PID/fd/1``, written into); None for any other path."""
    try:
        real, in_process = _resolve(path)
    except OSError:
        return None
    return real if in_process else None


def _replace(real: Path, data: bytes, st: os.stat_result | None, folder: int | None) -> None:
    """``real`` replaced by a new file with ``data``: made beside it (in ``folder`` when it
    is open: by name in it, so no link swapped in on the way moves it), then renamed."""
    # the kernel applies the umask to the temporary file's mode: a new file ends up as
    # a plain open() makes it; an existing one's mode is then given back exactly (the
    # temporary file is never more open than the file it replaces)
    mode = 0o666 if st is None else stat.S_IMODE(st.st_mode) & 0o666
    while True:
        tmp = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp if folder is None else tmp.name, CREATE, mode, dir_fd=folder)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            if st is not None:
                _keep_owner(fh.fileno(), st)
                os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            fh.write(data)
        if folder is None:
            os.replace(tmp, real)
        else:
            os.replace(tmp.name, real.name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        if folder is None:
            tmp.unlink(missing_ok=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp.name, dir_fd=folder)
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
    if _in_place(st, in_process):
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
