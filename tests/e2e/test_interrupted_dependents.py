"""An apply interrupted (SIGTERM, as CI sends on cancel, or Ctrl-C) before it added a
channel's new moderator or a meeting's new presenter says that the removal waiting for
that add was not started because of the interrupt, as every other change not started:
``{code: "Interrupted", message: "not started: interrupted"}``, never "not attempted:
adding a moderator to this channel failed first" when nothing failed (QA-A Q-A-2).

The real CLI in a child process, the emulator over real HTTP in this process: the
emulator holds the answer to the apply's first write until the child has taken the
signal, so the interrupt always lands while that one call is in flight, with no latency
or sleep to guess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteDesired

from reconciler.emulator import EmulatorServer
from reconciler.interrupt import FIRST

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEWER = {"audio": "Receive", "video": "None", "content": "None"}
PATIENCE_S = 30.0
NOT_STARTED = {"code": "Interrupted", "message": "not started: interrupted"}
READS = ("List", "Get", "Describe")


@pytest.fixture
def chat_and_bridge(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    """A channel whose moderator alice gives way to bob, a meeting whose presenter mallory
    gives way to alice: each removal waits for its target's new elevated member. The
    meeting goes first (the most changes), and its first write is the removal of a viewer
    (guest: viewers go first), so that the interrupt lands before either new elevated
    member is added."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": u} for u in ("reconciler", "alice", "bob", "carol")],
                    "channels": [
                        {
                            "name": "ops",
                            "id": "ops",
                            "members": ["reconciler", "alice"],
                            "moderators": ["reconciler", "alice"],
                        }
                    ],
                }
            ],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "attendees": [
                        {"external_user_id": "alice@example.com", "capabilities": VIEWER},
                        {"external_user_id": "mallory@example.com"},  # all SendReceive
                        {"external_user_id": "guest@example.com", "capabilities": VIEWER},
                    ],
                }
            ],
        }
    )
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    bearer: user:reconciler
                """,
            "chat.yaml": f"""
                channels:
                  ops:
                    prune: true
                    members: [user:alice, user:bob, user:carol]
                    moderators: [user:bob]
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    prune: true
                    attendees: {{alice@example.com: presenter, dial-in-7: participant}}
                """,
        }
    )
    return emulator


class Child:
    """``apply --auto-approve --format json`` in a child process, both pipes read as they
    come; ``signalled`` is set once stderr says the first signal was taken."""

    def __init__(self, emulator: EmulatorServer, workdir: Path) -> None:
        argv = ["--endpoint-url", emulator.url, "--desired", "desired-state", "--parallelism", "1"]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reconciler",
                *argv,
                "apply",
                "--auto-approve",
                "--format",
                "json",
            ],
            cwd=workdir,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        self.signalled = threading.Event()
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self.readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def _read(self, stream: Any, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))
            if FIRST in line:
                self.signalled.set()

    def finish(self) -> int:
        try:
            code = self.proc.wait(timeout=PATIENCE_S)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        for reader in self.readers:
            reader.join(5)
        return code


def pending(pid: int, signum: int) -> bool:
    """Whether the kernel still holds ``signum`` for process ``pid`` (no thread took it)."""
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    masks = [int(line.split()[1], 16) for line in status if line.startswith(("ShdPnd:", "SigPnd:"))]
    return any(mask >> (signum - 1) & 1 for mask in masks)


def until_taken(child: Child, signum: int) -> None:
    """Until the child took the signal: it said so, or one of its threads other than the
    one waiting for this answer took it (Python then runs the handler in the main thread
    as soon as it runs again, before any new call can start)."""
    deadline = time.monotonic() + PATIENCE_S
    while not child.signalled.is_set() and pending(child.proc.pid, signum):
        assert time.monotonic() < deadline, "the child never took the signal"
        time.sleep(0.005)


def interrupted_at_first_write(
    emulator: EmulatorServer, workdir: Path, monkeypatch: pytest.MonkeyPatch, signum: int
) -> tuple[int, dict[str, Any], list[str], list[str]]:
    """Apply in a child, signalled while the emulator holds the answer to its first
    write; its exit code, JSON result, stderr and the write operations served."""
    handle = emulator.app.handle
    holder: dict[str, Child] = {}
    writes: list[str] = []

    def holding_the_first_write(*args: Any, **kwargs: Any) -> Any:
        response = handle(*args, **kwargs)
        if response.operation and not response.operation.startswith(READS):
            writes.append(response.operation)
            if len(writes) == 1:  # in flight: signal, answer once the child took it
                child = holder["child"]
                child.proc.send_signal(signum)
                until_taken(child, signum)
        return response

    monkeypatch.setattr(emulator.app, "handle", holding_the_first_write)
    child = holder["child"] = Child(emulator, workdir)
    code = child.finish()
    return code, json.loads("\n".join(child.out)), child.err, writes


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_removal_waiting_for_an_add_the_interrupt_stopped_is_not_started_too(
    chat_and_bridge: EmulatorServer,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    signum: int,
) -> None:
    code, result, err, writes = interrupted_at_first_write(
        chat_and_bridge, workdir, monkeypatch, signum
    )
    assert code == 130, "\n".join(err)
    assert len(writes) == 1, writes  # the call in flight finished; no other started
    changes = {(c["kind"], c["action"], c["member"]): c for c in result["changes"]}
    # the removals that wait for the new moderator and the new presenter: not started,
    # because of the interrupt, as the adds they wait for
    waiting = [
        ("channel-moderator", "create", "user:bob"),
        ("channel-moderator", "delete", "user:alice"),
        ("meeting", "update", "alice@example.com"),
        ("meeting", "delete", "mallory@example.com"),
    ]
    said = {key: (changes[key]["outcome"], changes[key]["error"]) for key in waiting}
    assert said == {key: ("skipped", NOT_STARTED) for key in waiting}
    # nothing failed: every change was made or not started because of the interrupt
    assert result["summary"]["failed"] == 0
    for c in result["changes"]:
        assert c["outcome"] == "ok" or c["error"] == NOT_STARTED, c
    assert result["summary"]["ok"] + result["summary"]["skipped"] == result["summary"]["changes"]
    assert (result["complete"], result["verified"]) == (False, None)
    # the text on stderr blames nothing on a failure either
    assert not [line for line in err if "failed first" in line or "Not attempted" in line], err
    assert err[-1].startswith("Error: Interrupted: "), err
    assert "  - user:alice (Moderator) in ops" in err[err.index("Not applied:") :], err
