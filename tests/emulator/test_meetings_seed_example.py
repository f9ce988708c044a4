"""The README's meetings seed example (The emulator > Chime SDK meetings in the emulator)
loads as written and serves what it says (QA-HC Q-HC-1: its features turned video and
content off while its first attendee asked for both, so ``--seed`` refused it)."""

from __future__ import annotations

from pathlib import Path

import boto3
from meetings_seeds import ALL, MEETING, meetings_client

from reconciler.emulator import EmulatorServer, load_seed

EXAMPLE = Path(__file__).parent / "seed-meetings.yaml"
README = Path(__file__).parents[2] / "README.md"


def test_the_readme_shows_the_example_seed_verbatim() -> None:
    assert EXAMPLE.read_text() in README.read_text()


def test_the_example_seed_loads_and_serves_its_meeting(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(load_seed(EXAMPLE))
    client = meetings_client(boto3_session, emulator.url)

    meeting = client.get_meeting(MeetingId=MEETING)["Meeting"]
    attendees = client.list_attendees(MeetingId=MEETING)["Attendees"]

    assert meeting["ExternalMeetingId"] == "incident-42"
    assert [(a["ExternalUserId"], a["Capabilities"]) for a in attendees] == [
        ("alice@example.com", ALL),
        ("bob@example.com", ALL),
        ("aws:MediaPipeline-4ae1f", ALL),
    ]
