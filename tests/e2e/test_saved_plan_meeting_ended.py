"""A saved plan whose meeting has ended since ``plan --out`` (Q-CH-1): AWS ends meetings on
its own, so that is no staleness of the plan. ``apply PLAN`` leaves the meeting's changes
out with the Note ``plan`` gives, reports them as not applied (exit 1: planned changes
were not made), and applies the rest. Other stale plans are refused as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, seed_doc

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
NOTE = (
    f"Note: desired-state/m.yaml:5: meeting bridge (id {MEETING}) has ended (or never "
    "existed): the meetings API does not find it; left out"
)
LEFT_OUT = "not applied: the meeting has ended since the plan was made (left out)"
CAPABILITIES = "audio SendReceive, video SendReceive, content SendReceive"  # as the plan names them


@pytest.fixture
def planned(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired, workdir: Path
) -> EmulatorServer:
    """A room add and a meeting's add and removal, saved in plan.json."""
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": """
            rooms:
              ops:
                members: [alice@example.com, bob@example.com]
            meetings:
              bridge:
                meeting_id: 6f1c2a9e-0000-4000-8000-000000000001
                prune: true
                attendees:
                  alice@example.com: presenter
            """,
        }
    )
    doc = seed_doc(users=("alice", "bob"), rooms={"ops": [("alice", "Member")]})
    meeting = {
        "id": MEETING,
        "external_meeting_id": "incident-42",
        "attendees": [{"external_user_id": "mallory@example.com"}],
    }
    emulator.reset({**doc, "meetings": [meeting]})
    made = cli("plan", "--out", "plan.json")
    assert made.exit_code == 0, made.stdout + made.stderr
    return emulator


def test_a_meeting_ended_since_the_plan_is_left_out_and_the_rest_applied(
    planned: EmulatorServer, cli: Cli, workdir: Path
) -> None:
    planned.meetings.end_meeting(MEETING)
    run = cli("apply", "plan.json", "--out", "result.json")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "Saved plan is stale" not in run.stderr
    assert NOTE in run.lines
    assert run.lines[-6:] == [
        "Applied:",
        "  ok + bob@example.com (Member) in ops",
        "Not attempted:",
        f"  + alice@example.com ({CAPABILITIES}) in bridge: {LEFT_OUT}",
        f"  - mallory@example.com ({CAPABILITIES}) in bridge: {LEFT_OUT}",
        "Apply incomplete: 0 of 3 changes failed, 2 not attempted "
        "(1 applied: 1 added, 0 changed, 0 removed).",
    ]
    assert planned.backend.room_members(ACCOUNT, "room-ops") == {
        "uid-alice": "Member",
        "uid-bob": "Member",
    }
    result = json.loads((workdir / "result.json").read_text())
    outcomes = sorted((c["member"], c["outcome"]) for c in result["changes"])
    assert outcomes == [
        ("alice@example.com", "skipped"),
        ("bob@example.com", "ok"),
        ("mallory@example.com", "skipped"),
    ]
    again = cli("apply", "--auto-approve")  # a plan made now: the Note, nothing to do
    assert again.exit_code == 0, again.stdout + again.stderr
    assert NOTE in again.lines


def test_a_meeting_changed_since_the_plan_is_still_stale(planned: EmulatorServer, cli: Cli) -> None:
    """Only a meeting that has ended is left out: one whose attendees changed since is a
    stale plan, refused whole, as before."""
    planned.meetings.create_attendee(MEETING, "eve@example.com", None)
    run = cli("apply", "plan.json")
    assert run.exit_code == 1
    assert (
        "Error: Saved plan is stale: meeting bridge changed since the plan was made; "
        "run plan again."
    ) in run.err_lines
    assert planned.backend.room_members(ACCOUNT, "room-ops") == {"uid-alice": "Member"}


def test_a_saved_plan_of_only_an_ended_meeting_applies_nothing_and_says_so(
    planned: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    planned.backend.create_room_membership(ACCOUNT, "room-ops", "uid-bob")
    assert cli("plan", "--out", "plan.json").exit_code == 0  # the meeting's changes only
    planned.meetings.end_meeting(MEETING)
    run = cli("apply", "plan.json", "--quiet")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.lines == [
        "Not attempted:",
        f"  + alice@example.com ({CAPABILITIES}) in bridge: {LEFT_OUT}",
        f"  - mallory@example.com ({CAPABILITIES}) in bridge: {LEFT_OUT}",
        "Apply incomplete: 0 of 2 changes failed, 2 not attempted "
        "(0 applied: 0 added, 0 changed, 0 removed).",
    ]


def test_a_saved_plan_of_only_an_ended_meeting_never_says_chime_matches(
    planned: EmulatorServer, cli: Cli
) -> None:
    """Without ``--quiet`` (Q-EC-3): the closing line says why nothing can be applied, not
    "No changes. Chime memberships match the desired state." (they do not)."""
    planned.backend.create_room_membership(ACCOUNT, "room-ops", "uid-bob")
    assert cli("plan", "--out", "plan.json").exit_code == 0  # the meeting's changes only
    planned.meetings.end_meeting(MEETING)
    run = cli("apply", "plan.json", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "No changes. Chime memberships match the desired state." not in run.lines
    assert (
        "No changes can be applied: the plan's 2 changes are to meetings that have ended "
        "since it was made (left out)."
    ) in run.lines
    assert run.lines[-1] == (
        "Apply incomplete: 0 of 2 changes failed, 2 not attempted "
        "(0 applied: 0 added, 0 changed, 0 removed)."
    )
