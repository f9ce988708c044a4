"""QA-FC Q-FC-4: `audit` and `explain` take the same MEMBERs (one rule,
``reconciler.unknown_attendee``): an attendee's ExternalUserId whose only entry has
expired is answered by both (it was declared), as an e-mail address's is; text no
declared meeting declares, ever declared or has is refused by both."""

from __future__ import annotations

import json

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
BRIDGE = f"""
meetings:
  bridge:
    meeting_id: {MEETING}
    prune: false
    attendees:
      alice@example.com: viewer
      dial-in-7: {{profile: viewer, until: 2027-03-07, reason: dial-in}}
"""
UNKNOWN = (
    "Error: MEMBER 'dial-in-8' is not an e-mail address, bot:NAME or user:ID, and no declared "
    "meeting declares or has an attendee with that ExternalUserId"
)


@pytest.fixture
def bridge(emulator: EmulatorServer, write_desired: WriteDesired) -> None:
    write_desired({"meetings.yaml": BRIDGE})
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "attendees": [{"external_user_id": "alice@example.com"}],
                }
            ]
        }
    )


def test_an_attendee_whose_entry_expired_is_audited_as_it_is_explained(
    bridge: None, cli: Cli
) -> None:
    explained = cli("--now", "2027-03-08", "explain", "dial-in-7")
    assert explained.exit_code == 0, explained.stderr
    assert explained.lines[-1] == (
        # no audit hint: an attendee's meetings are the declared ones (Q-RR-16)
        "Of the desired state's targets, dial-in-7 is declared in 0 and live in 0."
    )
    audited = cli("--now", "2027-03-08", "audit", "dial-in-7")
    assert (audited.exit_code, audited.stderr) == (0, "")
    assert audited.lines == ["dial-in-7 in meetings:", "No meetings."]
    as_json = cli("--now", "2027-03-08", "audit", "dial-in-7", "--format", "json")
    assert as_json.exit_code == 0, as_json.stderr
    assert json.loads(as_json.stdout)["meetings"] == []


def test_text_no_meeting_ever_declared_is_refused_by_both(bridge: None, cli: Cli) -> None:
    for command in ("explain", "audit"):
        run = cli("--now", "2027-03-08", command, "dial-in-8")
        assert (run.exit_code, run.stdout, run.err_lines) == (1, "", [UNKNOWN]), command
