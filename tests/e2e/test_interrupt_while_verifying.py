"""Ctrl-C once every change is made, while the re-read that verifies them is in flight
(made by the thread that applied the target): apply says `Interrupted while verifying`, as
README promises (QA-O Q-O-4). It said `Interrupted: 1 of 1 changes applied, 0 not
applied; run plan to see what is left.`, though nothing was left.

A real child process, the emulator with latency, the signal sent once the write was
answered (the timeline shows it), while the verification's read is under way."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, CliChild

pytestmark = pytest.mark.e2e

LATENCY_MS = 1500


def answered(emulator: Any, operation: str) -> float | None:
    """When the emulator answered ``operation`` (monotonic), or None."""
    for op, _, done in emulator.app.timeline.snapshot()["calls"]:
        if op == operation and done:
            return float(done)
    return None


def test_an_interrupt_during_the_verification_read_says_so(
    seed: Any, write_desired: Any, emulator: Any, workdir: Path
) -> None:
    seed(users=["alice", "bob"], rooms={"ops": [("alice", "Administrator")]})
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": "rooms:\n  ops: {administrators: [alice@example.com], "
            "members: [bob@example.com]}\n",
        }
    )
    emulator.set_faults(latency_ms=LATENCY_MS)
    argv = ["--endpoint-url", emulator.url, "--desired", "desired-state"]
    argv += ["apply", "--auto-approve", "--out", "result.json"]
    child = CliChild(argv, workdir, lambda line: line.startswith("Plan: "))
    try:
        assert child.seen.wait(60), "the plan was never printed"
        deadline = time.monotonic() + 30
        while answered(emulator, "BatchCreateRoomMembership") is None:
            assert time.monotonic() < deadline, "the add was never made"
            time.sleep(0.05)
        time.sleep(0.3)  # the room's re-read is in flight (1.5 s)
        calls = emulator.app.timeline.snapshot()["calls"]
        child.signal(signal.SIGINT)
        signalled = time.monotonic()
        code, lines, err = child.finish()
        last = emulator.app.timeline.snapshot()["calls"][-1]
    finally:
        emulator.set_faults()
    assert code == 130, err
    assert calls[-1][0] == "BatchCreateRoomMembership"  # no other call answered yet
    # the last call: the verification's read, sent before the signal, answered after it
    assert last[0].startswith(("List", "Get")) and last[1] < signalled < last[2], last
    assert lines[lines.index("Applied before the interrupt:") + 1] == (
        "  + bob@example.com (Member) in ops"
    )
    assert err.splitlines()[-1] == (
        "Error: Interrupted while verifying: the changes listed above were applied; run plan "
        "to see the live state."
    )
    document = json.loads((workdir / "result.json").read_text())
    assert (document["complete"], document["verified"]) == (False, None)
    assert [c["outcome"] for c in document["changes"]] == ["ok"]
