"""An attendee's ExternalUserId is the reference as written (Q-EC-2): ``bot:NAME`` is
``bot:`` in lower case and a name; ``Bot:Recorder`` or ``bot: Recorder`` is other text,
created and matched exactly, and a live ExternalUserId with white space around it is not
the declared one without. So two live attendees AWS holds as two are never one declared
attendee, the one spelled as declared is the one kept, and apply's verification finds
what it did."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from conftest import Cli, WriteDesired

from reconciler.capabilities import Capabilities
from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
RECEIVE = {"audio": "Receive", "video": "Receive", "content": "Receive"}
ALL = "audio SendReceive, video SendReceive, content SendReceive"


def _seed(emulator: EmulatorServer, *attendees: dict[str, Any]) -> None:
    meeting = {
        "id": MEETING,
        "external_meeting_id": "incident-42",
        "attendees": [{"external_user_id": "alice@example.com"}, *attendees],
    }
    emulator.reset({"meetings": [meeting]})


def _desired(write_desired: WriteDesired, attendee: str) -> None:
    write_desired(
        {
            "settings.yaml": "prune: true\n",
            "bridge.yaml": f"""
            meetings:
              bridge:
                meeting_id: {MEETING}
                attendees:
                  alice@example.com: presenter
                  "{attendee}": viewer
            """,
        }
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("ffffffff-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000001"),
        ("00000000-0000-4000-8000-000000000001", "ffffffff-0000-4000-8000-000000000001"),
    ],
)
def test_the_bot_spelled_as_declared_is_kept_whatever_the_attendee_ids(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired, first: str, second: str
) -> None:
    _seed(
        emulator,
        {"external_user_id": "bot:Recorder", "id": first, "capabilities": RECEIVE},
        {"external_user_id": "Bot:Recorder", "id": second},
    )
    _desired(write_desired, "bot:Recorder")
    plan = cli("plan")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert plan.lines[1:] == [
        f"  - Bot:Recorder ({ALL})",
        "",
        "Plan: 0 to add, 0 to change, 1 to remove.",
    ]
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Apply complete! Memberships: 0 added, 0 changed, 1 removed." in run.lines
    held = emulator.meetings.attendees_of(MEETING)
    assert sorted(held) == ["alice@example.com", "bot:Recorder"]
    assert held["bot:Recorder"] == Capabilities("Receive", "Receive", "Receive")
    again = cli("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


def test_an_attendee_written_bot_in_another_case_is_created_as_written(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired
) -> None:
    _seed(emulator)
    _desired(write_desired, "Bot:Recorder")
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert sorted(emulator.meetings.attendees_of(MEETING)) == ["Bot:Recorder", "alice@example.com"]


def test_white_space_around_a_live_external_user_id_is_another_attendee(
    emulator: EmulatorServer,
    cli: Cli,
    write_desired: WriteDesired,
    boto3_session: boto3.session.Session,
) -> None:
    _seed(emulator, {"external_user_id": "dial-in-7", "capabilities": RECEIVE})
    client = boto3_session.client(
        "chime-sdk-meetings", endpoint_url=emulator.url, region_name="us-east-1"
    )
    client.create_attendee(MeetingId=MEETING, ExternalUserId="dial-in-7 ")
    _desired(write_desired, "dial-in-7")
    assert cli("plan", "--out", "plan.json").exit_code == 0  # applied as saved
    run = cli("apply", "plan.json", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Apply complete! Memberships: 0 added, 0 changed, 1 removed." in run.lines
    assert sorted(emulator.meetings.attendees_of(MEETING)) == ["alice@example.com", "dial-in-7"]
