"""QA W Q-W-3: standard output closed from the start (``chime-reconciler plan >&-``).
Python makes ``sys.stdout`` None and every write went nowhere: exit 0 (2 with
``--detailed-exitcode``), not a word. A command that writes to stdout now says it could
not, in one line, and exits 1, as into a full disk (``test_full_output``)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from conftest import SUBPROCESS_TIMEOUT, Cli

pytestmark = pytest.mark.e2e

CLOSED = "Error: the output could not be written (stdout is closed)"
WRITES = ("BatchCreateRoomMembership", "UpdateRoomMembership", "DeleteRoomMembership")


def with_stdout_closed(cli: Cli, *args: str) -> tuple[int, list[str]]:
    """``chime-reconciler ARGS >&-`` in a shell: the exit status and stderr's lines."""
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "reconciler", *cli.argv(args)],
        cwd=cli.workdir,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    return done.returncode, done.stderr.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ("plan",),
        ("plan", "--format", "json"),
        ("plan", "--detailed-exitcode"),
        ("schema",),
        ("--help",),
    ],
)
def test_a_command_into_a_closed_stdout_says_so_and_exits_1(
    ops: Any, cli: Cli, args: tuple[str, ...]
) -> None:
    assert with_stdout_closed(cli, *args) == (1, [f"{CLOSED}."])


def test_apply_into_a_closed_stdout_changes_nothing_and_says_so(
    ops: Any, cli: Cli, calls: Any
) -> None:
    before = ops.emulator.state()
    code, err = with_stdout_closed(cli, "apply", "--auto-approve")
    assert code == 1
    # found before the first call (the plan is not written while it is applied: Q-X-1)
    assert err[-1] == f"{CLOSED}: apply stopped before applying anything: nothing was applied."
    assert sum(calls().get(op, 0) for op in WRITES) == 0
    assert ops.emulator.state() == before


def test_plan_out_into_a_closed_stdout_still_saves_the_plan(ops: Any, cli: Cli) -> None:
    """As into a full disk: the plan was made, so --out is written, then the error."""
    code, err = with_stdout_closed(cli, "plan", "--out", "p.json")
    assert (code, err[0], err[-1]) == (
        1,
        "Saved the plan to p.json. Apply exactly this plan with:",
        f"{CLOSED}.",
    )
    applied = cli("apply", "p.json")  # the file is whole
    assert applied.exit_code == 0, applied.stderr
