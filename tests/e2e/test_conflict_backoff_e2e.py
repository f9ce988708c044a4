"""A create that meets a member already there with another role settles it (read, delete,
create again); a transient error on that create is retried with the retry policy's
backoff, as any batch item is, not at once. Through the CLI, the real boto3 client and
the emulator: its fault settings throttle the create's items, and its request log says
when each create was answered."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

import reconciler.cli.execute as execute
from reconciler.emulator import EmulatorServer
from reconciler.emulator.server import RequestRecord

pytestmark = pytest.mark.e2e

CREATE = "BatchCreateRoomMembership"
# item_error_rate 0.5 with fault seed 58 throttles the item of the 2nd and 3rd create calls
# only (the emulator's decisions hash the seed, the operation and the call's number): the
# first create meets the bot already there, the conflict's creates are throttled twice
FAULTS: dict[str, Any] = {"item_error_rate": 0.5, "seed": 58, "operations": [CREATE]}
RETRY = re.compile(r"retry (\d+) of \d+ in (\d+\.\d+)s$")
TOLERANCE_S = 0.005  # the log is written just after the answer leaves


def test_a_throttled_create_while_settling_a_conflict_is_retried_after_the_policys_delay(
    workdir: Path, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered: list[tuple[float, str]] = []  # when each create was answered, and its status
    lock = threading.Lock()

    def log(record: RequestRecord) -> None:
        if record.operation == CREATE:
            with lock:
                answered.append((time.monotonic(), str(record.status)))

    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "200")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_CAP_MS", "2000")
    with EmulatorServer(request_log=log) as emulator:
        emulator.reset(
            seed_doc(
                users=["alice"], bots=["PagerBot"], rooms={"ops": [("alice", "Administrator")]}
            )
        )
        write_desired(
            {
                "rooms.yaml": f"""
                rooms:
                  ops: {{account: {ACCOUNT}, administrators: [alice@example.com, "bot:PagerBot"]}}
                """
            }
        )
        apply = execute.run_apply

        def meanwhile(*args: Any, **kwargs: Any) -> Any:
            # planned; before it applies, someone adds the bot as a Member
            emulator.backend.create_room_membership(ACCOUNT, "room-ops", "bid-PagerBot", "Member")
            emulator.set_faults(**FAULTS)
            return apply(*args, **kwargs)

        monkeypatch.setattr(execute, "run_apply", meanwhile)
        cli = Cli(emulator.url, workdir)
        run = cli("-vv", "apply", "--auto-approve")
        emulator.set_faults()
        assert run.exit_code == 0, run.stdout + run.stderr
        assert run.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 0 removed."
        assert emulator.backend.room_members(ACCOUNT, "room-ops") == {
            "uid-alice": "Administrator",
            "bid-PagerBot": "Administrator",
        }
        assert cli("plan").lines[-1] == "No changes. Chime memberships match the desired state."
    retries = [RETRY.search(line) for line in run.err_lines if "batch create" in line]
    delays = [(int(m.group(1)), float(m.group(2))) for m in retries if m]
    assert [n for n, _ in delays] == [1, 2]  # the conflict's two throttled creates, each logged
    times = [t for t, _ in answered]
    assert len(times) == 4  # conflict, throttled, throttled, created
    for (_, delay), before, after in zip(delays, times[1:3], times[2:4], strict=True):
        assert after - before >= delay - TOLERANCE_S  # each waited at least its delay
