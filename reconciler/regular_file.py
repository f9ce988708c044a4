"""Reading a file that must be a regular file, without ever blocking on one that is not: a
FIFO opened for reading waits for a writer forever, and a device may never end. The file
is opened without waiting (``O_NONBLOCK``) and checked before anything is read from it.
Used for the desired-state files, CODEOWNERS and saved plans (these with a size bound:
``limit``)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

KINDS = (  # what a path that is not a regular file is, in words
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISDIR, "a directory"),
)


class NotRegularFile(OSError):
    """The path is a FIFO, a socket, a device or a directory: nothing was read."""

    def __init__(self, path: str | Path, what: str) -> None:
        super().__init__(errno.EINVAL, "not a regular file", str(path))
        self.what = what


class FileTooLarge(OSError):
    """The file is larger than the reader's bound: nothing (or no more than the bound)
    was read."""

    def __init__(self, path: str | Path, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, "file too large", str(path))
        self.size = size
        self.limit = limit


def read_regular(path: str | Path, *, follow: bool = True, limit: int | None = None) -> bytes:
    """The bytes of ``path``; ``NotRegularFile`` when it is not a regular file, other
    ``OSError``\\ s as raised (``FileNotFoundError``...). ``follow=False``: a symbolic
    link is refused (``O_NOFOLLOW``), so the file checked is the file read. With
    ``limit``, a file of more bytes is ``FileTooLarge``: by its size, before anything is
    read, and if it grew meanwhile, after ``limit + 1`` bytes at most."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket cannot be opened at all: say what it is
            _check(path, os.stat(path, follow_symlinks=follow).st_mode)
        raise
    try:
        fh = os.fdopen(fd, "rb")
    except BaseException:  # a directory (IsADirectoryError): the descriptor is still ours
        os.close(fd)
        raise
    with fh:
        status = os.fstat(fd)
        _check(path, status.st_mode)
        if limit is None:
            return fh.read()
        if status.st_size > limit:
            raise FileTooLarge(path, status.st_size, limit)
        data = fh.read(limit + 1)
        if len(data) > limit:
            raise FileTooLarge(path, len(data), limit)
        return data


def not_regular(path: str | Path) -> str | None:
    """What ``path`` (its link followed) is when it is no regular file, in words (``a
    device``); None when it is one, or cannot be looked at."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else _what(mode)


def _check(path: str | Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        raise NotRegularFile(path, _what(mode))


def _what(mode: int) -> str:
    return next((w for test, w in KINDS if test(mode)), "not a file")
