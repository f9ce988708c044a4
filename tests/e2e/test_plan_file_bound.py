"""QA4 R7: a plan file is read with a bound. ``show /dev/zero`` grew to 22 GB until the
kernel killed it; now a device, a FIFO or a socket is refused before anything is read (as
desired-state files and CODEOWNERS are), and a file over ``MAX_PLAN_BYTES`` by its size.
Each child runs under a 1.5 GB address-space limit and a timeout: a regression fails the
test instead of taking the machine's memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.planfile import MAX_PLAN_BYTES

pytestmark = pytest.mark.e2e

LIMIT = 1_500_000_000  # bytes of address space for the child


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def bounded(tmp_path: Path, *args: str) -> tuple[int, list[str]]:
    (tmp_path / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "--desired", str(tmp_path), *args],
        cwd=tmp_path,
        env={**os.environ, "CHIME_RECONCILER_ENDPOINT_URL": "http://127.0.0.1:9"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limited,
    )
    return done.returncode, done.stderr.splitlines()


@pytest.mark.parametrize("command", ["show", "merge-plans", "apply"])
def test_a_device_is_refused_before_anything_is_read(tmp_path: Path, command: str) -> None:
    code, err = bounded(tmp_path, command, "/dev/zero")
    assert code == 1
    assert err[-1] == (
        "Error: Cannot use the saved plan /dev/zero: it is a device, not a regular file"
    ), err


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    code, err = bounded(tmp_path, "show", str(fifo))
    assert code == 1
    assert err[-1] == (
        f"Error: Cannot use the saved plan {fifo}: it is a FIFO (named pipe), not a regular file"
    )


def test_a_file_over_the_bound_is_refused_by_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "plan.json"
    with open(huge, "wb") as fh:  # sparse: no disk used
        fh.truncate(MAX_PLAN_BYTES + 1)
    for command in ("show", "merge-plans"):
        code, err = bounded(tmp_path, command, str(huge))
        assert code == 1
        assert err[-1] == (
            f"Error: Cannot use the saved plan {huge}: too large for a plan file: "
            f"{MAX_PLAN_BYTES + 1:,} bytes, at most {MAX_PLAN_BYTES:,}"
        ), err
