"""Writing a file so that no reader, failure or interrupt ever leaves half of it: the text
goes to a temporary file beside it, which is then renamed over it (``os.replace``)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str, *, keep_mode: bool = False) -> None:
    """Write ``text`` (UTF-8) to ``path``, whole or not at all; ``OSError`` as raised.
    ``keep_mode``: the file keeps its permissions (a new one gets 0644) rather than the
    temporary file's owner-only 0600."""
    directory = path.parent if str(path.parent) else Path(".")
    mode = None
    if keep_mode:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
