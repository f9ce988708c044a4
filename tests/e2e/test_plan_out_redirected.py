"""`plan --out /dev/stdout > plan.json` (or /dev/fd/1, /proc/self/fd/1): the plan is
written into the file stdout was redirected to, and the `apply` command plan gives to copy
names that file, which apply reads; `apply /dev/stdout` could never work (apply's own
stdout). A real child process, its stdout a file, against the emulator."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SUBPROCESS_TIMEOUT

pytestmark = pytest.mark.e2e


def _plan_into(cli: Any, out: str, stdout: int, pass_fds: tuple[int, ...] = ()) -> list[str]:
    """``plan --out OUT`` with ``stdout`` as its file descriptor 1: its stderr lines."""
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *cli.argv(["plan", "--out", out])],
        cwd=cli.workdir,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=subprocess.PIPE,
        pass_fds=pass_fds,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines()


@pytest.mark.parametrize("out", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_plan_out_to_stdout_in_a_file_gives_the_apply_of_that_file(
    ops: Any, cli: Any, workdir: Path, out: str
) -> None:
    with open(workdir / "plan.json", "w") as fh:
        lines = _plan_into(cli, out, fh.fileno())
    assert lines[0] == f"Saved the plan to {out} (plan.json). Apply exactly this plan with:"
    words = shlex.split(lines[1])
    assert words[0] == "chime-reconciler" and words[-2:] == ["apply", "plan.json"]
    assert len(lines) == 2
    applied = cli.raw(*words[1:])  # the command as given, from the same folder
    assert applied.exit_code == 0, applied.stderr
    assert applied.stdout.splitlines()[-1] == (
        "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
    )


def test_plan_out_to_stdout_in_another_folder_names_it_in_full(
    ops: Any, cli: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "plan.json"
    with open(elsewhere, "w") as fh:
        lines = _plan_into(cli, "/dev/stdout", fh.fileno())
    assert lines[0] == f"Saved the plan to /dev/stdout ({elsewhere}). Apply exactly this plan with:"
    assert shlex.split(lines[1])[-2:] == ["apply", str(elsewhere)]


def test_plan_out_to_a_deleted_file_says_to_apply_that_file(
    ops: Any, cli: Any, workdir: Path
) -> None:
    with open(workdir / "gone.json", "w") as fh:
        os.unlink(workdir / "gone.json")
        fd = fh.fileno()
        lines = _plan_into(cli, f"/dev/fd/{fd}", subprocess.DEVNULL, pass_fds=(fd,))
    assert lines == [
        f"Saved the plan to /dev/fd/{fd}, into the file it leads to, whose name cannot be "
        "found (deleted or renamed since): to apply exactly this plan, give apply that file "
        "by its name (or --out a file's name)."
    ]
