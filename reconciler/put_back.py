"""Files put back as they were after a change that failed or was interrupted part way
(``import --out``, ``import --adopt``): each removed if it did not exist before, else given
its old bytes again (its line endings too; written as ``atomic_file`` writes: a link
followed, the mode kept), and the folders made for them removed again when they are
empty. Ctrl-C and SIGTERM wait meanwhile, so that a second Ctrl-C cannot leave a file half
put back, and are then dropped: the interrupt or failure under way is the one reported."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterable
from pathlib import Path

from reconciler import atomic_file
from reconciler.regular_file import NotRegularFile, read_regular

SIGNALS = {signal.SIGINT, signal.SIGTERM}  # held while the files are put back


def put_back(
    files: Iterable[tuple[Path, bytes | None]],
    folders: Iterable[Path] = (),
    within: atomic_file.Within | None = None,
) -> None:
    """Each ``(path, bytes before)``: None, the file did not exist. Then each of
    ``folders`` (those the change created, innermost first) is removed if it is empty.
    ``within``: as ``atomic_file.write_atomically`` (a file no longer there is left)."""
    held = None
    if threading.current_thread() is threading.main_thread():
        held = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        for path, before in files:
            if before is None:
                path.unlink(missing_ok=True)
            else:
                with contextlib.suppress(atomic_file.LeadsOut):  # the others still go back
                    atomic_file.write_atomically(path, before, within)
        for folder in folders:
            with contextlib.suppress(OSError):  # not empty (or gone): not ours to remove
                folder.rmdir()
    finally:
        if held is not None:
            with contextlib.suppress(KeyboardInterrupt):  # raised by the call itself
                signal.pthread_sigmask(signal.SIG_SETMASK, held)


def restorable(path: Path) -> list[tuple[Path, bytes | None]]:
    """What ``put_back`` needs to give ``path`` back after it is written: its bytes, or
    None (nothing there: the file a link leads to, not the link, is removed again); nothing
    for a FIFO or a device (what was written into one cannot be taken back; it is not
    read, which could wait forever)."""
    try:
        return [(path, read_regular(path))]
    except FileNotFoundError:
        return [(Path(os.path.realpath(path)), None)]
    except NotRegularFile:
        return []
