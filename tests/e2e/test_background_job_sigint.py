"""A script's background job (`chime-reconciler plan --out p.json &` in a shell without
job control) starts with SIGINT ignored, as the shell means it to (QA-FJ Q-FJ-1, README
"apply"): the reading commands leave it ignored, so `kill -INT` does not stop them and
they finish as usual, while SIGTERM always stops them; `apply` takes SIGINT whatever it
was. The real CLI in a child process whose SIGINT is ignored, the emulator with latency."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

LATENCY_MS = 250  # a call at a time in flight long enough to signal the run meanwhile


def _background(workdir: Path, url: str, *args: str) -> subprocess.Popen[str]:
    def ignore_sigint() -> None:  # what `cmd &` does in a shell without job control
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    argv = ["--endpoint-url", url, "--desired", "desired-state", *args]
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", *argv],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ignore_sigint,
    )


def _signalled_once_reading(
    child: subprocess.Popen[str], calls: Callable[[], dict[str, int]], signum: int
) -> tuple[int, str, str]:
    deadline = time.monotonic() + 30
    while not calls().get("ListRoomMemberships"):
        assert time.monotonic() < deadline, "it never read a room"
        time.sleep(0.02)
    child.send_signal(signum)
    out, err = child.communicate(timeout=60)
    return child.returncode, out, err


def test_a_plan_whose_sigint_is_ignored_finishes_and_writes_its_file(
    ops: Any, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    ops.emulator.set_faults(latency_ms=LATENCY_MS)
    child = _background(workdir, ops.emulator.url, "plan", "--out", "p.json")
    code, out, err = _signalled_once_reading(child, calls, signal.SIGINT)
    assert code == 0, err
    assert "Interrupted" not in err
    assert (workdir / "p.json").is_file()
    assert out.rstrip().splitlines()[-1].startswith("Plan: ")


def test_a_plan_whose_sigint_is_ignored_stops_at_sigterm_writing_nothing(
    ops: Any, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    ops.emulator.set_faults(latency_ms=LATENCY_MS)
    child = _background(workdir, ops.emulator.url, "plan", "--out", "p.json")
    code, _, err = _signalled_once_reading(child, calls, signal.SIGTERM)
    assert code == 130, err
    assert err.splitlines()[-1] == (
        "Error: Interrupted before plan finished: nothing in Chime was changed (plan only "
        "reads it)."
    )
    assert not (workdir / "p.json").exists()


def test_an_apply_whose_sigint_is_ignored_still_stops_at_sigint(
    ops: Any, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    ops.emulator.set_faults(latency_ms=LATENCY_MS)
    child = _background(workdir, ops.emulator.url, "apply", "--auto-approve")
    code, _, err = _signalled_once_reading(child, calls, signal.SIGINT)
    assert code == 130, err
    last = err.splitlines()[-1]
    assert last == "Error: Interrupted before applying anything: nothing was applied."
