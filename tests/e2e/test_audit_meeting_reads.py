"""`audit MEMBER` reads each declared meeting once (QA-FO Q-FO-6): where the plan changes
the member, audit plans every declared target to ask the safety rules, and the meetings'
part of that read is the one its meetings section has just made (GetMeeting and every
ListAttendees page), not a second one. The CLI, the real boto3 client and the emulator
over HTTP."""

from __future__ import annotations

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

PRUNED = "6f1c2a9e-0000-4000-8000-000000000011"
KEPT = "6f1c2a9e-0000-4000-8000-000000000012"
FULL = {"audio": "SendReceive", "video": "SendReceive", "content": "Receive"}
MEETINGS = f"""
meetings:
  pruned: {{meeting_id: {PRUNED}, prune: true, attendees: {{carol@example.com: viewer}}}}
  kept: {{meeting_id: {KEPT}, prune: false, attendees: {{dave@example.com: presenter}}}}
"""


@pytest.fixture
def two(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    """Carol, declared a viewer, holds more in `pruned` (the plan changes her); dave is in
    sync in `kept`, with 120 more attendees (it does not prune): its listing takes 2
    pages."""
    write_desired({"meetings.yaml": MEETINGS})
    crowd = [{"external_user_id": f"u{i}@example.com"} for i in range(120)]
    emulator.reset(
        {
            "meetings": [
                {
                    "id": PRUNED,
                    "external_meeting_id": "m11",
                    "attendees": [{"external_user_id": "carol@example.com", "capabilities": FULL}],
                },
                {
                    "id": KEPT,
                    "external_meeting_id": "m12",
                    "attendees": [{"external_user_id": "dave@example.com"}, *crowd],
                },
            ]
        }
    )
    return emulator


def _meeting_calls(emulator: EmulatorServer) -> tuple[int, int]:
    calls = emulator.calls()
    return calls.get("GetMeeting", 0), calls.get("ListAttendees", 0)


def test_audit_reads_each_meeting_as_often_as_plan(two: EmulatorServer, cli: Cli) -> None:
    two.reset_calls()
    assert cli(*UNPACED, "plan").exit_code == 0
    plan = _meeting_calls(two)
    assert plan == (2, 3)  # GetMeeting each, ListAttendees 2 pages + 1

    two.reset_calls()
    run = cli(*UNPACED, "audit", "carol@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "plan changes the capabilities to audio Receive" in run.stdout
    assert _meeting_calls(two) == plan

    two.reset_calls()  # in sync: no plan-wide read at all, the same count
    assert cli(*UNPACED, "audit", "dave@example.com").exit_code == 0
    assert _meeting_calls(two) == plan
