"""`apply --watch`'s exit code for CI: 1 when a change of any round was not made (even one
a later round made) or the last round could not read the meetings, as its `--out`
document's `complete` says; 0 only when every change of every round was made. The real
CLI, boto3 and the emulator."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired
from test_meetings_cli import MEETING, bridge, later, meeting

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["bridge"]  # the fixture, imported for these tests

WATCH = ("apply", "--auto-approve", "--watch", "--interval", "0.2")


def stamped(lines: list[str]) -> list[str]:
    """The watch's lines without their ``[HH:MM:SS] `` stamps."""
    return [line[11:] for line in lines if line.startswith("[")]


def test_a_change_that_failed_in_one_round_makes_the_watch_exit_1_though_a_later_round_made_it(
    bridge: EmulatorServer,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
    workdir: Path,
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    bridge.set_faults(error_rate=1.0, operations=["DeleteAttendee"])

    def mend_then_end() -> None:
        while calls().get("DeleteAttendee", 0) < 2:
            time.sleep(0.02)  # rounds 1 and 2 failed to remove mallory
        bridge.set_faults(None)
        while "mallory@example.com" in bridge.meetings.attendees_of(MEETING):
            time.sleep(0.02)  # a later round removed her
        bridge.meetings.end_meeting(MEETING)

    thread = later(0, mend_then_end)
    result = cli(*WATCH, "--until", "60s", "--out", "r.json")
    thread.join(5)
    said = stamped(result.lines)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert said[-2:] == [
        "Every meeting in scope has ended: nothing left to watch.",
        # QA3 Q26: two failed attempts at one change, which a later round made
        "Watch incomplete: 2 attempts at 1 change failed, in 2 rounds (each is "
        "listed above); made in a later round: mallory@example.com in bridge.",
    ]
    assert any(s.startswith("meeting bridge: failed:") and "mallory" in s for s in said)
    assert "meeting bridge:  - mallory@example.com (audio Receive, video None, content None)" in (
        said
    )
    document: dict[str, Any] = json.loads((workdir / "r.json").read_text())
    assert document["complete"] is False  # the exit code and the document agree
    assert (document["summary"]["changes"], document["summary"]["failed"]) == (6, 2)  # attempts
    assert (document["watch"]["made_later"], document["watch"]["not_made"]) == (1, 0)  # changes


def test_changes_not_attempted_are_not_counted_as_attempts(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Q-GI-1: a presenter swap whose add fails: bob's add is attempted (and fails) each
    round, alice's removal never is; the last line tells them apart, and the removal's
    line says what it was."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired(
        {
            "meetings.yaml": """
                meetings:
                  small:
                    meeting_id: ${INCIDENT_MEETING_ID}
                    prune: true
                    attendees:
                      bob@example.com: presenter
                """
        }
    )
    presenter = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}
    emulator.reset({"meetings": [meeting([("alice@example.com", presenter)])]})
    emulator.set_faults(error_rate=1.0, operations=["BatchCreateAttendee"])
    result = cli("apply", "--auto-approve", "--watch", "--interval", "0.5", "--until", "1s")
    said = stamped(result.lines)
    assert result.exit_code == 1, result.stdout + result.stderr
    rounds = sum(s.startswith("meeting small: failed:") for s in said)
    assert rounds >= 2
    assert said[-1] == (
        f"Watch incomplete: {rounds} attempts at 1 change failed and 1 change was not "
        f"attempted, in {rounds} rounds (each is listed above); not made: bob@example.com "
        "in small and alice@example.com in small."
    )
    assert (
        "meeting small: not attempted:  - alice@example.com (audio SendReceive, video "
        "SendReceive, content SendReceive): adding a presenter to this meeting failed first"
    ) in said
    assert "alice@example.com" in emulator.meetings.attendees_of(MEETING)


def test_a_watch_whose_last_round_could_not_read_exits_1(
    bridge: EmulatorServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")

    def unreachable_after_round_1() -> None:
        while "alice@example.com" not in bridge.meetings.attendees_of(MEETING):
            time.sleep(0.02)
        bridge.set_faults(error_rate=1.0)

    thread = later(0, unreachable_after_round_1)
    result = cli(*WATCH, "--until", "2s")
    thread.join(5)
    said = stamped(result.lines)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert said[-2:] == [
        "Watch stopped: --until reached.",
        "Watch incomplete: the last round could not read the meetings (see above).",
    ]
    assert said[-3].startswith("Error: ") and said[-3].endswith("(trying again in 0.2s)")


def test_a_watch_whose_every_change_was_made_exits_0_at_until(
    bridge: EmulatorServer, cli: Cli
) -> None:
    result = cli(*WATCH, "--until", "1s", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert stamped(result.stderr.splitlines())[-1] == "Watch stopped: --until reached."
    rounds = [json.loads(line) for line in result.stdout.splitlines()]
    assert rounds[0]["summary"]["changes"] == 4 and all(r["complete"] for r in rounds)
