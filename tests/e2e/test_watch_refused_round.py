"""A later round of `apply --watch` whose plan breaks the safety rules (a crowd joins a
locked-down meeting) or has errors (files edited into a desired state `validate`
refuses) stops the watch, exit 1: it says that the watch stopped and what lets it go on,
and `--out` has the round, `stopped: "refused"` (Q-GI-7). The real CLI, boto3 and the
emulator over HTTP."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired
from test_meetings_cli import MEETING, bridge, later
from test_watch_exit_code import stamped

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["bridge"]  # the fixture, imported for these tests

WATCH = ("apply", "--auto-approve", "--watch", "--interval", "1", "--until", "30s")
CROWD = [f"crash{i}@example.com" for i in range(1, 12)]


def after_round_1(bridge: EmulatorServer) -> None:
    while "alice@example.com" not in bridge.meetings.attendees_of(MEETING):
        time.sleep(0.02)


def test_a_crowd_over_max_removals_stops_the_watch_saying_so(
    bridge: EmulatorServer, cli: Cli, boto3_session: Any, workdir: Path
) -> None:
    client = boto3_session.client("chime-sdk-meetings", endpoint_url=bridge.url)

    def crowd_joins() -> None:  # all at once: round 2 plans 11 removals
        after_round_1(bridge)
        client.batch_create_attendee(
            MeetingId=MEETING, Attendees=[{"ExternalUserId": u} for u in CROWD]
        )

    thread = later(0, crowd_joins)
    result = cli(*WATCH, "--out", "w.json")
    thread.join(10)
    assert result.exit_code == 1, result.stdout + result.stderr
    said = stamped(result.lines)
    stop = [s for s in said if s.startswith("Error: round 2's plan")]
    assert stop == [
        "Error: round 2's plan breaks the safety rules (settings.yaml `safety:`), which a "
        "watch applies only with --allow-unsafe; the watch stopped (nothing more is applied):"
    ]
    assert said.index(stop[0]) < said.index(
        "Error: Too many removals: 11 is over the limit of 10 (safety.max_removals)"
    )
    assert set(CROWD) <= set(bridge.meetings.attendees_of(MEETING))  # nothing applied
    document = json.loads((workdir / "w.json").read_text())
    assert document["watch"]["rounds"] == 2
    assert document["watch"]["stopped"] == "refused"
    assert document["complete"] is False


def test_files_edited_into_plan_errors_stop_the_watch_saying_so(
    bridge: EmulatorServer, cli: Cli, write_desired: WriteDesired, workdir: Path
) -> None:
    def require_reasons() -> None:
        after_round_1(bridge)
        write_desired({"settings.yaml": "require_reason: true\n"})

    thread = later(0, require_reasons)
    result = cli(*WATCH, "--format", "json", "--out", "w.json")
    thread.join(10)
    assert result.exit_code == 1, result.stdout + result.stderr
    said = stamped(result.err_lines)
    assert "Error: round 2's plan has 1 error; the watch stopped (nothing more is applied):" in (
        said
    )
    assert any("alice@example.com needs a reason" in s for s in said)
    rounds = [json.loads(line) for line in result.lines]
    assert [r["watch"]["stopped"] for r in rounds] == [None, "refused"]
    document = json.loads((workdir / "w.json").read_text())
    assert (document["watch"]["rounds"], document["watch"]["stopped"]) == (2, "refused")
