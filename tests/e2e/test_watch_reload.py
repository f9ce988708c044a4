"""`apply --watch` plans every round from the desired-state files as they are then, as
of the clock (QA3 Q14): an edit is applied by the next round, never undone; files that no
longer load stop the watch; an `until:` that passes during the watch ends that access.
The real CLI, boto3 and the emulator."""

from __future__ import annotations

import datetime as dt
import textwrap
import time
from collections.abc import Callable

import pytest
from conftest import Cli, WriteDesired
from test_meetings_cli import BRIDGE, MEETING, MUTED, bridge, later, meeting
from test_watch_exit_code import WATCH, stamped

from reconciler.cli import pipeline
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["bridge"]  # the fixture, imported for these tests

ZED = "zed@example.com"


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def test_an_edit_to_the_files_is_applied_by_the_next_round_and_never_undone(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    present = lambda: ZED in bridge.meetings.attendees_of(MEETING)  # noqa: E731
    kept: list[bool] = []

    def merge_a_pr_then_end() -> None:
        wait_for(lambda: "alice@example.com" in bridge.meetings.attendees_of(MEETING))
        write_desired({"meetings.yaml": BRIDGE + f"      {ZED}: viewer\n"})  # zed added
        kept.append(wait_for(present))
        time.sleep(1.0)  # several more rounds of the watch (every 0.2 s)
        kept.append(present())
        bridge.meetings.end_meeting(MEETING)

    thread = later(0, merge_a_pr_then_end)
    result = cli(*WATCH, "--until", "30s")
    thread.join(15)
    said = stamped(result.lines)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert kept == [True, True]  # added by the watch, and still there rounds later
    assert [s for s in said if "changed: reloaded" in s] == [
        "The desired-state files in desired-state changed: reloaded."
    ]
    assert "meeting bridge:  + zed@example.com (audio Receive, video Receive, content Receive)" in (
        said
    )
    assert not any("- zed" in s for s in said)
    assert said[-1] == "Every meeting in scope has ended: nothing left to watch."


def test_files_caught_half_written_are_loaded_once_written(
    bridge: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A round that comes while a file is being saved in place (truncated, its text not
    written yet: an editor, a git pull) loads it once written; it loaded the empty file
    and stopped the watch (exit 1, "--watch needs at least one meeting in scope"), which
    a loaded machine hit between the truncation and the write of write_desired's edit.
    The round is held at the truncated file by the hook: the save ends during its wait."""
    path = write_desired({}) / "meetings.yaml"
    written = textwrap.dedent(BRIDGE + f"      {ZED}: viewer\n").lstrip("\n")
    waits: list[float] = []

    def saved_meanwhile(seconds: float) -> None:
        if not waits:
            assert path.read_text() == ""  # the round found the file half written
            path.write_text(written)
        waits.append(seconds)

    monkeypatch.setattr(pipeline, "settle_sleep", saved_meanwhile)
    kept: list[bool] = []

    def save_in_place_then_end() -> None:
        wait_for(lambda: "alice@example.com" in bridge.meetings.attendees_of(MEETING))
        path.write_text("")  # the save under way: the text comes in saved_meanwhile
        kept.append(wait_for(lambda: ZED in bridge.meetings.attendees_of(MEETING)))
        bridge.meetings.end_meeting(MEETING)

    thread = later(0, save_in_place_then_end)
    result = cli(*WATCH, "--until", "30s")
    thread.join(15)
    said = stamped(result.lines)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert kept == [True]
    assert waits == [pipeline.SETTLE_S] * 2  # read again until it read the same
    assert [s for s in said if "changed: reloaded" in s] == [
        "The desired-state files in desired-state changed: reloaded."
    ]
    assert said[-1] == "Every meeting in scope has ended: nothing left to watch."


def test_files_that_no_longer_load_stop_the_watch_with_their_error(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    def break_the_files() -> None:
        wait_for(lambda: "alice@example.com" in bridge.meetings.attendees_of(MEETING))
        write_desired({"meetings.yaml": BRIDGE.replace("prune:", "prunes:")})

    thread = later(0, break_the_files)
    started = time.monotonic()
    result = cli(*WATCH, "--until", "30s")
    thread.join(15)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert time.monotonic() - started < 20  # stopped at once, not at --until
    assert (
        "Error: the desired-state files in desired-state changed and no longer load; the "
        "watch stopped (nothing more is applied):"
    ) in stamped(result.lines)
    assert "desired-state/meetings.yaml:7" in result.stderr
    assert "prunes" in result.stderr


def test_an_until_that_passes_during_the_watch_ends_that_access(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    live = {"meetings": [meeting([("bob@example.com", MUTED), ("mallory@example.com", MUTED)])]}
    for lead in (3, 10, 30):  # 2-3 s; a machine so busy that the first round was planned
        # after the until (zed never let in) makes the case again with the next lead
        bridge.reset(live)  # as the fixture made it
        ends = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)
        until = ends.isoformat(timespec="seconds")
        zed = f"      {ZED}: {{profile: viewer, until: {until}}}\n"
        write_desired({"meetings.yaml": BRIDGE + zed})
        added: list[bool] = []
        gone: list[bool] = []

        def wait_then_end(added: list[bool] = added, gone: list[bool] = gone) -> None:
            added.append(wait_for(lambda: ZED in bridge.meetings.attendees_of(MEETING)))
            gone.append(wait_for(lambda: ZED not in bridge.meetings.attendees_of(MEETING), 15))
            bridge.meetings.end_meeting(MEETING)

        thread = later(0, wait_then_end)
        result = cli(*WATCH, "--until", f"{lead + 27}s")
        thread.join(20)
        if added == [True] or ends > dt.datetime.now(dt.UTC):
            break
    said = stamped(result.lines)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert gone == [True]  # an apply run then would remove him: the watch does too
    assert any(s.startswith("meeting bridge:  - zed@example.com") for s in said)


def test_files_edited_to_declare_no_meeting_stop_the_watch_saying_so(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    """Q-GI-2: the files still load but declare no meeting any more: a stamped error that
    says the watch stopped, not start-up's command-line refusal."""

    def no_meeting_left() -> None:
        wait_for(lambda: "alice@example.com" in bridge.meetings.attendees_of(MEETING))
        write_desired({"meetings.yaml": "groups:\n  sre: [alice@example.com]\n"})

    thread = later(0, no_meeting_left)
    result = cli(*WATCH, "--until", "30s")
    thread.join(15)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert result.stderr == ""
    assert stamped(result.lines)[-2:] == [
        "The desired-state files in desired-state changed: reloaded.",
        "Error: the desired-state files in desired-state changed and declare no meeting in "
        "scope any more; the watch stopped (nothing more is applied).",
    ]
