"""Written files (plan --out, merge-plans --out, apply --out, codeowners, import --out,
import --adopt) keep what the path is: a link is followed, a file keeps its mode, a new one
gets the umask's mode, a file with other hard links keeps them, a FIFO or a device is
written into rather than replaced by a file."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler import atomic_file, link_out
from reconciler.atomic_file import problem, write_atomically


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_symlink_is_followed_the_link_stays_and_its_target_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / ".github").mkdir()
    real = tmp_path / "docs" / "CODEOWNERS"
    real.write_text("old\n")
    link = tmp_path / ".github" / "CODEOWNERS"
    link.symlink_to("../docs/CODEOWNERS")
    write_atomically(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == "../docs/CODEOWNERS"
    assert real.read_text() == "new\n"
    assert leftovers(tmp_path / "docs") == [] and leftovers(tmp_path / ".github") == []


def test_a_chain_of_links_and_a_dangling_link_reach_the_final_file(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old\n")
    (tmp_path / "a.json").symlink_to("real.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    write_atomically(tmp_path / "b.json", "new\n")
    assert real.read_text() == "new\n" and (tmp_path / "b.json").is_symlink()
    (tmp_path / "later.json").symlink_to("created.json")  # as `echo > later.json` does
    write_atomically(tmp_path / "later.json", "made\n")
    assert (tmp_path / "created.json").read_text() == "made\n"
    assert (tmp_path / "later.json").is_symlink()


def test_a_link_loop_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OSError):
        write_atomically(tmp_path / "a", "x")
    assert problem(tmp_path / "a") is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


@pytest.mark.parametrize("kept", [0o644, 0o600, 0o664, 0o640])
def test_an_existing_file_keeps_its_mode(tmp_path: Path, kept: int, umask_022: None) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old\n")
    path.chmod(kept)
    write_atomically(path, "new\n")
    assert (path.read_text(), mode(path)) == ("new\n", kept)


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_mode_a_plain_open_gives(
    tmp_path: Path, umask: int, expected: int
) -> None:
    old = os.umask(umask)
    try:
        write_atomically(tmp_path / "merged.json", "{}\n")
        with open(tmp_path / "plain.json", "w") as fh:
            fh.write("{}\n")
    finally:
        os.umask(old)
    assert mode(tmp_path / "merged.json") == expected == mode(tmp_path / "plain.json")


def test_a_file_with_hard_links_is_written_into_and_every_name_shows_the_new_text(
    tmp_path: Path,
) -> None:
    original = tmp_path / "teams.yaml"
    original.write_text("old\n")
    original.chmod(0o640)
    other = tmp_path / "elsewhere.yaml"
    os.link(original, other)
    inode = original.stat().st_ino
    write_atomically(original, "new\n")
    assert other.read_text() == original.read_text() == "new\n"
    assert original.stat().st_ino == inode == other.stat().st_ino
    assert original.stat().st_nlink == 2 and mode(original) == 0o640
    assert leftovers(tmp_path) == []
    assert problem(original) is None
    other.unlink()  # one name again: replaced whole, as any file
    write_atomically(original, "newer\n")
    assert original.read_text() == "newer\n" and original.stat().st_ino != inode


def test_bytes_are_written_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "rooms.yaml"
    write_atomically(path, b"rooms:\r\n  a: {}\r\n\xef\xbb\xbf")
    assert path.read_bytes() == b"rooms:\r\n  a: {}\r\n\xef\xbb\xbf"
    write_atomically(path, "caf\u00e9\n")
    assert path.read_bytes() == "caf\u00e9\n".encode()


def test_a_fifo_is_written_into_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_text()))
    reader.start()
    write_atomically(fifo, '{"plan": 1}\n')
    reader.join(timeout=10)
    assert read == ['{"plan": 1}\n']
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert leftovers(tmp_path) == []
    assert problem(fifo) is None  # checked without opening it (no reader now)


def test_a_character_device_is_written_in_place_never_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/dev/null and /dev/stdout take the in-place branch; the writers are replaced here so
    that nothing is written under /dev."""
    taken: list[tuple[str, str]] = []
    monkeypatch.setattr(
        atomic_file, "_write_in_place", lambda p, t, *_: taken.append(("in", str(p)))
    )
    monkeypatch.setattr(
        atomic_file, "_replace", lambda p, t, s, *_: taken.append(("replace", str(p)))
    )
    write_atomically(Path("/dev/null"), "x")
    write_atomically(Path("/dev/stdout"), "x")  # whatever stdout is (a file under pytest)
    assert taken == [("in", "/dev/null"), ("in", "/dev/stdout")]


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.json"
    path.write_text("old\n")

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic_file.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, "new\n")
    assert path.read_text() == "old\n" and leftovers(tmp_path) == []


def test_problem_says_why_before_anything_is_written(tmp_path: Path) -> None:
    assert problem(tmp_path / "new.json") is None
    assert problem(tmp_path / "nodir" / "sub" / "r.json") == (
        f"no such folder: {tmp_path / 'nodir' / 'sub'}"
    )
    assert problem(tmp_path) == "it is a directory"
    (tmp_path / "file").write_text("")
    assert problem(tmp_path / "file" / "r.json") == "Not a directory"
    (tmp_path / "link.json").symlink_to("gone/real.json")
    assert problem(tmp_path / "link.json") == f"no such folder: {tmp_path / 'gone'}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "link.json"]


def test_problem_names_a_folder_that_is_not_writable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    if os.geteuid() == 0:  # root may write into any folder: as a user would be refused
        monkeypatch.setattr(atomic_file.os, "access", lambda p, m: Path(p) != locked)
    try:
        assert problem(locked / "r.json") == f"the folder {locked} is not writable"
        assert problem(tmp_path / "r.json") is None
    finally:
        locked.chmod(0o755)


def test_within_refuses_a_link_out_or_into_git_in_the_write_itself(tmp_path: Path) -> None:
    """Every caller that names ``within`` gets the link check from the write itself, not
    only from a check made before it: nothing is written outside, or in .git."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / ".git").mkdir(parents=True)
    outside.mkdir()
    (repo / "out").symlink_to(outside, target_is_directory=True)
    (repo / "hook").symlink_to(".git/config")
    within = atomic_file.Within(repo, "the repository")
    with pytest.raises(atomic_file.LeadsOut) as out:
        write_atomically(repo / "out" / "CODEOWNERS", "x", within)
    with pytest.raises(atomic_file.LeadsOut) as into:
        write_atomically(repo / "hook", "x", within)
    assert str(out.value) == (
        f"{repo / 'out'} is a symbolic link that leads out of the repository (not followed)"
    )
    assert str(into.value) == "it is a symbolic link that leads into .git (not followed)"
    assert (list(outside.iterdir()), list((repo / ".git").iterdir())) == ([], [])


def test_within_writes_inside_through_links_and_hard_links_and_anywhere_else(
    tmp_path: Path,
) -> None:
    """A link that stays in the work tree is followed, a file with two names is written
    into (both show the text), and a path not under ``within`` (``--file`` outside the
    repository) is written as it always was."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / "docs").mkdir(parents=True)
    outside.mkdir()
    (repo / "CODEOWNERS").symlink_to("docs/CODEOWNERS")
    (repo / "two").write_text("old\n")
    os.link(repo / "two", outside / "two")
    within = atomic_file.Within(repo, "the repository")
    write_atomically(repo / "CODEOWNERS", "a\n", within)
    write_atomically(repo / "two", "b\n", within)
    write_atomically(outside / "mine", "c\n", within)
    assert (repo / "docs" / "CODEOWNERS").read_text() == "a\n"
    assert ((repo / "two").read_text(), (outside / "two").read_text()) == ("b\n", "b\n")
    assert (outside / "mine").read_text() == "c\n"
    assert sorted(p.name for p in repo.iterdir()) == ["CODEOWNERS", "docs", "two"]


def test_within_refuses_a_folder_swapped_into_git_after_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder replaced by a link into ``.git`` between the check before the write and
    the write itself (``import --adopt`` writing ``desired-state/rooms.yaml`` while
    something swaps the folder): the file is not written in git's metadata."""
    repo = tmp_path / "repo"
    (repo / ".git" / "hooks").mkdir(parents=True)
    (repo / "desired-state").mkdir()
    checked = link_out.refusal

    def then_swapped(*args: Any, **kwargs: Any) -> str | None:
        why = checked(*args, **kwargs)
        (repo / "desired-state").rmdir()
        (repo / "desired-state").symlink_to(".git/hooks", target_is_directory=True)
        return why

    monkeypatch.setattr(link_out, "refusal", then_swapped)
    with pytest.raises(atomic_file.LeadsOut) as into:
        write_atomically(
            repo / "desired-state" / "rooms.yaml", "x", atomic_file.Within(repo, "the repository")
        )
    assert str(into.value) == (
        "it leads into .git through a symbolic link that changed while it was written "
        "(not followed)"
    )
    assert list((repo / ".git" / "hooks").iterdir()) == []
