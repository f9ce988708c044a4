"""QA-GM Q-GM-4: a meeting declared twice is not read by plan or apply (Q-GI-11: they
refuse it), but audit and explain, whose job is where a person is live, said an attendee
of it was in it nowhere (LIVE `-`, "live in 0 targets"). They read it again, once for
its entries, and still say it is declared twice."""

from __future__ import annotations

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
OTHER = "6f1c2a9e-0000-4000-8000-000000000002"


@pytest.fixture
def twice(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m1",
                    "attendees": [{"external_user_id": "alice@example.com"}],
                },
                {
                    "id": OTHER,
                    "external_meeting_id": "m2",
                    "attendees": [{"external_user_id": "bob@example.com"}],
                },
            ]
        }
    )
    monkeypatch.setenv("MEET_A", MEETING)
    write_desired(
        {
            "m.yaml": "meetings:\n"
            "  a: {meeting_id: '${MEET_A}', attendees: {alice@example.com: presenter}}\n"
            f"  b: {{meeting_id: {MEETING.upper()}, attendees: {{bob@example.com: viewer}}}}\n"
            f"  c: {{meeting_id: {OTHER}, attendees: {{bob@example.com: viewer}}}}\n"
        }
    )
    return emulator


def test_audit_and_explain_show_an_attendee_live_in_a_meeting_declared_twice(
    twice: EmulatorServer, cli: Cli
) -> None:
    before = twice.calls()
    audited = cli("audit", "alice@example.com")
    calls = {k: v - before.get(k, 0) for k, v in twice.calls().items()}
    # one read of the meeting for its two entries, one of the other
    assert (calls.get("GetMeeting"), calls.get("ListAttendees")) == (2, 2)
    rows = [line for line in audited.lines if line.startswith(("a ", "b "))]
    assert rows and all(MEETING in row for row in rows), audited.stdout
    assert any("audio SendReceive" in row.split(MEETING)[1][:30] for row in rows), rows
    assert "declared more than once" in audited.stdout + audited.stderr
    explained = cli("explain", "alice@example.com")
    assert explained.lines[-1] == (
        "Of the desired state's targets, alice@example.com is declared in 1 and live in 2 "
        "(audit reads the rooms and channels outside them too)."
    ), explained.stdout
    assert "declared more than once" in explained.stdout + explained.stderr
    # plan still refuses it unread
    planned = cli("plan")
    assert planned.exit_code == 1
    assert "declared more than once" in planned.stderr
