"""The ``chime-sdk-meetings`` emulator against its botocore model (status codes, members,
error shapes), its faults and quotas, its admin API and its seed section."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
from emulator_http import request
from meetings_seeds import ALL, MEETING, OTHER, error_of, meeting_seed, meetings_client, user
from test_emulator_model import undeclared_members

from reconciler.emulator import EmulatorServer, SeedError, errors, load_seed, parse_seed
from reconciler.emulator.meetings import errors as meeting_errors
from reconciler.emulator.meetings.models import ATTENDEES_PAGE
from reconciler.emulator.quotas import Quota, QuotaBuckets
from reconciler.emulator.responses import Request

MODEL = (
    boto3.session.Session().client("chime-sdk-meetings", region_name="us-east-1").meta.service_model
)
ATTENDEE = "/meetings/" + MEETING + "/attendees"


def test_list_attendees_page_limit_is_the_models() -> None:
    shape = MODEL.operation_model("ListAttendees").input_shape.members["MaxResults"]
    assert (ATTENDEES_PAGE.minimum, ATTENDEES_PAGE.maximum) == (1, 100)
    assert (shape.metadata["min"], shape.metadata["max"]) == (1, 100)


@pytest.mark.parametrize(
    "error",
    [
        meeting_errors.ThrottlingError,
        meeting_errors.LimitExceededError,
        meeting_errors.UnprocessableEntityError,
        meeting_errors.UnauthorizedError,
        errors.BadRequestError,
        errors.ForbiddenError,
        errors.NotFoundError,
        errors.ConflictError,
        errors.ServiceFailureError,
        errors.ServiceUnavailableError,
    ],
    ids=lambda e: e.name,
)
def test_error_classes_match_the_meetings_models_error_shapes(
    error: type[errors.ChimeError],
) -> None:
    shape = MODEL.shape_for(error.name)
    assert shape.metadata["error"]["httpStatusCode"] == error.status


def first_attendee(emulator: EmulatorServer) -> str:
    return str(emulator.state()["meetings"][0]["attendees"][0]["id"])


CALLS: list[tuple[str, str, str, Any]] = [
    ("GetMeeting", "GET", f"/meetings/{MEETING}", None),
    ("ListAttendees", "GET", ATTENDEE + "?max-results=1", None),
    ("CreateAttendee", "POST", ATTENDEE, {"ExternalUserId": "dana"}),
    (
        "BatchCreateAttendee",
        "POST",
        ATTENDEE + "?operation=batch-create",
        {"Attendees": [{"ExternalUserId": "dana"}, {"ExternalUserId": "aws:x"}]},
    ),
    ("GetAttendee", "GET", ATTENDEE + "/{a}", None),
    ("UpdateAttendeeCapabilities", "PUT", ATTENDEE + "/{a}/capabilities", {"Capabilities": ALL}),
    (
        "BatchUpdateAttendeeCapabilitiesExcept",
        "PUT",
        ATTENDEE + "/capabilities?operation=batch-update-except",
        {"ExcludedAttendeeIds": [{"AttendeeId": "{a}"}], "Capabilities": ALL},
    ),
    ("DeleteAttendee", "DELETE", ATTENDEE + "/{a}", None),
    ("DeleteMeeting", "DELETE", f"/meetings/{MEETING}", None),
]


@pytest.mark.parametrize(("operation", "method", "path", "body"), CALLS, ids=lambda c: str(c))
def test_responses_use_the_models_status_and_member_names(
    emulator: EmulatorServer, operation: str, method: str, path: str, body: Any
) -> None:
    emulator.reset(meeting_seed(attendees=2))
    attendee = first_attendee(emulator)
    data = json.dumps(body).replace("{a}", attendee).encode() if body else b""
    response = emulator.app.handle(method, path.replace("{a}", attendee), data)
    op = MODEL.operation_model(operation)
    assert response.status == op.http.get("responseCode", 200), response.body
    if response.body:
        payload = json.loads(response.body)
        assert undeclared_members(payload, op.output_shape, operation) == []
    assert emulator.calls() == {operation: 1}


def test_injected_throttling_is_this_services_throttling_exception(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=1))
    client = meetings_client(boto3_session, emulator.url)
    emulator.set_faults(throttle_rate=1.0)
    with pytest.raises(client.exceptions.ThrottlingException) as info:
        client.get_meeting(MeetingId=MEETING)
    assert error_of(info.value) == (429, "ThrottlingException", "Rate exceeded.")
    assert emulator.calls() == {"GetMeeting": 1, "Throttled": 1}
    emulator.set_faults(error_rate=1.0)
    with pytest.raises(client.exceptions.ClientError) as failed:
        client.list_attendees(MeetingId=MEETING)
    assert error_of(failed.value)[0] in (500, 503)


def test_injected_item_errors_fail_batch_items_that_are_not_applied(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed())
    client = meetings_client(boto3_session, emulator.url)
    emulator.set_faults(item_error_rate=0.5, seed=3)
    items = [{"ExternalUserId": user(i)} for i in range(40)]
    answer = client.batch_create_attendee(MeetingId=MEETING, Attendees=items)
    failed = [e["ExternalUserId"] for e in answer["Errors"]]
    assert 8 <= len(failed) <= 32
    assert {e["ErrorCode"] for e in answer["Errors"]} == {"Throttling"}
    assert set(emulator.meetings.attendees_of(MEETING)) == {user(i) for i in range(40)} - set(
        failed
    )


def test_quotas_allow_10_requests_a_second_per_operation(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=1))
    client = meetings_client(boto3_session, emulator.url)
    now = [100.0]
    emulator.app.quotas = QuotaBuckets(clock=lambda: now[0])  # time stands still

    def outcomes(call: Any, times: int) -> list[str]:
        found = []
        for _ in range(times):
            try:
                call(MeetingId=MEETING)
                found.append("ok")
            except client.exceptions.ThrottlingException as exc:
                found.append(error_of(exc)[2])
        return found

    assert outcomes(client.get_meeting, 15) == ["ok"] * 15  # no quotas: nothing throttled
    assert request(emulator.url, "POST", "/_emulator/faults", {"quotas": True})[0] == 200
    refused = "Rate exceeded: more than 10 requests per second per operation (GetMeeting)."
    assert outcomes(client.get_meeting, 12) == ["ok"] * 10 + [refused] * 2
    assert outcomes(client.list_attendees, 10) == ["ok"] * 10  # its own bucket
    now[0] += 0.25  # 2.5 tokens come back
    assert outcomes(client.get_meeting, 3) == ["ok", "ok", refused]
    assert emulator.calls() == {
        "GetMeeting": 30,
        "ListAttendees": 10,
        "Throttled": 3,
    }


def test_quotas_in_real_time_throttle_a_burst_and_recover(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=1))
    client = meetings_client(boto3_session, emulator.url)
    emulator.set_faults(quotas=True)
    answered = 0
    started = time.monotonic()
    for _ in range(100):  # a burst, until the first 429 (10 per second: 10 s for 100)
        try:
            client.get_meeting(MeetingId=MEETING)
        except client.exceptions.ThrottlingException:
            break
        answered += 1
    else:
        pytest.fail("100 calls, none throttled")
    took = time.monotonic() - started
    # the bucket's 10, and those it refilled while the burst ran (a loaded machine's burst
    # is slower): not one call more
    assert 10 <= answered <= 10 + 10 * took, (answered, took)
    time.sleep(0.2)
    client.get_meeting(MeetingId=MEETING)


def test_a_call_takes_a_token_from_every_quota_it_names_or_from_none() -> None:
    now = [0.0]
    buckets = QuotaBuckets(clock=lambda: now[0])
    req = Request("GET", "/", {"Channel": "c1"}, {}, {})
    per_channel = Quota(1.0, key=lambda op, r: r.params["Channel"], label="channel")
    both = (Quota(2.0), per_channel)
    assert buckets.refused(both, "Op", req) is None
    assert buckets.refused(both, "Op", req) == (per_channel, "c1")
    assert buckets.refused((Quota(2.0),), "Op", req) is None  # the refused call took nothing
    assert buckets.refused((Quota(2.0),), "Op", req) is not None


def test_bad_quota_setting_is_refused(emulator: EmulatorServer) -> None:
    status, _, body = request(emulator.url, "POST", "/_emulator/faults", {"quotas": "yes"})
    assert (status, body["Message"]) == (400, "quotas must be true or false, got 'yes'")


def test_admin_join_tokens_lists_every_token_ever_issued(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=2))
    client = meetings_client(boto3_session, emulator.url)
    seeded = [a["JoinToken"] for a in client.list_attendees(MeetingId=MEETING)["Attendees"]]
    created = client.create_attendee(MeetingId=MEETING, ExternalUserId="dana")["Attendee"]
    client.delete_attendee(MeetingId=MEETING, AttendeeId=created["AttendeeId"])
    status, _, body = request(emulator.url, "GET", "/_emulator/meetings/join-tokens")
    assert status == 200
    assert body == {"JoinTokens": [*seeded, created["JoinToken"]]}


def test_admin_end_of_an_unknown_meeting_is_a_404(emulator: EmulatorServer) -> None:
    status, _, body = request(emulator.url, "POST", f"/_emulator/meetings/{OTHER}/end")
    assert (status, body["Code"]) == (404, "NotFound")
    status, _, _ = request(emulator.url, "POST", "/_emulator/meetings/whatever/restart")
    assert status == 404


def test_state_has_meetings_without_tokens_and_reset_restores_it(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> None:
    emulator.reset(meeting_seed(attendees=2))
    client = meetings_client(boto3_session, emulator.url)
    client.create_attendee(MeetingId=OTHER, ExternalUserId="dana", Capabilities=ALL)
    status, _, state = request(emulator.url, "GET", "/_emulator/state")
    assert status == 200
    assert state["meetings"][1]["attendees"] == [
        {
            "id": state["meetings"][1]["attendees"][0]["id"],
            "external_user_id": "dana",
            "capabilities": dict.fromkeys(("audio", "video", "content"), "SendReceive"),
        }
    ]
    assert "JoinToken" not in json.dumps(state) and "join_token" not in json.dumps(state)
    assert request(emulator.url, "POST", "/_emulator/reset", state)[0] == 200
    assert emulator.state() == state


def test_seeded_ids_are_derived_when_not_given_and_stable() -> None:
    attendees = [{"external_user_id": "ab"}]
    doc = {"meetings": [{"external_meeting_id": "standup", "attendees": attendees}] * 2}
    first, second = parse_seed(doc), parse_seed(doc)
    assert first == second
    meeting, again = first.meetings
    assert len(meeting.id) == 36 and meeting.attendees[0].capabilities.audio == "SendReceive"
    assert again.id != meeting.id  # ExternalMeetingIds need not be unique
    assert again.attendees[0].id != meeting.attendees[0].id


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "meetings:\n  - id: incident-42\n    external_meeting_id: x42\n",
            ":2: meetings[0].id: expected a UUID (the model's id pattern), got 'incident-42'",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    attendees:\n"
            "      - external_user_id: ab\n        capabilities: {audio: None, video: None,"
            " content: Receive}\n",
            ":5: meetings[0].attendees[0].capabilities: content Receive needs video "
            "SendReceive or Receive, got video None",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    attendees:\n"
            "      - external_user_id: ab\n        capabilities: {audio: Receive}\n",
            ":5: meetings[0].attendees[0].capabilities: missing required key 'video'",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    attendees:\n"
            "      - external_user_id: ab\n        capabilities: {audio: Loud, video: None,"
            " content: None}\n",
            ":5: meetings[0].attendees[0].capabilities.audio: audio must be one of "
            "SendReceive, Send, Receive, None, got 'Loud'",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    attendees:\n"
            "      - {external_user_id: ab}\n      - {external_user_id: ab}\n",
            ":5: meetings[0].attendees[1].external_user_id: duplicate external_user_id 'ab' "
            "(also at meetings[0].attendees[0])",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    attendees:\n"
            "      - {external_user_id: 'aws:b~t'}\n",
            ":4: meetings[0].attendees[0].external_user_id: external_user_id must match the "
            "pattern",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    ended: maybe\n",
            ":3: meetings[0].ended: expected true or false, got 'maybe'",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    host: me\n",
            ":3: meetings[0].host: unknown key 'host' (expected one of: id, "
            "external_meeting_id, ended, features, attendees, region)",
        ),
        (
            "meetings:\n  - external_meeting_id: x42\n    region: Frankfurt\n",
            ":3: meetings[0].region: expected a region such as us-east-1, got 'Frankfurt'",
        ),
        (
            "meetings:\n  - {id: 6f1c2a9e-0000-4000-8000-000000000001}\n",
            ":2: meetings[0]: missing required key 'external_meeting_id'",
        ),
    ],
)
def test_meeting_seed_errors_name_file_line_and_path(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value).startswith(f"{path}{message}")


def test_a_meeting_is_seeded_with_at_most_250_attendees() -> None:
    doc = meeting_seed(attendees=251)
    with pytest.raises(SeedError) as info:
        parse_seed(doc)
    assert str(info.value) == (
        "<seed>: meetings[0].attendees: 251 attendees; this meeting takes at most 250"
    )
