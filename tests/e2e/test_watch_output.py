"""`apply --watch` with `--format json` (one JSON line per round on stdout, the watch's own
lines on stderr) and `--out RESULT.json` (the whole watch so far, written whole after every
round): the real CLI, boto3 and the emulator, a meeting an intruder joins and that ends."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli
from test_meetings_cli import MEETING, bridge, later

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["bridge"]  # the fixture, imported for these tests

WATCH = ("apply", "--auto-approve", "--watch", "--interval", "0.2")


def eve_joins_then_the_meeting_ends(bridge: EmulatorServer, boto3_session: Any) -> None:
    """Once the first round has applied, eve joins; once a later round removed her, the
    meeting ends."""
    client = boto3_session.client("chime-sdk-meetings", endpoint_url=bridge.url)
    while "alice@example.com" not in bridge.meetings.attendees_of(MEETING):
        time.sleep(0.05)
    client.create_attendee(MeetingId=MEETING, ExternalUserId="eve@example.com")
    while "eve@example.com" in bridge.meetings.attendees_of(MEETING):
        time.sleep(0.05)
    bridge.meetings.end_meeting(MEETING)


def whole_documents_while(path: Path, running: threading.Event) -> list[dict[str, Any]]:
    """Every version of ``path`` read while ``running`` is set, and once after, each
    parsed (a reader that found half a file would fail here)."""
    seen: list[dict[str, Any]] = []
    going = True
    while going:
        going = running.is_set()
        if path.exists():
            document = json.loads(path.read_text())  # whole: never half written
            if not seen or seen[-1] != document:
                seen.append(document)
        time.sleep(0.01)
    return seen


def test_watch_format_json_is_a_line_per_round_and_out_the_whole_watch(
    bridge: EmulatorServer, cli: Cli, boto3_session: Any, workdir: Path
) -> None:
    thread = later(0, lambda: eve_joins_then_the_meeting_ends(bridge, boto3_session))
    running = threading.Event()
    running.set()
    versions: list[list[dict[str, Any]]] = []
    reader = later(0, lambda: versions.append(whole_documents_while(workdir / "r.json", running)))
    result = cli(*WATCH, "--until", "60s", "--format", "json", "--out", "r.json")
    running.clear()
    thread.join(5)
    reader.join(5)
    assert result.exit_code == 0, result.stderr

    rounds = [json.loads(line) for line in result.lines]  # every stdout line is one document
    assert [r["watch"]["round"] for r in rounds] == list(range(1, len(rounds) + 1))
    assert [r["watch"]["stopped"] for r in rounds] == [None] * (len(rounds) - 1) + ["ended"]
    assert all(r["format_version"] == "1" and r["verified"] is None for r in rounds)
    assert all(r["watch"]["error"] is None and r["complete"] for r in rounds)
    # Q-GI-9: the round that found the meeting ended says so, as the plan's JSON does
    assert [r.get("notices") for r in rounds[:-1]] == [None] * (len(rounds) - 1)
    [ended] = rounds[-1]["notices"]
    assert ended.startswith("desired-state/meetings.yaml:") and "meeting bridge" in ended
    assert "has ended" in ended and ended in result.stderr
    first = rounds[0]["changes"]
    assert {(c["action"], c["member"]) for c in first} >= {("create", "alice@example.com")}
    eve = [c for r in rounds for c in r["changes"] if c["member"] == "eve@example.com"]
    assert [(c["action"], c["outcome"], c["kind"]) for c in eve] == [("delete", "ok", "meeting")]
    # the watch's own lines are on stderr, stamped, with the plan of the first round
    assert "# meeting bridge" in result.stderr
    stamped = [line[11:] for line in result.err_lines if line.startswith("[")]
    assert stamped[-1] == "Every meeting in scope has ended: nothing left to watch."

    document = json.loads((workdir / "r.json").read_text())
    every = [c for r in rounds for c in r["changes"]]
    assert document["changes"] == every
    assert document["summary"]["changes"] == len(every)
    assert document["summary"]["removed"] == sum(r["summary"]["removed"] for r in rounds)
    assert document["complete"] is True and document["verified"] is None
    assert document["notices"] == [ended]
    assert document["watch"]["rounds"] == len(rounds)
    assert document["watch"]["failed_reads"] == 0
    assert document["watch"]["started_at"] == rounds[0]["watch"]["at"]
    assert document["watch"]["last_round_at"] == rounds[-1]["watch"]["at"]
    assert document["watch"]["stopped"] == "ended"
    [seen] = versions  # read while the watch ran: always whole, never shrinking
    assert seen and seen[-1] == document
    counts = [len(v["changes"]) for v in seen]
    assert counts == sorted(counts)


def test_watch_out_without_json_keeps_stdout_as_text_and_says_until(
    bridge: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    result = cli(*WATCH, "--until", "1s", "--out", "r.json")
    assert result.exit_code == 0, result.stderr
    assert result.lines[-1].endswith("] Watch stopped: --until reached.")
    assert "# meeting bridge" in result.stdout
    document = json.loads((workdir / "r.json").read_text())
    assert document["watch"]["stopped"] == "until"
    assert document["watch"]["rounds"] >= 2
    assert document["summary"]["added"] == 2  # the first round; the others found nothing
    assert len(bridge.meetings.attendees_of(MEETING)) == 3


def test_watch_quiet_prints_no_plan_only_what_the_rounds_do(
    bridge: EmulatorServer, cli: Cli
) -> None:
    result = cli(*WATCH, "--until", "1s", "--quiet")
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert all(line.startswith("[") for line in result.lines), result.stdout  # no plan
    stamped = [line[11:] for line in result.lines]
    assert "meeting bridge:  - mallory@example.com (audio Receive, video None, content None)" in (
        stamped
    )
    assert stamped[-1] == "Watch stopped: --until reached."
    assert len(bridge.meetings.attendees_of(MEETING)) == 3


def test_watch_format_json_alone_writes_no_file_and_stdout_only_json(
    bridge: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    before = sorted(p.name for p in workdir.iterdir())
    result = cli(*WATCH, "--until", "1s", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rounds = [json.loads(line) for line in result.lines]
    assert len(rounds) >= 2 and rounds[-1]["watch"]["stopped"] == "until"
    assert sorted(p.name for p in workdir.iterdir()) == before
    assert result.err_lines[-1].endswith("] Watch stopped: --until reached.")


def test_watch_that_cannot_write_its_out_file_says_so_goes_on_and_exits_1(
    bridge: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    """The folder of the file is removed after the first round: every later round says
    it cannot write the file and the meeting is still watched; the last write failed, so
    the watch ends with exit 1."""
    folder = workdir / "results"
    folder.mkdir()
    path = folder / "r.json"

    def remove_the_folder() -> None:
        while not path.exists():
            time.sleep(0.01)
        shutil.rmtree(folder)

    thread = later(0, remove_the_folder)
    result = cli(*WATCH, "--until", "1.5s", "--out", "results/r.json")
    thread.join(5)
    assert result.exit_code == 1
    cannot = "cannot write the watch result to results/r.json: No such file or directory"
    stamped = [line[11:] for line in result.lines if line.startswith("[")]
    assert f"Error: {cannot} (written again after the next round)" in stamped
    assert stamped[-2:] == [f"Error: {cannot}", "Watch stopped: --until reached."]
    assert result.err_lines == [f"Error: {cannot}"]
    assert len(bridge.meetings.attendees_of(MEETING)) == 3  # applied all the same


def test_watch_out_into_a_missing_folder_is_refused_before_any_call(
    bridge: EmulatorServer, cli: Cli
) -> None:
    bridge.reset_calls()
    result = cli(*WATCH, "--out", "nodir/r.json")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.err_lines == [
        # Q-GI-8: the watch result, as every later message of the watch calls it
        "Error: cannot write the watch result to nodir/r.json: no such folder: nodir; "
        "nothing was applied"
    ]
    assert bridge.calls() == {}
