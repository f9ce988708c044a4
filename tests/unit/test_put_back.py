"""What ``put_back`` is given to put a written file back (``restorable``): a file's bytes,
the file a dangling link leads to (removed again, the link stays), nothing for a FIFO
(never read: that would wait for a writer)."""

from __future__ import annotations

import os
from pathlib import Path

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
