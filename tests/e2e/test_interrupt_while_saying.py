"""QA-GH Q-GH-3: a Ctrl-C or SIGTERM once every call was made and verified, while apply
wrote its outcome to a slow reader of stdout (a pager, a log shipper), killed it with
`Interrupted.`: exit 130, no --out result (the file CI reads after a cancel), and a
`--format json` document on stdout cut at the pipe's 64 KiB. Now the first signal says so
and lets the outcome be said and written whole (the --out result first), then exit 130;
a second quits at once, the result written all the same.

A real child process over the emulator: its stdout a pipe nobody reads until the signal
was sent, and the JSON document longer than the pipe holds, so that the child is blocked
writing it when the signal comes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT

from reconciler import interrupt
from reconciler.cli.apply import SAYING_INTERRUPTED

pytestmark = pytest.mark.e2e

ROOMS = 3
PER_ROOM = 120  # 360 adds: a JSON result of well over 64 KiB
CLOSING = f"Apply complete! Memberships: {ROOMS * PER_ROOM} added, 0 changed, 0 removed."


@pytest.fixture
def big(seed: Any, write_desired: Any) -> None:
    users = [f"u{i}" for i in range(ROOMS * PER_ROOM)]
    seed(users=users, rooms={f"r{r}": [] for r in range(ROOMS)})
    rooms = "".join(
        f"  r{r}: {{members: ["
        + ", ".join(f"u{r * PER_ROOM + i}@example.com" for i in range(PER_ROOM))
        + "]}\n"
        for r in range(ROOMS)
    )
    write_desired({"settings.yaml": f"account: '{ACCOUNT}'\n", "rooms.yaml": "rooms:\n" + rooms})


def blocked_writing(
    emulator: Any,
    workdir: Path,
    *signals: int,
    out: str = "result.json",
    planned: Callable[[], None] = lambda: None,
) -> tuple[int, str, str]:
    """`apply --auto-approve --format json --out OUT` in a child whose stdout is read only
    once ``signals`` were sent (stderr is read all along), sent once its closing line is on
    stderr and it is blocked writing the document; its exit code, stdout and stderr.
    ``planned`` runs once its plan is shown, before it applies."""
    argv = [sys.executable, "-m", "reconciler", "--endpoint-url", emulator.url]
    argv += ["--desired", "desired-state", "apply", "--auto-approve", "--format", "json"]
    argv += ["--out", out]
    proc = subprocess.Popen(
        argv,
        cwd=workdir,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    err: list[str] = []
    closed = threading.Event()

    def read_err() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            err.append(line)
            if line.startswith("Plan:"):
                planned()
            if line.startswith("Apply complete!"):
                closed.set()

    reader = threading.Thread(target=read_err, daemon=True)
    reader.start()
    try:
        assert closed.wait(120), "".join(err)
        time.sleep(1.0)  # writing the document, blocked on the full pipe
        assert proc.poll() is None
        for signum in signals:
            proc.send_signal(signum)
            time.sleep(0.5)
        assert proc.stdout is not None  # not communicate(): it would read stderr too
        out = proc.stdout.read()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(5)
    return proc.returncode, out, "".join(err)


def test_a_signal_while_apply_writes_its_outcome_lets_it_finish(
    big: None, emulator: Any, workdir: Path
) -> None:
    code, out, err = blocked_writing(emulator, workdir, signal.SIGTERM)
    assert code == 130, err
    document = json.loads(out)  # whole, not cut at 64 KiB
    assert len(out) > 65536
    assert (document["complete"], len(document["changes"])) == (True, ROOMS * PER_ROOM)
    assert json.loads((workdir / "result.json").read_text()) == document
    lines = err.splitlines()
    assert interrupt.FINISHING in lines
    assert lines[-1] == f"Error: {SAYING_INTERRUPTED} {CLOSING}", err


def test_a_second_signal_there_quits_with_the_result_written(
    big: None, emulator: Any, workdir: Path
) -> None:
    code, out, err = blocked_writing(emulator, workdir, signal.SIGINT, signal.SIGTERM)
    assert code == 130, err
    assert len(out) < 70000  # cut: it did not wait for the reader
    document = json.loads((workdir / "result.json").read_text())
    assert (document["complete"], len(document["changes"])) == (True, ROOMS * PER_ROOM)
    lines = err.splitlines()
    assert lines[-3:] == [
        interrupt.FINISHING,
        interrupt.QUITTING.strip(),
        f"Error: {SAYING_INTERRUPTED} {CLOSING}",
    ]


def test_a_signal_there_with_the_out_file_unwritable_says_both_and_exits_130(
    big: None, emulator: Any, workdir: Path
) -> None:
    """QA-GM Q-GM-2: the --out folder gone while apply ran (a CI workspace cleaned), then a
    signal while it said its outcome: it said "then quitting" but ended with exit 1 and
    only the --out error. Now the --out error is said, then the interrupt's, exit 130."""
    (workdir / "od").mkdir()
    emulator.set_faults(latency_ms=200)  # the folder goes while it applies, well before --out
    code, out, err = blocked_writing(
        emulator,
        workdir,
        signal.SIGTERM,
        out="od/result.json",
        planned=lambda: shutil.rmtree(workdir / "od"),
    )
    assert code == 130, err
    assert json.loads(out)["complete"] is True  # the document whole all the same
    lines = err.splitlines()
    assert lines[-3:] == [
        interrupt.FINISHING,
        "Error: cannot write the apply result to od/result.json: No such file or directory",
        f"Error: {SAYING_INTERRUPTED} {CLOSING}",
    ], err


def test_a_second_signal_quits_at_once_when_stderr_is_the_stalled_pipe_too(
    big: None, emulator: Any, workdir: Path
) -> None:
    """QA-GM Q-GM-3: with stderr on stdout's pipe (`2>&1 | reader`) and nobody reading,
    the handlers blocked writing their lines to that pipe: the second signal did not quit
    until the reader drained it (a pager left open: never). Now what does not fit is
    dropped and the process quits at the second signal, the --out result written."""
    argv = [sys.executable, "-m", "reconciler", "--endpoint-url", emulator.url]
    argv += ["--desired", "desired-state", "apply", "--auto-approve", "--quiet"]
    argv += ["--format", "json", "--out", "result.json"]
    proc = subprocess.Popen(
        argv,
        cwd=workdir,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        result = workdir / "result.json"
        deadline = time.monotonic() + 120
        while not result.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # writing the document, blocked on the full pipe
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=5)  # not read meanwhile: it did not wait for the reader
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=30)
    assert code == 130
    document = json.loads(result.read_text())
    assert (document["complete"], len(document["changes"])) == (True, ROOMS * PER_ROOM)
