"""Attendees AWS adds to a meeting itself (Q-EC-1): a media capture, concatenation or
live-connector pipeline joins as ``aws:MediaPipeline-<id>``, an ExternalUserId in the
prefix AWS reserves (no caller can create one, nor declare one). The meeting kind never
manages them, as a room's webhooks: listed as unmanaged (``-v``), never removed or
changed by ``prune``, never drift."""

from __future__ import annotations

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
PIPELINE = "aws:MediaPipeline-4ae1f"
RECEIVE = {"audio": "Receive", "video": "Receive", "content": "Receive"}


@pytest.fixture
def recorded(emulator: EmulatorServer) -> EmulatorServer:
    """A meeting a media capture pipeline records: AWS's attendee, and mallory."""
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "attendees": [
                        {"external_user_id": "alice@example.com"},
                        {"external_user_id": "mallory@example.com"},
                        {"external_user_id": PIPELINE, "capabilities": RECEIVE},
                    ],
                }
            ]
        }
    )
    return emulator


def _desired(write_desired: WriteDesired, prune: bool) -> None:
    write_desired(
        {
            "settings.yaml": f"prune: {str(prune).lower()}\n",
            "bridge.yaml": f"""
            meetings:
              bridge:
                meeting_id: {MEETING}
                attendees:
                  alice@example.com: presenter
            """,
        }
    )


def test_prune_leaves_awss_own_attendee_in_the_meeting(
    recorded: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    _desired(write_desired, prune=True)
    plan = cli("plan", "-v")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert (
        f"    unmanaged: {PIPELINE} (audio Receive, video Receive, content Receive)" in plan.lines
    )
    assert "Plan: 0 to add, 0 to change, 1 to remove." in plan.lines
    assert not [line for line in plan.lines if line.startswith("  - ") and PIPELINE in line]
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Apply complete! Memberships: 0 added, 0 changed, 1 removed." in run.lines
    assert sorted(recorded.meetings.attendees_of(MEETING)) == ["alice@example.com", PIPELINE]
    again = cli("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


def test_awss_own_attendee_is_no_drift_where_the_meeting_does_not_prune(
    recorded: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    recorded.meetings.delete_attendee(
        MEETING, _attendee_id(recorded, "mallory@example.com")
    )  # only AWS's attendee is undeclared now
    _desired(write_desired, prune=False)
    plan = cli("plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert not [line for line in plan.lines if "Not in the desired state" in line]
    assert PIPELINE not in plan.stdout  # listed with -v only, as unmanaged


def _attendee_id(server: EmulatorServer, external_user_id: str) -> str:
    state = server.meetings.snapshot()[0]
    return next(a["id"] for a in state["attendees"] if a["external_user_id"] == external_user_id)
