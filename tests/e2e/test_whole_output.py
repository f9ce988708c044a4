"""Q-P-1: a document that does not all fit in standard output (a nearly full disk, a
quota, ``ulimit -f``; a reader that ends after reading part of it) is not cut silently.
The kernel takes part of a large write; the rest must be written, so that the write that
fails says so: one line and exit 1 (a full disk), or exit 141 (a closed pipe), as for a
document that could not be written at all. Real child processes, real files and pipes."""

from __future__ import annotations

import fcntl
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, SUBPROCESS_TIMEOUT, Cli

pytestmark = pytest.mark.e2e

LIMIT = 512  # bytes: what the file-size limit lets into stdout's file
TOO_LARGE = "Error: the output could not be written (File too large)"
PIPE_SIZE = 4096  # the smallest pipe buffer: a document fills it at once
BUFFER = 8192  # Python's: a smaller document was written by its flush, which loops
USERS = [f"user{i:03d}" for i in range(80)]


@pytest.fixture
def large(seed: Any, write_desired: Any) -> None:
    """A plan whose JSON is larger than Python's buffer: 80 members to add to a room."""
    seed(users=USERS, rooms={"big": [(USERS[0], "Administrator")]})
    members = "".join(f"      - {u}@example.com\n" for u in USERS[1:])
    rooms = f"rooms:\n  big:\n    administrators: [{USERS[0]}@example.com]\n    members:\n{members}"
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "rooms.yaml": rooms})


def limited(cli: Cli, out: Path, *args: str) -> tuple[int, list[str]]:
    """``(ulimit -f; chime-reconciler ARGS > OUT)`` with a file-size limit of ``LIMIT``
    bytes: the exit status and stderr's lines."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))

    with out.open("wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", *cli.argv(args)],
            cwd=cli.workdir,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            preexec_fn=limit,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
        )
    return done.returncode, done.stderr.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "--format", "json", "--detailed-exitcode"),
        ("plan", "--format", "markdown"),
        ("explain", "alice@example.com", "--format", "json"),
        ("schema",),
        ("--help",),
    ],
)
def test_a_document_cut_by_a_full_file_says_so_in_one_line(
    ops: Any, cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    whole = cli.subprocess(*args).stdout
    assert len(whole.encode()) > LIMIT  # it cannot fit
    code, err = limited(cli, tmp_path / "out", *args)
    assert (code, err) == (1, [f"{TOO_LARGE}."])  # was: exit 0 (2), nothing said


def test_apply_says_its_result_was_cut(ops: Any, cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    code, err = limited(cli, out, "apply", "--auto-approve", "--format", "json")
    assert code == 1
    assert err[-1] == (
        f"{TOO_LARGE}: apply's result was not all written. "
        "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
    )
    assert out.stat().st_size == LIMIT  # what fitted; was: exit 0 and this, cut, said nothing


@pytest.mark.parametrize("args", [("plan", "--format", "json", "--detailed-exitcode"), ("schema",)])
def test_a_reader_that_ends_part_way_through_a_document_gives_141(
    large: None, cli: Cli, args: tuple[str, ...]
) -> None:
    """``chime-reconciler ARGS | head -c 100``, with a document larger than the pipe."""
    whole = cli.subprocess(*args).stdout
    assert len(whole.encode()) > BUFFER + PIPE_SIZE
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "reconciler", *cli.argv(args)],
            cwd=cli.workdir,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write_end)
    try:
        taken = os.read(read_end, 100)  # the reader takes the start of the document
        os.close(read_end)  # and ends, while the rest is still being written
        err = child.communicate(timeout=SUBPROCESS_TIMEOUT)[1]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert taken == whole.encode()[:100]
    assert (child.returncode, err) == (141, b"")  # was: exit 0 (2), as if read whole


FAILED_PROMOTION = (
    "  ! ~ alice@example.com: Member -> Administrator in incident: ServiceFailureException: "
    "The service failed (injected fault). (gave up after 1 attempt) (answered 500: the call "
    "may have been made; plan shows)"
)
CUT_INCOMPLETE = (
    f"{TOO_LARGE}: apply's result was not all written. Apply incomplete: 1 of 5 changes "
    "failed (4 applied: 3 added, 0 changed, 1 removed)."
)


def cut_apply(cli: Cli, out: Path, size: int, *args: str) -> tuple[int, list[str]]:
    """``apply --auto-approve ARGS > OUT`` with alice's promotion failing (one attempt)
    and a file-size limit of ``size`` bytes: the exit status and stderr's lines."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    with out.open("wb") as stdout:
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", *cli.argv(["apply", "--auto-approve", *args])],
            cwd=cli.workdir,
            env={**os.environ, "CHIME_RECONCILER_RETRY_ATTEMPTS": "1"},
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=subprocess.PIPE,
            preexec_fn=limit,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
        )
    return done.returncode, done.stderr.splitlines()


def test_an_apply_with_failures_whose_result_is_cut_names_them_on_stderr(
    ops: Any, cli: Cli, tmp_path: Path
) -> None:
    """QA-GA Q-GA-3: the plan written whole, the outcome not (a full disk, a reader that
    ended): stderr said only how many changes failed, not which, nor why. It lists them
    (their ``Failed:`` lines, as the outcome would have), then the closing line; what was
    applied is the rest of the plan, written before."""
    ops.emulator.set_faults(error_rate=1.0, operations=["UpdateRoomMembership"])
    plan = cli.subprocess("plan").stdout  # what apply writes before its outcome
    out = tmp_path / "out"
    code, err = cut_apply(cli, out, len(plan.encode()))  # the plan fits, not a byte more
    assert out.read_text() == plan  # the plan went out whole; its outcome did not
    assert (code, err) == (1, ["Failed:", FAILED_PROMOTION, CUT_INCOMPLETE])


def test_a_quiet_apply_with_failures_whose_result_is_cut_names_all_on_stderr(
    ops: Any, cli: Cli, tmp_path: Path
) -> None:
    """The same with --quiet: no plan went out before, so what was applied is listed too."""
    ops.emulator.set_faults(error_rate=1.0, operations=["UpdateRoomMembership"])
    out = tmp_path / "out"
    code, err = cut_apply(cli, out, 0, "--quiet")
    assert out.read_text() == ""
    assert code == 1
    assert err[0] == "Applied:"
    assert err[-3:] == ["Failed:", FAILED_PROMOTION, CUT_INCOMPLETE]
    assert len(err) == 1 + 4 + 3, err  # the 4 changes applied, each named
