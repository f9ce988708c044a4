"""What a round of ``apply --watch`` reads (QA-GI Q-GI-6): each meeting's
``MeetingFeatures`` once a watch (GetMeeting: only CreateMeeting sets them, and the
meetings API has no call that changes them), and each round one ListAttendees per 100
attendees of each meeting: the lower bound. A meeting that ends mid-watch is still found
ended by its listing (NotFound). The real CLI, boto3 and the emulator over HTTP."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

FIRST = "6f1c2a9e-0000-4000-8000-000000000001"
SECOND = "6f1c2a9e-0000-4000-8000-000000000003"
PRESENTER = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
WATCH = ("apply", "--auto-approve", "--watch", "--interval", "0.2", "--out", "w.json")


def stamped(lines: list[str]) -> list[str]:
    return [line[11:] for line in lines if line.startswith("[")]


@pytest.fixture
def two_meetings(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    """Two live meetings, each already as declared: no round changes anything (no
    verification reads), so every call is a round's reading."""
    seed: dict[str, Any] = {
        "accounts": [{"id": ACCOUNT, "name": "Example"}],
        "meetings": [
            {
                "id": meeting,
                "external_meeting_id": name,
                "attendees": [{"external_user_id": "alice@example.com", "capabilities": PRESENTER}],
            }
            for meeting, name in ((FIRST, "bridge"), (SECOND, "third"))
        ],
    }
    emulator.reset(seed)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {FIRST}
                    prune: true
                    attendees: {{alice@example.com: presenter}}
                  third:
                    meeting_id: {SECOND}
                    prune: true
                    attendees: {{alice@example.com: presenter}}
                """,
        }
    )
    return emulator


def _watch(workdir: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((workdir / "w.json").read_text())
    assert document["summary"]["changes"] == 0  # no change: no verification read
    watch: dict[str, Any] = document["watch"]
    return watch


def test_a_watch_reads_each_meetings_features_once_and_lists_it_each_round(
    two_meetings: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
) -> None:
    result = cli(*WATCH, "--until", "1.5s")
    assert result.exit_code == 0, result.stdout + result.stderr
    rounds = _watch(workdir)["rounds"]
    assert rounds >= 3
    # the bound: GetMeeting once per meeting, one page of attendees per meeting per round
    assert calls() == {"GetMeeting": 2, "ListAttendees": 2 * rounds}


def test_a_meeting_that_ends_mid_watch_is_still_found_ended(
    two_meetings: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
) -> None:
    def end_after_two_rounds() -> None:
        while calls().get("ListAttendees", 0) < 4:
            time.sleep(0.02)
        two_meetings.meetings.end_meeting(FIRST)
        while calls().get("ListAttendees", 0) < 8:
            time.sleep(0.02)
        two_meetings.meetings.end_meeting(SECOND)

    thread = threading.Thread(target=end_after_two_rounds, daemon=True)
    thread.start()
    result = cli(*WATCH, "--until", "60s")
    thread.join(5)
    assert result.exit_code == 0, result.stdout + result.stderr
    said = stamped(result.lines)
    for name, meeting in (("bridge", FIRST), ("third", SECOND)):
        assert any(
            f"meeting {name} (id {meeting}) has ended (or never existed)" in line for line in said
        ), said
    assert said[-1] == "Every meeting in scope has ended: nothing left to watch."
    watch = _watch(workdir)
    assert watch["stopped"] == "ended"
    assert calls()["GetMeeting"] == 2  # the listings found both ended
