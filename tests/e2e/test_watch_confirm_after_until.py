"""`apply --watch` asks before its first round as apply does, and checks the clock after
the question as apply does (QA-K Q-K-3): an attendee's `until:` that passed while the
prompt waited means the plan answered "yes" to would let in someone whose access has
ended, so the watch applies nothing and says what ended. The CLI on a pseudo-terminal,
the real boto3 client and the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_confirm_after_until import LEADS, answered_at
from test_meetings_cli import MEETING, later, meeting

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def zed_until_soon(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    lead: float,
) -> dt.datetime:
    """The bridge, live empty; zed@example.com declared a viewer until ``lead`` seconds
    from now (whole seconds)."""
    until = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)).replace(microsecond=0)
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired(
        {
            "meetings.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: ${{INCIDENT_MEETING_ID}}
                    prune: true
                    attendees:
                      zed@example.com: {{profile: viewer, until: "{until:%Y-%m-%dT%H:%M:%SZ}"}}
                """
        }
    )
    emulator.reset({"meetings": [meeting([])]})
    return until


class WatchCli:
    """``answered_at``'s CLI, running ``apply --watch`` rather than ``apply``."""

    def __init__(self, cli: Any) -> None:
        self.workdir = cli.workdir
        self._argv = cli.argv

    def argv(self, args: list[str]) -> list[str]:
        return self._argv([*args, "--watch", "--interval", "0.2", "--until", "20s"])


def test_an_until_passed_at_the_watchs_prompt_applies_nothing(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a machine so busy that the watch planned after the until (no question): the case is
    # made again with the next, longer lead (as test_confirm_after_until's)
    for lead in LEADS:
        until = zed_until_soon(emulator, write_desired, monkeypatch, lead)

        def after_the_until(until: dt.datetime = until) -> None:
            time.sleep(max(0.0, (until - dt.datetime.now(dt.UTC)).total_seconds()) + 0.5)

        answered = answered_at(WatchCli(cli), after_the_until)
        if answered is not None:
            break
    assert answered is not None, f"the watch planned after the until every time ({LEADS} s)"
    code, out, err = answered
    assert "  + zed@example.com (audio Receive, video Receive, content Receive)" in out
    assert code == 1, out + err
    lines = err.splitlines()
    assert lines[0].startswith("Error: The plan was made at "), err
    assert lines[0].endswith(
        "while the confirmation waited an `until:` has passed, so the "
        "desired state calls for other changes, and nothing was applied:"
    )
    assert lines[1:] == [
        "Error:   ended: zed@example.com in meeting bridge: audio Receive, video Receive, "
        f"content Receive until {until:%Y-%m-%dT%H:%M:%SZ}, declared at "
        "desired-state/meetings.yaml:6",
        "Error: Run apply again: its plan leaves out what ended (review it again).",
    ]
    assert "Watch" not in out  # no round ran
    assert emulator.meetings.attendees_of(MEETING) == {}  # zed was never let in


def test_answered_in_time_the_watch_applies_its_first_round(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attendees = lambda: emulator.meetings.attendees_of(MEETING)  # noqa: E731

    def in_then_out_then_end(seen: list[bool], given_up: threading.Event, lead: float) -> None:
        deadline = time.monotonic() + 15 + lead
        while "zed@example.com" not in attendees() and time.monotonic() < deadline:
            if given_up.wait(0.05):
                return
        seen.append("zed@example.com" in attendees())  # the first round let zed in
        while "zed@example.com" in attendees() and time.monotonic() < deadline:
            time.sleep(0.05)
        seen.append("zed@example.com" in attendees())  # a later round, past the until
        emulator.meetings.end_meeting(MEETING)

    # a machine so busy that the watch planned after the until (no question), or was
    # answered after it (refused, rightly): the case is made again with the next lead
    for lead in LEADS:
        until = zed_until_soon(emulator, write_desired, monkeypatch, lead)
        seen: list[bool] = []
        given_up = threading.Event()
        thread = later(0, functools.partial(in_then_out_then_end, seen, given_up, lead))
        answered = answered_at(WatchCli(cli), lambda: None)
        late = dt.datetime.now(dt.UTC) >= until  # (a refusal before it is no slowness)
        if not late or (answered is not None and answered[0] == 0):
            break
        given_up.set()
        thread.join(20)
    assert answered is not None, f"the watch planned after the until every time ({LEADS} s)"
    code, out, err = answered
    thread.join(20 + lead)
    assert (code, err) == (0, ""), out + err
    assert seen == [True, False]
    assert "meeting bridge:  - zed@example.com (audio Receive, video Receive, content Receive)" in (
        out
    )
