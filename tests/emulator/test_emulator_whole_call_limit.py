"""The fault setting ``whole_call_limit`` (Q-FM-1): a BatchCreateAttendee or
BatchCreateChannelMembership whose new members do not all fit in the meeting or channel
is refused whole (400, nothing made), as the models allow AWS to; by default only the
items over the maximum are refused, per item, first come, first served. Raw boto3."""

from __future__ import annotations

import boto3
import pytest
from meetings_seeds import error_of, meetings_client
from messaging_seeds import ADMIN, LOBBY, chat_seed, clients, members, user

from reconciler.emulator import EmulatorServer
from reconciler.emulator.messaging import models as messaging_models

MEETING = "6f1c2a9e-0000-4000-8000-000000000011"


def full_meeting(emulator: EmulatorServer) -> None:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge-1",
                    "features": {"attendee": {"max_count": 3}},
                    "attendees": [{"external_user_id": "alice@example.com"}],
                }
            ]
        }
    )


@pytest.mark.parametrize("whole_call", [False, True])
def test_attendees_over_the_maximum(emulator: EmulatorServer, whole_call: bool) -> None:
    full_meeting(emulator)
    emulator.set_faults(whole_call_limit=whole_call)
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    meetings = meetings_client(session, emulator.url)
    people = [{"ExternalUserId": f"{n}@example.com"} for n in ("alice", "bob", "carol", "dave")]
    if not whole_call:
        answer = meetings.batch_create_attendee(MeetingId=MEETING, Attendees=people)
        assert [e["ExternalUserId"] for e in answer["Errors"]] == ["dave@example.com"]
        assert answer["Errors"][0]["ErrorCode"] == "LimitExceeded"
        assert len(emulator.meetings.attendees_of(MEETING)) == 3
        return
    with pytest.raises(meetings.exceptions.LimitExceededException) as info:
        meetings.batch_create_attendee(MeetingId=MEETING, Attendees=people)
    assert error_of(info.value)[:2] == (400, "LimitExceededException")
    assert list(emulator.meetings.attendees_of(MEETING)) == ["alice@example.com"]
    # alice is there already: bob and carol fit
    answer = meetings.batch_create_attendee(MeetingId=MEETING, Attendees=people[:3])
    assert answer["Errors"] == []


@pytest.mark.parametrize("whole_call", [False, True])
def test_channel_members_over_the_maximum(
    emulator: EmulatorServer, whole_call: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messaging_models, "MAX_MEMBERS_PER_CHANNEL", 3)  # lobby: bob
    emulator.reset(chat_seed())
    emulator.set_faults(whole_call_limit=whole_call)
    messaging, _ = clients(emulator)
    arns = [user(u) for u in ("alice", "carol", "dave")]
    call = {"ChannelArn": LOBBY, "MemberArns": arns, "ChimeBearer": ADMIN}
    if not whole_call:
        answer = messaging.batch_create_channel_membership(**call)
        assert [(e["MemberArn"], e["ErrorCode"]) for e in answer["Errors"]] == [
            (user("dave"), "ResourceLimitExceeded")
        ]
        assert sorted(members(messaging, LOBBY, ADMIN)) == sorted([user("bob"), *arns[:2]])
        return
    with pytest.raises(messaging.exceptions.ResourceLimitExceededException) as info:
        messaging.batch_create_channel_membership(**call)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert members(messaging, LOBBY, ADMIN) == [user("bob")]
