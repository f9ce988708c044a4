"""The ``chime-sdk-meetings`` emulator with the raw boto3 client over HTTP: operations,
idempotency, capability rules, paging, limits and meetings that end."""

from __future__ import annotations

import itertools
from typing import Any

import boto3
import pytest
from emulator_http import request
from meetings_seeds import (
    ABSENT,
    ALL,
    MEETING,
    OTHER,
    VIEWER,
    error_of,
    meeting_seed,
    meetings_client,
    user,
)

from reconciler.emulator import EmulatorServer

VALUES = ("SendReceive", "Send", "Receive", "None")


@pytest.fixture
def meetings(boto3_session: boto3.session.Session, emulator: EmulatorServer) -> Any:
    emulator.reset(meeting_seed(attendees=3))
    return meetings_client(boto3_session, emulator.url)


@pytest.fixture
def raw_meetings(boto3_session: boto3.session.Session, emulator: EmulatorServer) -> Any:
    """A client that sends what botocore's own validation would refuse."""
    emulator.reset(meeting_seed(attendees=3))
    return meetings_client(boto3_session, emulator.url, validate=False)


def test_get_meeting_answers_the_seeded_meeting(meetings: Any) -> None:
    meeting = meetings.get_meeting(MeetingId=MEETING)["Meeting"]
    assert meeting["MeetingId"] == MEETING
    assert meeting["ExternalMeetingId"] == "incident-42"
    assert meeting["MeetingArn"] == f"arn:aws:chime:us-east-1:123456789012:meeting/{MEETING}"
    assert meeting["MediaRegion"] == "us-east-1"


def test_unknown_and_malformed_meeting_ids(meetings: Any) -> None:
    with pytest.raises(meetings.exceptions.NotFoundException) as info:
        meetings.get_meeting(MeetingId=ABSENT)
    assert error_of(info.value) == (
        404,
        "NotFoundException",
        f"The meeting {ABSENT} is not found.",
    )
    with pytest.raises(meetings.exceptions.BadRequestException) as bad:
        meetings.list_attendees(MeetingId="incident-42")
    assert error_of(bad.value)[:2] == (400, "BadRequestException")
    assert "MeetingId 'incident-42' does not match the pattern of a UUID" in error_of(bad.value)[2]


def test_list_attendees_returns_ids_tokens_and_capabilities(meetings: Any) -> None:
    listed = meetings.list_attendees(MeetingId=MEETING)
    assert "NextToken" not in listed
    assert [a["ExternalUserId"] for a in listed["Attendees"]] == [user(0), user(1), user(2)]
    assert all(a["Capabilities"] == VIEWER for a in listed["Attendees"])
    tokens = [a["JoinToken"] for a in listed["Attendees"]]
    assert len(set(tokens)) == 3 and all(len(t) > 100 for t in tokens)


def test_create_attendee_defaults_to_send_receive_and_issues_a_fresh_token(
    meetings: Any, emulator: EmulatorServer
) -> None:
    created = meetings.create_attendee(MeetingId=MEETING, ExternalUserId="dana")["Attendee"]
    assert created["Capabilities"] == ALL
    fetched = meetings.get_attendee(MeetingId=MEETING, AttendeeId=created["AttendeeId"])
    assert fetched["Attendee"] == created
    assert created["JoinToken"] in emulator.meetings.issued_join_tokens()
    assert len(set(emulator.meetings.issued_join_tokens())) == 4


def test_external_user_id_is_an_idempotency_token(meetings: Any) -> None:
    first = meetings.create_attendee(MeetingId=MEETING, ExternalUserId="dana", Capabilities=VIEWER)
    again = meetings.create_attendee(MeetingId=MEETING, ExternalUserId="dana", Capabilities=ALL)
    assert again["Attendee"] == first["Attendee"]  # same id, same token, unchanged capabilities
    batch = meetings.batch_create_attendee(
        MeetingId=MEETING, Attendees=[{"ExternalUserId": "dana"}, {"ExternalUserId": user(0)}]
    )
    assert batch["Errors"] == []
    assert batch["Attendees"][0] == first["Attendee"]
    assert batch["Attendees"][1]["Capabilities"] == VIEWER
    assert len(meetings.list_attendees(MeetingId=MEETING)["Attendees"]) == 4


def test_a_seeded_external_user_id_is_held_as_written(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    """The seed keeps white space around an ExternalUserId, as CreateAttendee and AWS do:
    ``dial-in-7 `` is listed so, and is the attendee CreateAttendee answers for it
    (QA-EQ Q-EQ-3)."""
    seed = meeting_seed()
    seed["meetings"][0]["attendees"] = [
        {"external_user_id": "dial-in-7 "},
        {"external_user_id": "dial-in-7"},
    ]
    emulator.reset(seed)
    meetings = meetings_client(boto3_session, emulator.url)
    listed = meetings.list_attendees(MeetingId=MEETING)["Attendees"]
    assert sorted(a["ExternalUserId"] for a in listed) == ["dial-in-7", "dial-in-7 "]
    padded = next(a for a in listed if a["ExternalUserId"] == "dial-in-7 ")
    again = meetings.create_attendee(MeetingId=MEETING, ExternalUserId="dial-in-7 ")
    assert again["Attendee"]["AttendeeId"] == padded["AttendeeId"]
    assert len(meetings.list_attendees(MeetingId=MEETING)["Attendees"]) == 2


def test_a_deleted_attendee_is_gone_and_coming_back_gets_a_new_id_and_token(
    meetings: Any,
) -> None:
    first = meetings.create_attendee(MeetingId=MEETING, ExternalUserId="dana")["Attendee"]
    meetings.delete_attendee(MeetingId=MEETING, AttendeeId=first["AttendeeId"])
    with pytest.raises(meetings.exceptions.NotFoundException):
        meetings.get_attendee(MeetingId=MEETING, AttendeeId=first["AttendeeId"])
    with pytest.raises(meetings.exceptions.NotFoundException):
        meetings.delete_attendee(MeetingId=MEETING, AttendeeId=first["AttendeeId"])
    back = meetings.create_attendee(MeetingId=MEETING, ExternalUserId="dana")["Attendee"]
    assert back["AttendeeId"] != first["AttendeeId"]
    assert back["JoinToken"] != first["JoinToken"]


def test_batch_create_reports_per_item_errors_and_creates_the_rest(raw_meetings: Any) -> None:
    answer = raw_meetings.batch_create_attendee(
        MeetingId=MEETING,
        Attendees=[
            {"ExternalUserId": "erin"},
            {"ExternalUserId": "aws:reserved"},
            {
                "ExternalUserId": "frank",
                "Capabilities": {"Audio": "None", "Video": "Send", "Content": "Receive"},
            },
        ],
    )
    assert [a["ExternalUserId"] for a in answer["Attendees"]] == ["erin"]
    assert answer["Errors"] == [
        {
            "ExternalUserId": "aws:reserved",
            "ErrorCode": "BadRequest",
            "ErrorMessage": "ExternalUserId must not start with the reserved prefix 'aws:'.",
        },
        {
            "ExternalUserId": "frank",
            "ErrorCode": "BadRequest",
            "ErrorMessage": "Invalid capabilities: content Receive needs video SendReceive "
            "or Receive, got video Send.",
        },
    ]
    listed = raw_meetings.list_attendees(MeetingId=MEETING)["Attendees"]
    assert [a["ExternalUserId"] for a in listed] == [user(0), user(1), user(2), "erin"]


@pytest.mark.parametrize(
    ("external", "message"),
    [
        ("x", "Attendees[1].ExternalUserId must be 2 to 64 characters, got 1."),
        ("x" * 65, "Attendees[1].ExternalUserId must be 2 to 64 characters, got 65."),
        (None, "Attendees[1].ExternalUserId is required."),
    ],
)
def test_batch_create_refuses_the_whole_request_for_an_item_the_model_refuses(
    raw_meetings: Any, external: str | None, message: str
) -> None:
    """QA-CX Q-CX-3: the model's shape (required, 2 to 64 characters) is checked on the
    request as a whole: 400, and not even the valid items are created."""
    bad = {} if external is None else {"ExternalUserId": external}
    with pytest.raises(raw_meetings.exceptions.BadRequestException) as info:
        raw_meetings.batch_create_attendee(
            MeetingId=MEETING, Attendees=[{"ExternalUserId": "erin"}, bad]
        )
    assert error_of(info.value)[2] == message
    assert len(raw_meetings.list_attendees(MeetingId=MEETING)["Attendees"]) == 3


@pytest.mark.parametrize(
    ("caps", "message"),
    [
        (
            {"Audio": "Loud", "Video": "None", "Content": "None"},
            "Attendees[1].Capabilities.Audio must be one of SendReceive, Send, Receive, "
            "None, got 'Loud'.",
        ),
        ({"Audio": "None"}, "Attendees[1].Capabilities.Video is required."),
    ],
)
def test_batch_create_refuses_the_whole_request_for_capabilities_the_model_refuses(
    raw_meetings: Any, caps: Any, message: str
) -> None:
    """QA-DO Q-DO-4: the capabilities' enums and required members are the model's shape,
    refused for the whole request as UpdateAttendeeCapabilities refuses them (it answered
    a per-item BadRequest and created the valid items)."""
    bad = {"ExternalUserId": "gina", "Capabilities": caps}
    with pytest.raises(raw_meetings.exceptions.BadRequestException) as info:
        raw_meetings.batch_create_attendee(
            MeetingId=MEETING, Attendees=[{"ExternalUserId": "erin"}, bad]
        )
    assert error_of(info.value)[2] == message
    assert len(raw_meetings.list_attendees(MeetingId=MEETING)["Attendees"]) == 3


@pytest.mark.parametrize("size", [0, 101])
def test_batch_create_takes_1_to_100_attendees(raw_meetings: Any, size: int) -> None:
    items = [{"ExternalUserId": f"guest-{i}"} for i in range(size)]
    with pytest.raises(raw_meetings.exceptions.BadRequestException) as info:
        raw_meetings.batch_create_attendee(MeetingId=MEETING, Attendees=items)
    assert error_of(info.value)[2] == f"Attendees has {size} items; 1 to 100 are allowed."
    assert len(raw_meetings.list_attendees(MeetingId=MEETING)["Attendees"]) == 3


@pytest.mark.parametrize(("audio", "video", "content"), list(itertools.product(VALUES, repeat=3)))
def test_capability_rule_content_receiving_needs_video_receiving(
    meetings: Any, audio: str, video: str, content: str
) -> None:
    attendee = meetings.list_attendees(MeetingId=MEETING)["Attendees"][0]
    caps = {"Audio": audio, "Video": video, "Content": content}
    valid = content not in ("SendReceive", "Receive") or video in ("SendReceive", "Receive")
    if valid:
        updated = meetings.update_attendee_capabilities(
            MeetingId=MEETING, AttendeeId=attendee["AttendeeId"], Capabilities=caps
        )["Attendee"]
        assert updated["Capabilities"] == caps
        assert updated["JoinToken"] == attendee["JoinToken"]
    else:
        with pytest.raises(meetings.exceptions.BadRequestException):
            meetings.update_attendee_capabilities(
                MeetingId=MEETING, AttendeeId=attendee["AttendeeId"], Capabilities=caps
            )
        with pytest.raises(meetings.exceptions.BadRequestException):
            meetings.create_attendee(MeetingId=MEETING, ExternalUserId="zed", Capabilities=caps)
        after = meetings.get_attendee(MeetingId=MEETING, AttendeeId=attendee["AttendeeId"])
        assert after["Attendee"]["Capabilities"] == VIEWER


def test_batch_update_except_changes_everyone_but_the_excluded(meetings: Any) -> None:
    ids = [a["AttendeeId"] for a in meetings.list_attendees(MeetingId=MEETING)["Attendees"]]
    muted = {"Audio": "Receive", "Video": "None", "Content": "None"}
    answer = meetings.batch_update_attendee_capabilities_except(
        MeetingId=MEETING, ExcludedAttendeeIds=[{"AttendeeId": ids[1]}], Capabilities=muted
    )
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    listed = meetings.list_attendees(MeetingId=MEETING)["Attendees"]
    assert [a["Capabilities"] for a in listed] == [muted, VIEWER, muted]
    bad = {"Audio": "None", "Video": "None", "Content": "SendReceive"}
    with pytest.raises(meetings.exceptions.BadRequestException):
        meetings.batch_update_attendee_capabilities_except(
            MeetingId=MEETING, ExcludedAttendeeIds=[{"AttendeeId": ids[1]}], Capabilities=bad
        )
    assert meetings.list_attendees(MeetingId=MEETING)["Attendees"] == listed


def test_batch_update_except_takes_1_to_250_excluded_ids(raw_meetings: Any) -> None:
    for excluded in ([], [{"AttendeeId": ABSENT}] * 251):
        with pytest.raises(raw_meetings.exceptions.BadRequestException):
            raw_meetings.batch_update_attendee_capabilities_except(
                MeetingId=MEETING, ExcludedAttendeeIds=excluded, Capabilities=ALL
            )


def test_list_attendees_pages_by_100_with_next_tokens(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=250))
    client = meetings_client(boto3_session, emulator.url)
    pages, token, kwargs = [], None, {}
    while True:
        page = client.list_attendees(MeetingId=MEETING, **kwargs)
        pages.append(len(page["Attendees"]))
        token = page.get("NextToken")
        if token is None:
            break
        kwargs = {"NextToken": token}
    assert pages == [100, 100, 50]
    small = client.list_attendees(MeetingId=MEETING, MaxResults=1)
    assert [a["ExternalUserId"] for a in small["Attendees"]] == [user(0)]
    with pytest.raises(client.exceptions.BadRequestException) as info:
        client.list_attendees(MeetingId=OTHER, NextToken=small["NextToken"])
    assert error_of(info.value)[2] == "The NextToken is invalid or belongs to another listing."


@pytest.mark.parametrize("size", ["0", "101", "many"])
def test_list_attendees_max_results_out_of_range_is_a_bad_request(
    emulator: EmulatorServer, size: str
) -> None:
    emulator.reset(meeting_seed(attendees=1))
    status, headers, body = request(
        emulator.url, "GET", f"/meetings/{MEETING}/attendees?max-results={size}"
    )
    assert (status, headers["x-amzn-errortype"], body["Code"]) == (
        400,
        "BadRequestException",
        "BadRequest",
    )


def test_a_meeting_holds_at_most_250_attendees(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=248))
    client = meetings_client(boto3_session, emulator.url)
    answer = client.batch_create_attendee(
        MeetingId=MEETING,
        Attendees=[{"ExternalUserId": name} for name in ("ann", "ben", "cal", user(0))],
    )
    assert [a["ExternalUserId"] for a in answer["Attendees"]] == ["ann", "ben", user(0)]
    assert answer["Errors"] == [
        {
            "ExternalUserId": "cal",
            "ErrorCode": "LimitExceeded",
            "ErrorMessage": f"The meeting {MEETING} already has the maximum of 250 attendees.",
        }
    ]
    with pytest.raises(client.exceptions.LimitExceededException) as info:
        client.create_attendee(MeetingId=MEETING, ExternalUserId="cal")
    assert error_of(info.value)[:2] == (400, "LimitExceededException")
    # The idempotency token still answers at the limit: nothing new is created.
    again = client.create_attendee(MeetingId=MEETING, ExternalUserId="ann")["Attendee"]
    assert again == answer["Attendees"][0]


def test_an_ended_meeting_is_not_found_for_every_operation(
    meetings: Any, emulator: EmulatorServer
) -> None:
    attendee = meetings.list_attendees(MeetingId=MEETING)["Attendees"][0]["AttendeeId"]
    status, _, body = request(emulator.url, "POST", f"/_emulator/meetings/{MEETING}/end")
    assert (status, body) == (200, {"MeetingId": MEETING, "status": "ended"})
    calls = [
        lambda: meetings.get_meeting(MeetingId=MEETING),
        lambda: meetings.list_attendees(MeetingId=MEETING),
        lambda: meetings.create_attendee(MeetingId=MEETING, ExternalUserId="dana"),
        lambda: meetings.batch_create_attendee(
            MeetingId=MEETING, Attendees=[{"ExternalUserId": "dana"}]
        ),
        lambda: meetings.get_attendee(MeetingId=MEETING, AttendeeId=attendee),
        lambda: meetings.delete_attendee(MeetingId=MEETING, AttendeeId=attendee),
        lambda: meetings.update_attendee_capabilities(
            MeetingId=MEETING, AttendeeId=attendee, Capabilities=ALL
        ),
        lambda: meetings.batch_update_attendee_capabilities_except(
            MeetingId=MEETING, ExcludedAttendeeIds=[{"AttendeeId": attendee}], Capabilities=ALL
        ),
        lambda: meetings.delete_meeting(MeetingId=MEETING),
    ]
    for call in calls:
        with pytest.raises(meetings.exceptions.NotFoundException) as info:
            call()
        assert error_of(info.value) == (
            404,
            "NotFoundException",
            f"The meeting {MEETING} is not found.",
        )
    assert meetings.get_meeting(MeetingId=OTHER)["Meeting"]["MeetingId"] == OTHER
    assert emulator.state()["meetings"][0]["ended"] is True


def test_delete_meeting_ends_it(meetings: Any) -> None:
    answer = meetings.delete_meeting(MeetingId=MEETING)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(meetings.exceptions.NotFoundException):
        meetings.list_attendees(MeetingId=MEETING)


def test_a_meeting_seeded_as_ended_is_not_found(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=2, ended=True))
    client = meetings_client(boto3_session, emulator.url)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_meeting(MeetingId=MEETING)
    emulator.meetings.end_meeting(OTHER)
    with pytest.raises(client.exceptions.NotFoundException):
        client.get_meeting(MeetingId=OTHER)


def test_an_external_user_id_outside_awss_pattern_is_refused(
    meetings: Any, raw_meetings: Any
) -> None:
    """QA-G Q-G-1: AWS's API reference gives ExternalUserId the pattern
    [-_&@+=,(){}\\[\\]\\/«».:|'"#a-zA-Z0-9À-ÿ\\s]* (botocore does not check it): a legal
    e-mail address such as o~neil@example.com is refused, as AWS refuses it."""
    with pytest.raises(meetings.exceptions.BadRequestException, match="'~' is not allowed"):
        meetings.create_attendee(MeetingId=MEETING, ExternalUserId="o~neil@example.com")
    answer = raw_meetings.batch_create_attendee(
        MeetingId=MEETING,
        Attendees=[{"ExternalUserId": "łukasz@example.com"}, {"ExternalUserId": "Ünal (ops)"}],
    )
    assert [a["ExternalUserId"] for a in answer["Attendees"]] == ["Ünal (ops)"]
    assert [(e["ExternalUserId"], e["ErrorCode"]) for e in answer["Errors"]] == [
        ("łukasz@example.com", "BadRequest")
    ]


def test_a_meeting_answers_only_in_the_control_region_that_created_it(
    emulator: EmulatorServer,
) -> None:
    """AWS updates a meeting only in the control region used to create it, and each control
    region operates independently: signed for another region, every call about the meeting
    is NotFound, as for a meeting that never existed. ``region:`` seeds it (default
    us-east-1); an unsigned call is not checked."""
    seed = meeting_seed(attendees=2)
    seed["meetings"][0]["region"] = "eu-central-1"
    emulator.reset(seed)

    def client(region: str) -> Any:
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
        )
        return meetings_client(session, emulator.url)

    frankfurt, virginia = client("eu-central-1"), client("us-east-1")
    assert len(frankfurt.list_attendees(MeetingId=MEETING)["Attendees"]) == 2
    for call in (
        lambda: virginia.list_attendees(MeetingId=MEETING),
        lambda: virginia.get_meeting(MeetingId=MEETING),
        lambda: virginia.create_attendee(MeetingId=MEETING, ExternalUserId="zed@example.com"),
    ):
        with pytest.raises(virginia.exceptions.NotFoundException) as found:
            call()
        assert error_of(found.value) == (
            404,
            "NotFoundException",
            f"The meeting {MEETING} is not found.",
        )
    assert len(frankfurt.list_attendees(MeetingId=MEETING)["Attendees"]) == 2  # nothing created
    # a meeting seeded without region: is us-east-1's
    emulator.reset(meeting_seed(attendees=1))
    assert len(virginia.list_attendees(MeetingId=MEETING)["Attendees"]) == 1
    with pytest.raises(frankfurt.exceptions.NotFoundException):
        frankfurt.list_attendees(MeetingId=MEETING)
    assert emulator.state()["meetings"][0]["region"] == "us-east-1"


def test_a_seeded_attendee_of_awss_own_is_listed_and_no_caller_can_create_one(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    """AWS adds ``aws:MediaPipeline-...`` itself (a media pipeline; Q-EC-1): the seed holds
    it, ListAttendees lists it, CreateAttendee refuses the prefix to a caller."""
    doc = meeting_seed(attendees=1)
    pipeline = {"external_user_id": "aws:MediaPipeline-4ae1f"}
    doc["meetings"][0]["attendees"].append(pipeline)
    emulator.reset(doc)
    client = meetings_client(boto3_session, emulator.url)
    listed = client.list_attendees(MeetingId=MEETING)["Attendees"]
    assert "aws:MediaPipeline-4ae1f" in [a["ExternalUserId"] for a in listed]
    with pytest.raises(client.exceptions.BadRequestException) as info:
        client.create_attendee(MeetingId=MEETING, ExternalUserId="aws:MediaPipeline-9")
    assert "reserved prefix 'aws:'" in str(info.value)
