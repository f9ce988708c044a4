"""Ctrl-C or SIGTERM while batch-create items wait to be tried again (every item answered
with the transient ``Throttled``): the creates were attempted, so they are reported failed,
with their error and ``(not tried again: interrupted after N attempts)``, as a whole call
waiting for its retry is; not as calls never started."""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CliChild

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
BATCH = "BatchCreateRoomMembership"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_items_waiting_for_a_retry_are_reported_failed_with_their_attempts(
    seed: Any, write_desired: Any, emulator: Any, workdir: Path, calls: Any, signum: int
) -> None:
    seed(users=["alice", "bob"], rooms={"ops": []})
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": "rooms:\n  ops: {members: [alice@example.com, bob@example.com]}\n",
        }
    )
    emulator.set_faults(item_error_rate=1.0, operations=[BATCH])
    argv = ["--endpoint-url", emulator.url, "--desired", "desired-state"]
    argv += ["apply", "--auto-approve", "--out", "result.json"]
    child = CliChild(argv, workdir, lambda line: line.startswith("Plan: "))
    assert child.seen.wait(60), "the plan was never printed"
    deadline = time.monotonic() + 30
    while calls().get(BATCH, 0) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    child.signal(signum)
    code, lines, err = child.finish()
    made = calls().get(BATCH, 0)
    assert code == 130, err
    assert made >= 2
    shown = lines[lines.index("Failed:") :]
    assert "Not applied:" not in lines  # both were tried: failed, not "not started"
    assert (
        f"  ! + alice@example.com (Member) in ops: Throttled: Rate exceeded. (not tried again: "
        f"interrupted after {made} attempts)"
    ) in shown, lines
    document = json.loads((workdir / "result.json").read_text())
    changes = {c["member"]: c for c in document["changes"]}
    assert set(changes) == {"alice@example.com", "bob@example.com"}
    for change in changes.values():
        assert change["outcome"] == "failed", change
        assert change["error"]["code"] == "Throttled"
        found = re.fullmatch(
            r"Rate exceeded\. \(not tried again: interrupted after (\d+) attempts\)",
            change["error"]["message"],
        )
        assert found, change["error"]
        assert int(found.group(1)) == made  # one call per attempt: both in each call
    assert document["summary"]["skipped"] == 0
