"""--out of plan, merge-plans and apply against the emulator: a path that cannot be written
is refused before anything is read or changed; a symbolic link is followed, an existing
file keeps its mode, a FIFO gets the document."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_apply_out_into_a_missing_folder_applies_nothing(ops: Any, cli: Any, workdir: Path) -> None:
    """It used to apply everything, then exit 1 with "cannot write the apply result"."""
    before = ops.emulator.state()
    ops.emulator.reset_calls()
    run = cli("apply", "--auto-approve", "--out", "nodir/sub/result.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: cannot write the apply result to nodir/sub/result.json: no such folder: "
        "nodir/sub; nothing was applied"
    ]
    assert ops.emulator.calls() == {}  # not even a read
    assert ops.emulator.state() == before
    assert not (workdir / "nodir").exists()


def test_apply_out_through_a_dangling_link_into_a_missing_folder_is_refused(
    ops: Any, cli: Any, workdir: Path
) -> None:
    (workdir / "result.json").symlink_to("gone/result.json")
    ops.emulator.reset_calls()
    run = cli("apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 1
    assert run.err_lines == [
        "Error: cannot write the apply result to result.json: no such folder: "
        f"{workdir.resolve() / 'gone'}; nothing was applied"
    ]
    assert ops.emulator.calls() == {}


def test_plan_and_merge_plans_out_into_a_missing_folder_read_and_print_nothing(
    ops: Any, cli: Any, workdir: Path
) -> None:
    ops.emulator.reset_calls()
    run = cli("plan", "--out", "nodir/plan.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: cannot save the plan to nodir/plan.json: no such folder: nodir"
    ]
    assert ops.emulator.calls() == {}
    assert cli("plan", "--shard", "1/1", "--out", "p1.json").exit_code == 0
    merged = cli("merge-plans", "p1.json", "--out", "nodir/merged.json")
    assert (merged.exit_code, merged.stdout) == (1, "")
    assert merged.err_lines == [
        "Error: cannot save the plan to nodir/merged.json: no such folder: nodir"
    ]


def test_plan_out_follows_a_link_and_keeps_the_files_mode(
    ops: Any, cli: Any, workdir: Path
) -> None:
    real = workdir / "real.json"
    real.write_text("old\n")
    real.chmod(0o644)
    (workdir / "link.json").symlink_to("real.json")
    run = cli("plan", "--out", "link.json")
    assert run.exit_code == 0
    assert (workdir / "link.json").is_symlink()
    assert json.loads(real.read_text())["format_version"] == "2"
    assert stat.S_IMODE(real.stat().st_mode) == 0o644  # not 0600
    applied = cli("apply", "link.json")
    assert applied.exit_code == 0


def test_out_file_in_a_repository_follows_a_link_out_of_it_as_the_readme_says(
    ops: Any, cli: Any, workdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Q-AF-4: the README implied that `--out FILE` in a repository refuses a link out of it
    as `codeowners` does; it follows it, as `> FILE` would, and the README now says so:
    the user names the file (unlike CODEOWNERS, which a pre-commit hook writes unasked)."""
    (workdir / ".git").mkdir()
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    for name in ("plan.json", "merged.json", "result.json"):
        (elsewhere / name).write_text("# mine\n")
        (workdir / name).symlink_to(os.path.relpath(elsewhere / name, workdir))

    assert cli("plan", "--shard", "1/1", "--out", "plan.json").exit_code == 0
    assert cli("merge-plans", "plan.json", "--out", "merged.json").exit_code == 0
    assert cli("apply", "--auto-approve", "--out", "result.json").exit_code == 0
    for name in ("plan.json", "merged.json", "result.json"):
        assert (workdir / name).is_symlink()
        assert isinstance(json.loads((elsewhere / name).read_text()), dict)


def test_merge_plans_out_makes_a_file_as_a_plain_open_would(
    ops: Any, cli: Any, workdir: Path
) -> None:
    assert cli("plan", "--shard", "1/1", "--out", "p1.json").exit_code == 0
    old = os.umask(0o022)
    try:
        run = cli("merge-plans", "p1.json", "--out", "merged.json")
    finally:
        os.umask(old)
    assert run.exit_code == 0
    assert stat.S_IMODE((workdir / "merged.json").stat().st_mode) == 0o644


def test_apply_out_to_a_fifo_gives_its_reader_the_result(ops: Any, cli: Any, workdir: Path) -> None:
    fifo = workdir / "result.fifo"
    os.mkfifo(fifo)
    read: list[str] = []
    reader = threading.Thread(target=lambda: read.append(fifo.read_text()))
    reader.start()
    try:
        run = cli("apply", "--auto-approve", "--quiet", "--out", "result.fifo")
    finally:
        reader.join(timeout=10)  # the write came: the reader ends at once
        if reader.is_alive():  # it never came: the reader waits in open(); let it end
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            reader.join(timeout=10)
    assert run.exit_code == 0
    document = json.loads(read[0])
    assert (document["complete"], document["summary"]["changes"]) == (True, 5)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_plan_out_to_a_device_suggests_no_apply_of_it(ops: Any, cli: Any) -> None:
    # Q-CE-4: `plan --out /dev/null` said "Apply exactly this plan with: ... apply
    # /dev/null", which apply refuses (a device is no plan file)
    run = cli("plan", "--out", os.devnull)
    assert run.exit_code == 0, run.stderr
    assert run.err_lines == [
        f"Wrote the plan to {os.devnull}: a device, from which apply cannot read it back; "
        "give --out a regular file to apply exactly this plan."
    ]
    assert cli("apply", os.devnull).err_lines == [
        f"Error: Cannot use the saved plan {os.devnull}: it is a device, not a regular file"
    ]
