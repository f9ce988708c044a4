"""A later round of `apply --watch` whose plan the safety rules refuse (a crowd joins a
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
from test_meetings_cli import MEETING, OTHER, bridge, later
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
        "Error: round 2's plan is refused by 2 safety rules (settings.yaml `safety:`): apply "
        "applies it only with --allow-unsafe; the watch stopped (nothing more is applied):"
    ]
    assert said.index(stop[0]) < said.index(
        "Error: refusing this plan: Too many removals: 11 is over the limit of 10 "
        "(safety.max_removals)"
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


def test_a_round_with_errors_and_refusals_says_both(
    bridge: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    boto3_session: Any,
) -> None:
    """QA-GT-5: a round whose plan has errors and is refused by safety rules said only
    "has 1 error", and listed the refusals bare, where plan and apply say both, and each
    refusal as "refusing this plan: ..."."""
    client = boto3_session.client("chime-sdk-meetings", endpoint_url=bridge.url)

    def both() -> None:
        after_round_1(bridge)
        client.batch_create_attendee(
            MeetingId=MEETING, Attendees=[{"ExternalUserId": u} for u in CROWD]
        )
        write_desired({"settings.yaml": "require_reason: true\n"})

    thread = later(0, both)
    result = cli(*WATCH)
    thread.join(10)
    assert result.exit_code == 1, result.stdout + result.stderr
    said = stamped(result.lines)
    stop = [s for s in said if s.startswith("Error: round 2's plan")]
    assert stop == [
        "Error: round 2's plan has 1 error and is refused by 2 safety rules (settings.yaml "
        "`safety:`); the watch stopped (nothing more is applied):"
    ], said
    refusals = [s for s in said[said.index(stop[0]) :] if "Too many removals" in s]
    assert refusals == [
        "Error: refusing this plan: Too many removals: 11 is over the limit of 10 "
        "(safety.max_removals)",
        "Error: refusing this plan: [meeting bridge] Too many removals: 78.57% is over 25.00% "
        "(11/14) "
        "(safety.max_removal_fraction)",
    ]


def test_with_allow_unsafe_a_round_with_errors_stops_for_them_alone(
    bridge: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    boto3_session: Any,
) -> None:
    """QA-GZ-3: with --allow-unsafe, the round stops for its error alone, yet it said it
    "is refused by 2 safety rules" and printed each as "Error: refusing this plan: ...".
    Now it says what apply --allow-unsafe says: the error, and each broken rule as a
    warning ("unsafe plan: ...")."""
    client = boto3_session.client("chime-sdk-meetings", endpoint_url=bridge.url)

    def both() -> None:
        after_round_1(bridge)
        client.batch_create_attendee(
            MeetingId=MEETING, Attendees=[{"ExternalUserId": u} for u in CROWD]
        )
        write_desired({"settings.yaml": "require_reason: true\n"})

    thread = later(0, both)
    result = cli(*WATCH[:2], "--allow-unsafe", *WATCH[2:])
    thread.join(10)
    assert result.exit_code == 1, result.stdout + result.stderr
    said = stamped(result.lines)
    stop = [s for s in said if s.startswith("Error: round 2's plan")]
    assert stop == [
        "Error: round 2's plan has 1 error; the watch stopped (nothing more is applied):"
    ], said
    assert not [s for s in said if "refus" in s]
    unsafe = [s for s in said[said.index(stop[0]) :] if "Too many removals" in s]
    assert unsafe == [
        "Warning: unsafe plan: Too many removals: 11 is over the limit of 10 (safety.max_removals)",
        "Warning: unsafe plan: [meeting bridge] Too many removals: 78.57% is over 25.00% (11/14) "
        "(safety.max_removal_fraction)",
    ]


TWO = """
meetings:
  bridge:
    meeting_id: ${INCIDENT_MEETING_ID}
    attendees: {alice@example.com: presenter}
  standup:
    meeting_id: %s
    prune: true
    attendees: {alice@example.com: presenter}
"""


def test_a_refused_round_still_says_the_meeting_it_found_ended(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    boto3_session: Any,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # reread-38: round 2 finds the bridge ended and its plan refused (a crowd joins the
    # standup); the ended meeting was said nowhere, neither on stderr nor in --out
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    write_desired({"meetings.yaml": TWO % OTHER})
    emulator.reset(
        {
            "meetings": [
                {"id": MEETING, "external_meeting_id": "bridge", "attendees": []},
                {"id": OTHER, "external_meeting_id": "standup", "attendees": []},
            ]
        }
    )
    client = boto3_session.client("chime-sdk-meetings", endpoint_url=emulator.url)

    def crowd_joins_as_the_bridge_ends() -> None:
        while "alice@example.com" not in emulator.meetings.attendees_of(OTHER):
            time.sleep(0.02)
        emulator.meetings.end_meeting(MEETING)
        client.batch_create_attendee(
            MeetingId=OTHER, Attendees=[{"ExternalUserId": u} for u in CROWD]
        )

    thread = later(0, crowd_joins_as_the_bridge_ends)
    result = cli(*WATCH, "--format", "json", "--out", "w.json")
    thread.join(10)
    assert result.exit_code == 1, result.stdout + result.stderr
    rounds = [json.loads(line) for line in result.lines]
    assert [r["watch"]["stopped"] for r in rounds] == [None, "refused"]
    [ended] = rounds[-1]["notices"]
    assert "meeting bridge" in ended and "has ended" in ended
    assert any(line.endswith(ended) for line in result.err_lines)
    document = json.loads((workdir / "w.json").read_text())
    assert document["notices"] == [ended]
