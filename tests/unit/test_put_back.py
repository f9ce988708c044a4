"""What ``put_back`` is given to put a written file back (``restorable``): a file's bytes,
the file a dangling link leads to (removed again, the link stays), nothing for a FIFO
(never read: that would wait for a writer)."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from reconciler.atomic_file import write_atomically
from reconciler.put_back import NotPutBack, put_back, restorable


def test_a_file_is_given_its_bytes_again_through_its_link(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_bytes(b"rooms:\r\n  a: {}\r\n")
    link = tmp_path / "link.yaml"
    link.symlink_to("real.yaml")
    before = restorable(link)
    write_atomically(link, "rooms: {}\n")
    put_back(before)
    assert real.read_bytes() == b"rooms:\r\n  a: {}\r\n" and link.is_symlink()


def test_the_file_a_dangling_link_leads_to_is_removed_again_and_the_link_stays(
    tmp_path: Path,
) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to("made.yaml")
    before = restorable(link)
    assert before == [(tmp_path / "made.yaml", None)]
    write_atomically(link, "rooms: {}\n")
    assert (tmp_path / "made.yaml").exists()
    put_back(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml"] and link.is_symlink()


def test_a_fifo_is_not_read_and_has_nothing_to_put_back(tmp_path: Path) -> None:
    fifo = tmp_path / "rooms.yaml"
    os.mkfifo(fifo)
    assert restorable(fifo) == []  # returns at once: no writer is waited for


def test_a_file_that_cannot_be_put_back_is_named_and_the_others_still_go_back(
    tmp_path: Path,
) -> None:
    # Q-DV-4: the first OSError stopped it; the files after it stayed as edited, unnamed
    lost = tmp_path / "gone" / "a.yaml"
    other = tmp_path / "b.yaml"
    other.write_text("rooms: {edited: {}}\n")
    (tmp_path / "gone").write_text("a file where the folder was\n")

    with pytest.raises(NotPutBack) as raised:
        put_back([(lost, b"rooms: {}\n"), (other, b"rooms: {}\n")])

    assert other.read_bytes() == b"rooms: {}\n"
    assert str(raised.value) == f"{lost} could not be put back (Not a directory)"


def test_a_ctrl_c_pending_as_the_signals_are_held_leaves_them_unblocked_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-LF Q-LF-13: a Ctrl-C pending when ``put_back`` blocked SIGINT and SIGTERM had its
    handler run as that call returned (Python looks for signals then): the
    ``KeyboardInterrupt`` it raised left them blocked for good, in a process that goes on
    (``reconciler.cli.main()`` in yours, the suite), and in every command it started since.
    Now it is dropped, as one coming while the files go back is, and they go back."""
    from reconciler import put_back as module

    real = signal.pthread_sigmask
    pending = [True]

    def sigmask(how: int, mask: Any) -> Any:
        before = real(how, mask)
        if how == signal.SIG_BLOCK and set(mask) and pending:
            pending.clear()  # the pending Ctrl-C's handler, run as the call returns
            raise KeyboardInterrupt
        return before

    monkeypatch.setattr(module.signal, "pthread_sigmask", sigmask)
    written = tmp_path / "a.yaml"
    written.write_text("rooms: {new: {}}\n")

    try:
        put_back([(written, b"rooms: {}\n")])
    except KeyboardInterrupt:  # not left to end the test session
        monkeypatch.undo()
        blocked = {signal.SIGINT, signal.SIGTERM} & signal.pthread_sigmask(signal.SIG_BLOCK, ())
        pytest.fail(f"KeyboardInterrupt raised, {sorted(blocked)} left blocked, nothing put back")
    monkeypatch.undo()
    assert written.read_bytes() == b"rooms: {}\n"
    assert not {signal.SIGINT, signal.SIGTERM} & signal.pthread_sigmask(signal.SIG_BLOCK, ())
