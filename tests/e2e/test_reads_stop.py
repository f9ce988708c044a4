"""Reads made after loading (meetings and channels, a saved plan's rooms: ``pmap``) stop
at once at Ctrl-C or SIGTERM, however throttled: `plan` exits 130 without waiting for the
calls under way to use up their retries, and no call goes on behind the exit. The real
CLI in a child process, the emulator over real HTTP, the default retry settings."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_read_ahead_stops import exits_130_at_once, start, until

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETINGS = [f"6f1c2a9e-0000-4000-8000-00000000000{i}" for i in range(6)]


@pytest.fixture
def throttled_meetings(
    emulator: EmulatorServer, write_desired: Callable[..., Path]
) -> EmulatorServer:
    """Six meetings declared; every call a 429, so that each read backs off and retries."""
    emulator.reset(
        {
            "meetings": [
                {"id": m, "external_meeting_id": f"m{i}", "ended": False, "attendees": []}
                for i, m in enumerate(MEETINGS)
            ]
        }
    )
    declared = "".join(
        f"  m{i}:\n    meeting_id: {m}\n    attendees:\n      alice@example.com: viewer\n"
        for i, m in enumerate(MEETINGS)
    )
    write_desired({"meetings.yaml": "meetings:\n" + declared})
    emulator.set_faults(throttle_rate=1.0)
    return emulator


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_while_meetings_are_read_throttled_exits_130_at_once(
    throttled_meetings: EmulatorServer,
    workdir: Path,
    calls: Callable[[], dict[str, int]],
    signum: int,
) -> None:
    child = start(workdir, throttled_meetings.url, "plan")
    # two 429s slow the meetings quota to its floor: every read is then backing off or
    # waiting for its turn at the slowed quota (a start reserved at the old rate is void)
    until(lambda: calls().get("Throttled", 0) >= 2)
    time.sleep(0.3)
    exits_130_at_once(child, signum, calls, "plan")
