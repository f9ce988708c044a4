"""`audit` of a meeting the plan refuses as a whole, over its attendee maximum (QA-FO
Q-FO-3): plan reports it and changes nothing there, explain says `not planned` with the
plan's error, and so does each of audit's rows there, whether or not the plan would have
changed the member (an add, or in sync), never `plan adds it`. The CLI, the real boto3
client and the emulator over HTTP."""

from __future__ import annotations

import json

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000033"
VIEWER = {"audio": "Receive", "video": "Receive", "content": "Receive"}
DESIRED = f"""
meetings:
  bridge:
    meeting_id: {MEETING}
    prune: true
    attendees:
      alice@example.com: presenter
      b@example.com: viewer
      c@example.com: viewer
      d@example.com: viewer
"""
WHY = (
    "meeting 'bridge' would have 4 attendees after this apply, more than the meeting's own "
    "maximum of 3: 4 declared; apply would fail for the 1 over it"
)


@pytest.fixture
def full(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    """A meeting of MaxCount 3 with alice, b and c; d declared too: 4, over it."""
    write_desired({"meetings.yaml": DESIRED})
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m33",
                    "features": {"attendee": {"max_count": 3}},
                    "attendees": [
                        {"external_user_id": "alice@example.com"},
                        {"external_user_id": "b@example.com", "capabilities": VIEWER},
                        {"external_user_id": "c@example.com", "capabilities": VIEWER},
                    ],
                }
            ]
        }
    )
    return emulator


def test_plan_refuses_the_meeting_and_explain_says_not_planned(
    full: EmulatorServer, cli: Cli
) -> None:
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 1
    assert f"desired-state/meetings.yaml:2: {WHY}" in plan.stderr + plan.stdout
    explain = cli(*UNPACED, "explain", "d@example.com")
    assert f"plan: not planned: {WHY}" in explain.stdout


@pytest.mark.parametrize("member", ["d@example.com", "alice@example.com"])
def test_audit_rows_say_not_planned_with_the_plans_error(
    full: EmulatorServer, cli: Cli, member: str
) -> None:
    run = cli(*UNPACED, "audit", member)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"not planned: {WHY}" in run.stdout
    assert "plan adds it" not in run.stdout
    doc = cli(*UNPACED, "audit", member, "--format", "json")
    assert [r["note"] for r in json.loads(doc.stdout)["meetings"]] == [f"not planned: {WHY}"]
    # the meeting read once, planned from that read (Q-FO-6)
    assert (full.calls()["GetMeeting"], full.calls()["ListAttendees"]) == (2, 2)
