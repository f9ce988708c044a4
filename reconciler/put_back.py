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
from reconciler.errors import ReconcilerError
from reconciler.regular_file import NotRegularFile, read_regular
from reconciler.render.safe import shown

SIGNALS = {signal.SIGINT, signal.SIGTERM}  # held while the files are put back


class NotPutBack(ReconcilerError):
    """Files ``put_back`` could not give back, each with the reason (every other went back)."""

    def __init__(self, failed: list[tuple[Path, str]]) -> None:
        self.failed = failed
        super().__init__(
            ", ".join(f"{shown(str(path))} could not be put back ({why})" for path, why in failed)
        )


def put_back(
    files: Iterable[tuple[Path, bytes | None]],
    folders: Iterable[Path] = (),
    within: atomic_file.Within | None = None,
) -> None:
    """Each ``(path, bytes before)``: None, the file did not exist. Then each of
    ``folders`` (those the change created, innermost first) is removed if it is empty.
    ``within``: as ``atomic_file.write_atomically`` (a file no longer there is left). A
    file that cannot be put back (OSError) does not stop the others: ``NotPutBack`` names
    each such file once the others are back."""
    failed: list[tuple[Path, str]] = []
    held = _held() if threading.current_thread() is threading.main_thread() else None
    try:
        for path, before in files:
            try:
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_file.write_atomically(path, before, within)
            except atomic_file.LeadsOut:  # a link swapped in: what it leads to is not ours
                pass
            except OSError as exc:  # the others still go back
                failed.append((path, str(exc.strerror or exc)))
        for folder in folders:
            with contextlib.suppress(OSError):  # not empty (or gone): not ours to remove
                folder.rmdir()
    finally:
        if held is not None:
            with contextlib.suppress(KeyboardInterrupt):  # raised by the call itself
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
    if failed:
        raise NotPutBack(failed)


def _held() -> set[int | signal.Signals]:
    """Block ``SIGNALS`` in this (the main) thread; the mask before. Python runs the
    handler of a signal already pending as each call returns: its ``KeyboardInterrupt``
    is dropped, as those that come while the files go back are. Raised by the call that
    blocked them, it left them blocked for good (nothing then set the mask back; the
    commands the process started later got them blocked: QA-LF Q-LF-13)."""
    while True:
        try:
            before = signal.pthread_sigmask(signal.SIG_BLOCK, ())  # nothing changed yet
            break
        except KeyboardInterrupt:
            continue
    with contextlib.suppress(KeyboardInterrupt):  # blocked all the same
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    return before


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
