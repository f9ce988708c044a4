"""QA-Q Q-Q-1: a seeded meeting's ``features`` (the ``MeetingFeatures`` AWS created it
with) bound its attendees as AWS documents: ``Attendee.MaxCount`` attendees at most, and no
video or content capability other than None where that medium is turned off (400)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from meetings_seeds import ALL, MEETING, OTHER, error_of, meetings_client, user

from reconciler.emulator import EmulatorServer, SeedError, load_seed, parse_seed

AUDIO_ONLY = {"Audio": "SendReceive", "Video": "None", "Content": "None"}
VIDEO_ONLY = {"Audio": "SendReceive", "Video": "SendReceive", "Content": "None"}


def seed(features: dict[str, Any] | None, attendees: int = 0) -> dict[str, Any]:
    meeting: dict[str, Any] = {
        "id": MEETING,
        "external_meeting_id": "incident-42",
        "attendees": [
            {
                "external_user_id": user(i),
                "capabilities": {"audio": "SendReceive", "video": "None", "content": "None"},
            }
            for i in range(attendees)
        ],
    }
    if features is not None:
        meeting["features"] = features
    return {"meetings": [meeting, {"id": OTHER, "external_meeting_id": "standup"}]}


def client_for(boto3_session: boto3.session.Session, emulator: EmulatorServer, doc: Any) -> Any:
    emulator.reset(doc)
    return meetings_client(boto3_session, emulator.url)


def test_get_meeting_reports_the_seeded_features_only(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    features = {
        "attendee": {"max_count": 50},
        "video": {"max_resolution": "None"},
        "content": {"max_resolution": "None"},
    }
    client = client_for(boto3_session, emulator, seed(features))
    assert client.get_meeting(MeetingId=MEETING)["Meeting"]["MeetingFeatures"] == {
        "Attendee": {"MaxCount": 50},
        "Video": {"MaxResolution": "None"},
        "Content": {"MaxResolution": "None"},
    }
    # Q-CH-3: what the meeting was created with, no MaxCount it was not given
    assert "MeetingFeatures" not in client.get_meeting(MeetingId=OTHER)["Meeting"]
    # FHD video without a MaxCount: the model's note lowers the maximum to 25, which
    # GetMeeting does not state (the tool derives it)
    client = client_for(boto3_session, emulator, seed({"video": {"max_resolution": "FHD"}}))
    assert client.get_meeting(MeetingId=MEETING)["Meeting"]["MeetingFeatures"] == {
        "Video": {"MaxResolution": "FHD"},
    }
    assert emulator.state()["meetings"][0]["features"] == {"video": {"max_resolution": "FHD"}}
    assert "features" not in emulator.state()["meetings"][1]


def test_a_meeting_capped_at_max_count_refuses_the_next_attendee(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    client = client_for(boto3_session, emulator, seed({"attendee": {"max_count": 3}}, 1))
    answer = client.batch_create_attendee(
        MeetingId=MEETING,
        Attendees=[{"ExternalUserId": name, "Capabilities": ALL} for name in ("ann", "ben", "cal")],
    )
    assert [a["ExternalUserId"] for a in answer["Attendees"]] == ["ann", "ben"]
    assert answer["Errors"] == [
        {
            "ExternalUserId": "cal",
            "ErrorCode": "LimitExceeded",
            "ErrorMessage": f"The meeting {MEETING} already has the maximum of 3 attendees.",
        }
    ]
    with pytest.raises(client.exceptions.LimitExceededException) as info:
        client.create_attendee(MeetingId=MEETING, ExternalUserId="cal", Capabilities=ALL)
    assert error_of(info.value)[:2] == (400, "LimitExceededException")
    # the other meeting, without features, still takes them
    client.create_attendee(MeetingId=OTHER, ExternalUserId="cal", Capabilities=ALL)


def test_video_or_content_turned_off_refuses_any_capability_but_none(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    features = {"video": {"max_resolution": "None"}, "content": {"max_resolution": "None"}}
    client = client_for(boto3_session, emulator, seed(features, 1))
    with pytest.raises(client.exceptions.BadRequestException) as info:
        client.create_attendee(MeetingId=MEETING, ExternalUserId="ann", Capabilities=ALL)
    assert error_of(info.value) == (
        400,
        "BadRequestException",
        "Invalid capabilities: Video SendReceive is not allowed: the meeting was created "
        "with MeetingFeatures Video MaxResolution None.",
    )
    answer = client.batch_create_attendee(
        MeetingId=MEETING,
        Attendees=[
            {"ExternalUserId": "ben", "Capabilities": AUDIO_ONLY},
            {"ExternalUserId": "cal", "Capabilities": {**AUDIO_ONLY, "Video": "Receive"}},
            {"ExternalUserId": "dan"},  # no capabilities: what the meeting allows
        ],
    )
    assert {a["ExternalUserId"]: a["Capabilities"] for a in answer["Attendees"]} == {
        "ben": AUDIO_ONLY,
        "dan": AUDIO_ONLY,
    }
    assert [(e["ExternalUserId"], e["ErrorCode"]) for e in answer["Errors"]] == [
        ("cal", "BadRequest")
    ]
    ben = answer["Attendees"][0]["AttendeeId"]
    with pytest.raises(client.exceptions.BadRequestException):
        client.update_attendee_capabilities(
            MeetingId=MEETING, AttendeeId=ben, Capabilities={**AUDIO_ONLY, "Content": "Send"}
        )
    with pytest.raises(client.exceptions.BadRequestException):
        client.batch_update_attendee_capabilities_except(
            MeetingId=MEETING, ExcludedAttendeeIds=[{"AttendeeId": ben}], Capabilities=VIDEO_ONLY
        )
    client.update_attendee_capabilities(
        MeetingId=MEETING, AttendeeId=ben, Capabilities={**AUDIO_ONLY, "Audio": "Receive"}
    )
    assert emulator.meetings.attendees_of(MEETING)["ben"].audio == "Receive"


def test_content_off_alone_allows_video(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    client = client_for(boto3_session, emulator, seed({"content": {"max_resolution": "None"}}))
    created = client.create_attendee(
        MeetingId=MEETING, ExternalUserId="ann", Capabilities=VIDEO_ONLY
    )
    assert created["Attendee"]["Capabilities"] == VIDEO_ONLY
    with pytest.raises(client.exceptions.BadRequestException):
        client.create_attendee(MeetingId=MEETING, ExternalUserId="ben", Capabilities=ALL)


def test_video_off_content_on_gives_the_documented_default_to_an_attendee_without_any(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    # Q-CH-4: AWS documents video Receive, content SendReceive ("content SendReceive
    # requires video to be at least Receive"); the emulator gave video None, content Send
    documented = {"Audio": "SendReceive", "Video": "Receive", "Content": "SendReceive"}
    features = {"video": {"max_resolution": "None"}, "content": {"max_resolution": "FHD"}}
    client = client_for(boto3_session, emulator, seed(features))
    created = client.create_attendee(MeetingId=MEETING, ExternalUserId="ann")
    assert created["Attendee"]["Capabilities"] == documented
    answer = client.batch_create_attendee(MeetingId=MEETING, Attendees=[{"ExternalUserId": "ben"}])
    assert answer["Attendees"][0]["Capabilities"] == documented
    # a request that names video Receive is still refused, as documented
    with pytest.raises(client.exceptions.BadRequestException):
        client.create_attendee(MeetingId=MEETING, ExternalUserId="cal", Capabilities=documented)


@pytest.mark.parametrize(
    ("features", "message"),
    [
        (
            {"attendee": {"max_count": 0}},
            "meetings[0].features.attendee.max_count: must be 1 to 250 (the model), got the "
            "number 0",
        ),
        (
            {"attendee": {"max_count": "50"}},
            "meetings[0].features.attendee.max_count: expected an integer, got '50'",
        ),
        (
            {"video": {"max_resolution": "UHD"}},
            "meetings[0].features.video.max_resolution: expected one of None, HD, FHD, got 'UHD'",
        ),
        (
            {"audio": {"echo_reduction": "AVAILABLE"}},
            "meetings[0].features.audio: unknown key 'audio' "
            "(expected one of: attendee, video, content)",
        ),
    ],
)
def test_seed_features_are_checked(features: dict[str, Any], message: str) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed(seed(features))
    assert str(info.value) == f"<seed>: {message}"


def test_seeded_attendees_must_fit_the_features(tmp_path: Path) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed(seed({"attendee": {"max_count": 2}}, 3))
    assert str(info.value) == (
        "<seed>: meetings[0].attendees: 3 attendees; this meeting takes at most 2"
    )
    doc = seed({"video": {"max_resolution": "None"}}, 1)
    doc["meetings"][0]["attendees"][0]["capabilities"]["video"] = "Receive"
    with pytest.raises(SeedError) as info:
        parse_seed(doc)
    assert "meetings[0].attendees[0].capabilities: Video Receive is not allowed" in str(info.value)
    # YAML's bare None is the text "None": the enum value, as AWS spells it
    path = tmp_path / "seed.yaml"
    path.write_text(
        f"meetings:\n  - id: {MEETING}\n    external_meeting_id: bridge\n"
        "    features:\n      video: {max_resolution: None}\n"
    )
    assert parse_seed(load_seed(path)).meetings[0].features.video == "None"


@pytest.mark.parametrize(
    ("features", "held"),
    [
        (None, ALL),
        ({"video": {"max_resolution": "None"}, "content": {"max_resolution": "None"}}, AUDIO_ONLY),
        ({"content": {"max_resolution": "None"}}, VIDEO_ONLY),
        (
            {"video": {"max_resolution": "None"}, "content": {"max_resolution": "FHD"}},
            {"Audio": "SendReceive", "Video": "Receive", "Content": "SendReceive"},
        ),
    ],
)
def test_a_seeded_attendee_without_capabilities_holds_what_create_attendee_gives_there(
    boto3_session: boto3.session.Session,
    emulator: EmulatorServer,
    features: dict[str, Any] | None,
    held: dict[str, str],
) -> None:
    """QA-FE Q-FE-5: it was all SendReceive, a seed error in a meeting with video off
    ("capabilities: Video SendReceive is not allowed", of capabilities not given); and AWS's
    documented default there (video Receive, content SendReceive) may be stated too."""
    doc = seed(features)
    doc["meetings"][0]["attendees"] = [
        {"external_user_id": "joined"},
        {"external_user_id": "stated", "capabilities": {k.lower(): v for k, v in held.items()}},
    ]
    client = client_for(boto3_session, emulator, doc)
    listed = client.list_attendees(MeetingId=MEETING)["Attendees"]
    assert {a["ExternalUserId"]: a["Capabilities"] for a in listed} == {
        "joined": held,
        "stated": held,
    }
    assert (
        client.create_attendee(MeetingId=MEETING, ExternalUserId="new")["Attendee"]["Capabilities"]
        == held
    )


def test_a_seed_naming_video_off_capabilities_other_than_the_default_is_still_refused() -> None:
    doc = seed({"video": {"max_resolution": "None"}, "content": {"max_resolution": "FHD"}}, 1)
    doc["meetings"][0]["attendees"][0]["capabilities"] = {
        "audio": "SendReceive",
        "video": "Receive",
        "content": "Receive",
    }
    with pytest.raises(SeedError) as info:
        parse_seed(doc)
    assert str(info.value) == (
        "<seed>: meetings[0].attendees[0].capabilities: Video Receive is not allowed: the "
        "meeting was created with MeetingFeatures Video MaxResolution None"
    )
