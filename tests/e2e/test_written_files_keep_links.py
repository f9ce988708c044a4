"""`import --out` and `import --adopt` write (and put back) their files as the --out files
are written (``reconciler/atomic_file.py``): a symbolic link is followed and stays a link,
a file keeps its mode, a file with other hard links keeps them (every name shows the new
text), and no temporary file is left. The real CLI, boto3 and the emulator."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from test_adopt_put_back import snapshot
from test_import_adopt import carol_made_administrator_of_releases
from test_import_cli import ACC, assert_no_changes, run, small_seed

import reconciler.cli.adopt as adopt_cli
from reconciler import atomic_file
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".*.tmp"))


def shared_rooms_file(workdir: Path) -> tuple[Path, Path, Path]:
    """desired-state/rooms.yaml made a link to desired-state/.shared/rooms.yaml (mode 0640;
    a hidden folder: not read twice), which has a second name, backup/rooms.yaml (a hard
    link): (the link, its file, the other name)."""
    link = workdir / "desired-state" / "rooms.yaml"
    shared = workdir / "desired-state" / ".shared"
    shared.mkdir()
    (workdir / "backup").mkdir()
    real = shared / "rooms.yaml"
    real.write_bytes(link.read_bytes())
    real.chmod(0o640)
    other = workdir / "backup" / "rooms.yaml"
    os.link(real, other)
    link.unlink()
    link.symlink_to(".shared/rooms.yaml")
    return link, real, other


def test_adopt_follows_a_link_and_keeps_the_files_mode_and_hard_links(
    ops: Any, cli: Any, workdir: Path
) -> None:
    carol_made_administrator_of_releases(cli)
    link, real, other = shared_rooms_file(workdir)
    inode = real.stat().st_ino

    adopted = cli("import", "--adopt")
    assert (adopted.exit_code, adopted.stderr) == (0, ""), adopted.stderr
    assert adopted.lines[1] == "  desired-state/rooms.yaml:7: administrators += carol@example.com"
    assert link.is_symlink() and os.readlink(link) == ".shared/rooms.yaml"
    assert b"carol@example.com" in real.read_bytes()
    assert other.read_bytes() == real.read_bytes()  # the other name shows the edit too
    assert (real.stat().st_ino, real.stat().st_nlink, mode(real)) == (inode, 2, 0o640)
    assert temporaries(workdir) == []
    assert cli("import", "--adopt").lines == [
        "Nothing to adopt: Chime has no member the desired state does not declare."
    ]


def test_adopt_that_fails_puts_a_linked_file_back_through_its_link(
    ops: Any, cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    carol_made_administrator_of_releases(cli)
    link, real, other = shared_rooms_file(workdir)
    before = snapshot(real.parent)

    def broken(*_: object) -> None:
        assert b"carol@example.com" in other.read_bytes()  # edited through both names
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(adopt_cli, "load_desired", broken)
    with pytest.raises(OSError):  # unexpected: the command line reports it as a bug
        cli("import", "--adopt")
    assert snapshot(real.parent) == before
    assert other.read_bytes() == real.read_bytes() and real.stat().st_nlink == 2
    assert link.is_symlink() and mode(real) == 0o640
    assert temporaries(workdir) == []


def test_adopt_refuses_a_folder_swapped_for_a_link_while_it_writes(
    ops: Any, cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Q-AA/AF hardening: the loader reads no file through a link out of desired-state,
    but adopt wrote the edit wherever the path led when it wrote: a folder swapped for a
    link out in between got the edit outside. Now the write refuses it, the files are
    put back, and nothing outside changes."""
    carol_made_administrator_of_releases(cli)
    _, real, _ = shared_rooms_file(workdir)
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "rooms.yaml").write_text("mine\n")
    shared = real.parent
    real_resolve = atomic_file._resolve

    def resolve_then_swap(path: Path) -> tuple[Path, bool]:
        found = real_resolve(path)
        if not shared.is_symlink():
            shared.rename(workdir / "moved")
            shared.symlink_to(elsewhere, target_is_directory=True)
        return found

    monkeypatch.setattr(atomic_file, "_resolve", resolve_then_swap)
    refused = cli("import", "--adopt")
    assert refused.exit_code == 1
    assert refused.err_lines == [
        "Writing the edited files failed; they are back as they were.",
        "Error: cannot write desired-state/rooms.yaml: it leads out of desired-state "
        "through a symbolic link that changed while it was written (not followed)",
    ]
    assert (elsewhere / "rooms.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["rooms.yaml"]


def test_import_forced_over_a_link_a_hard_link_and_a_read_only_mode_keeps_them(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """rooms/ops.yaml is a link into a (hidden) folder of its own; rooms/web.yaml has a
    second name; both keep what they are, and their modes, when import --force rewrites
    them."""
    emulator.reset(small_seed())
    out = tmp_path / "d"
    (out / "rooms").mkdir(parents=True)
    (out / ".kept").mkdir()
    (tmp_path / "kept").mkdir()
    ops = out / ".kept" / "ops.yaml"
    ops.write_text("# mine\n")
    ops.chmod(0o600)
    (out / "rooms" / "ops.yaml").symlink_to("../.kept/ops.yaml")
    web = out / "rooms" / "web.yaml"
    web.write_text("# mine too\n")
    web.chmod(0o444)
    os.link(web, tmp_path / "kept" / "web.yaml")

    forced = run(
        emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out), "--force"
    )
    assert (forced.exit_code, forced.stderr) == (0, ""), forced.stderr
    assert (out / "rooms" / "ops.yaml").is_symlink()
    assert "u0@example.com" in ops.read_text() and mode(ops) == 0o600
    assert "u2@example.com" in web.read_text() and mode(web) == 0o444
    assert (tmp_path / "kept" / "web.yaml").read_text() == web.read_text()
    assert temporaries(tmp_path) == []


def test_import_that_fails_puts_a_linked_file_back_through_its_link(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.reset(small_seed())
    write = atomic_file.write_atomically
    written: list[tuple[str, str | bytes]] = []

    def recorded(
        path: Path, content: str | bytes, within: atomic_file.Within | None = None
    ) -> None:
        written.append((path.name, content))
        write(path, content, within)

    monkeypatch.setattr(atomic_file, "write_atomically", recorded)
    out = tmp_path / "d"
    (out / "rooms").mkdir(parents=True)
    (out / ".kept").mkdir()
    ops = out / ".kept" / "ops.yaml"
    ops.write_text("# mine\n")
    ops.chmod(0o600)
    (out / "rooms" / "ops.yaml").symlink_to("../.kept/ops.yaml")
    (out / "rooms" / "web.yaml").mkdir()  # a folder where web.yaml goes: it cannot be written

    failed = run(
        emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out), "--force"
    )
    assert failed.exit_code == 1, failed.stderr
    assert failed.stderr.startswith(f"Error: cannot write {out / 'rooms' / 'web.yaml'}: ")
    assert (out / "rooms" / "ops.yaml").is_symlink()
    assert [name for name, _ in written] == ["ops.yaml", "ops.yaml"]  # web.yaml: a folder
    assert "u0@example.com" in str(written[0][1]) and written[1][1] == b"# mine\n"
    assert (ops.read_text(), mode(ops)) == ("# mine\n", 0o600)  # written, then put back
    assert temporaries(tmp_path) == []


def entries(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.mark.parametrize("there", [True, False])
def test_import_refuses_a_folder_linked_out_of_dir_and_writes_nothing(
    emulator: EmulatorServer, tmp_path: Path, there: bool
) -> None:
    """Q-AA-2: DIR/rooms -> ../elsewhere: the room files landed in elsewhere/, and `plan
    --desired DIR` then read none of them back ("No changes."). Now import names the link
    and writes nothing, in DIR or elsewhere (nor makes elsewhere/ when it is missing)."""
    emulator.reset(small_seed())
    out, elsewhere = tmp_path / "d", tmp_path / "elsewhere"
    out.mkdir()
    if there:
        elsewhere.mkdir()
    (out / "rooms").symlink_to("../elsewhere", target_is_directory=True)

    refused = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out))
    assert (refused.exit_code, refused.stdout) == (1, "")
    rooms = re.escape(str(out / "rooms"))
    assert re.fullmatch(
        rf"Error: cannot write {rooms}/\w+\.yaml: {rooms} is a symbolic link that leads out "
        rf"of {re.escape(str(out))} \(not followed\); nothing was written\n",
        refused.stderr,
    ), refused.stderr
    assert entries(out) == ["rooms"]
    assert (elsewhere.exists(), entries(elsewhere) if there else []) == (there, [])


def test_import_refuses_a_folder_swapped_for_a_link_while_it_writes(
    emulator: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Q-AA/AF hardening: the link check ran before the files were written, by path: a
    DIR/rooms swapped for a link out of DIR in between got room files written outside.
    Now each write checks the folder it has open: nothing is left in DIR or elsewhere."""
    emulator.reset(small_seed())
    out, elsewhere = tmp_path / "d", tmp_path / "elsewhere"
    elsewhere.mkdir()
    real_resolve = atomic_file._resolve

    def resolve_then_swap(path: Path) -> tuple[Path, bool]:
        found = real_resolve(path)
        if not (out / "rooms").is_symlink():
            (out / "rooms").rename(tmp_path / "moved")
            (out / "rooms").symlink_to("../elsewhere", target_is_directory=True)
        return found

    monkeypatch.setattr(atomic_file, "_resolve", resolve_then_swap)
    refused = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out))
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert re.fullmatch(
        rf"Error: cannot write {re.escape(str(out / 'rooms'))}/\w+\.yaml: it leads out of "
        rf"{re.escape(str(out))} through a symbolic link that changed while it was written "
        r"\(not followed\); nothing was written\n",
        refused.stderr,
    ), refused.stderr
    assert entries(elsewhere) == []


def test_import_writes_through_a_folder_linked_inside_dir(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """DIR/rooms -> DIR/kept stays inside DIR: written through, as before; the plan reads
    the files in kept/ (a linked folder is not read twice) and finds no changes."""
    emulator.reset(small_seed())
    out = tmp_path / "d"
    (out / "kept").mkdir(parents=True)
    (out / "rooms").symlink_to("kept", target_is_directory=True)

    done = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(out))
    assert (done.exit_code, done.stderr) == (0, ""), done.stderr
    assert (out / "rooms").is_symlink()
    assert entries(out / "kept") == ["ops.yaml", "web.yaml"]
    assert_no_changes(emulator, out)
