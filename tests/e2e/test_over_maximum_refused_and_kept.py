"""The over-maximum error of a meeting counts what the files declare, says how many of
those the plan refuses (not added) and how many members no file declares it keeps, so
that its numbers add up to the "would have N" it states (QA-GQ Q-GQ-2: with a refused
attendee and a kept protected one together, dropping the refused clause passed; with
either alone the two counts agree). The CLI, the real boto3 client and the emulator
over HTTP."""

from __future__ import annotations

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-0000000000f2"
VOICE = "capability_profiles:\n  voice: {audio: SendReceive, video: None, content: None}\n"


def test_a_refused_attendee_and_a_kept_protected_one_are_both_counted(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """MaxCount 2, created without video; breakglass (protected, declared by no file) is
    its one attendee. Declared: alice and bob (voice), carol (participant: asks for
    video, refused). After the apply: breakglass, alice, bob: 3."""
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "features": {
                        "attendee": {"max_count": 2},
                        "video": {"max_resolution": "None"},
                    },
                    "attendees": [{"external_user_id": "breakglass@example.com"}],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": "protected: [breakglass@example.com]\n" + VOICE,
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    prune: true\n"
            "    attendees:\n"
            "      alice@example.com: voice\n"
            "      bob@example.com: voice\n"
            "      carol@example.com: participant\n",
        }
    )
    error = (
        "Error: desired-state/m.yaml:2: meeting 'bridge' would have 3 attendees after this "
        "apply, more than the meeting's own maximum of 2: 3 declared, 1 of them refused by "
        "this plan (not added), and 1 kept that no file declares there "
        "(breakglass@example.com: protected); apply would fail for the 1 over it"
    )
    planned = cli("plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert error in planned.lines, planned.stdout + planned.stderr
    emulator.reset_calls()
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert error in applied.lines, applied.stdout + applied.stderr
    assert set(emulator.meetings.attendees_of(MEETING)) == {"breakglass@example.com"}
