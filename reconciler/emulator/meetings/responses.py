"""``chime-sdk-meetings`` parameters in, serialisation out: one handler per operation.

Status codes and member names from the botocore model: GetMeeting, ListAttendees,
CreateAttendee, BatchCreateAttendee, GetAttendee, UpdateAttendeeCapabilities and
BatchUpdateAttendeeCapabilitiesExcept answer 200; DeleteAttendee and DeleteMeeting 204.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reconciler.capabilities import Capabilities, from_api
from reconciler.emulator.errors import BadRequestError
from reconciler.emulator.faults import Decision
from reconciler.emulator.meetings.models import MeetingsBackend
from reconciler.emulator.meetings.records import Attendee, Meeting
from reconciler.emulator.models import AWS_ACCOUNT_ID
from reconciler.emulator.responses import Reply, Request
from reconciler.external_ids import MAX_LENGTH, MIN_LENGTH

# -- serialisation -------------------------------------------------------------------------


def meeting_json(m: Meeting) -> dict[str, Any]:
    host = f"{m.id[:8]}.k.m3.ue1.app.chime.aws"
    doc: dict[str, Any] = {
        "MeetingId": m.id,
        "ExternalMeetingId": m.external_meeting_id,
        "MediaRegion": m.media_region,
        "MediaPlacement": {
            "AudioHostUrl": f"{host}:3478",
            "AudioFallbackUrl": f"wss://haxrp.m3.ue1.app.chime.aws:443/calls/{m.id}",
            "SignalingUrl": f"wss://signal.m3.ue1.app.chime.aws/control/{m.id}",
            "TurnControlUrl": "https://2713.cell.us-east-1.meetings.chime.aws/v2/turn_sessions",
            "EventIngestionUrl": "https://data.svc.ue1.ingest.chime.aws/v1/client-events",
        },
        "MeetingArn": f"arn:aws:chime:{m.media_region}:{AWS_ACCOUNT_ID}:meeting/{m.id}",
    }
    features = m.features.to_api()
    if features:  # only a meeting created with MeetingFeatures has them
        doc["MeetingFeatures"] = features
    return doc


def attendee_json(a: Attendee) -> dict[str, Any]:
    return {
        "ExternalUserId": a.external_user_id,
        "AttendeeId": a.id,
        "JoinToken": a.join_token,
        "Capabilities": a.capabilities.to_api(),
    }


# -- parameters ----------------------------------------------------------------------------


def _max_results(req: Request) -> int | None:
    raw = req.query.get("max-results")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequestError(f"MaxResults must be an integer, got {raw!r}.") from None


def _external_user_id(body: Mapping[str, Any]) -> str:
    value = body.get("ExternalUserId")
    if value is None:
        raise BadRequestError("ExternalUserId is required.")
    if not isinstance(value, str):
        raise BadRequestError("ExternalUserId must be a string.")
    return value


def _item_user_id(item: Mapping[str, Any], i: int) -> str:
    """An item's ExternalUserId, checked as the model's shape has it (required, 2 to 64
    characters): a violation refuses the whole request (400, nothing created), as AWS
    checks a request's shape before it runs (QA-CX Q-CX-3). What only the text says (the
    reserved ``aws:`` prefix, the pattern) and the meeting's state stay per-item errors."""
    value = item.get("ExternalUserId")
    if value is None:
        raise BadRequestError(f"Attendees[{i}].ExternalUserId is required.")
    if not isinstance(value, str):
        raise BadRequestError(f"Attendees[{i}].ExternalUserId must be a string.")
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise BadRequestError(
            f"Attendees[{i}].ExternalUserId must be {MIN_LENGTH} to {MAX_LENGTH} characters, "
            f"got {len(value)}."
        )
    return value


def _item_capabilities(item: Mapping[str, Any], i: int) -> Capabilities | None:
    """An item's Capabilities, checked as the model's shape has them (an object whose
    Audio, Video and Content are required ``MediaCapabilities`` enum values): a violation
    refuses the whole request, as ``_item_user_id``'s do and as UpdateAttendeeCapabilities
    refuses them (QA-DO Q-DO-4). The combination rule (content receiving needs video
    receiving), which only the text states, stays a per-item error."""
    raw = item.get("Capabilities")
    if raw is None:
        return None
    caps = from_api(raw)
    if isinstance(caps, str):
        raise BadRequestError(f"Attendees[{i}].{caps}.")
    return caps


def _capabilities(body: Mapping[str, Any], required: bool) -> Capabilities | None:
    raw = body.get("Capabilities")
    if raw is None:
        if required:
            raise BadRequestError("Capabilities is required.")
        return None
    caps = from_api(raw)
    if isinstance(caps, str):
        raise BadRequestError(caps + ".")
    return caps


# -- operations ----------------------------------------------------------------------------


def get_meeting(backend: MeetingsBackend, req: Request, _: Decision) -> Reply:
    return 200, {"Meeting": meeting_json(backend.get_meeting(req.params["MeetingId"]))}


def delete_meeting(backend: MeetingsBackend, req: Request, _: Decision) -> Reply:
    backend.delete_meeting(req.params["MeetingId"])
    return 204, None


def list_attendees(backend: MeetingsBackend, req: Request, _: Decision) -> Reply:
    attendees, token = backend.list_attendees(
        req.params["MeetingId"], _max_results(req), req.query.get("next-token")
    )
    body: dict[str, Any] = {"Attendees": [attendee_json(a) for a in attendees]}
    if token is not None:
        body["NextToken"] = token
    return 200, body


def create_attendee(backend: MeetingsBackend, req: Request, _: Decision) -> Reply:
    attendee = backend.create_attendee(
        req.params["MeetingId"],
        _external_user_id(req.body),
        _capabilities(req.body, required=False),
    )
    return 200, {"Attendee": attendee_json(attendee)}


def batch_create_attendee(backend: MeetingsBackend, req: Request, fate: Decision) -> Reply:
    raw = req.body.get("Attendees")
    if raw is None:
        raise BadRequestError("Attendees is required.")
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise BadRequestError("Attendees must be a list of CreateAttendeeRequestItem objects.")
    items: list[tuple[str | None, Capabilities | str | None]] = [
        (_item_user_id(item, i), _item_capabilities(item, i)) for i, item in enumerate(raw)
    ]
    created, errors = backend.batch_create_attendee(
        req.params["MeetingId"], items, fate.item_throttled, fate.whole_call_limit
    )
    error_body = []
    for e in errors:
        entry: dict[str, Any] = {}
        if e.external_user_id is not None:
            entry["ExternalUserId"] = e.external_user_id
        entry["ErrorCode"] = e.code
        entry["ErrorMessage"] = e.message
        error_body.append(entry)
    return 200, {"Attendees": [attendee_json(a) for a in created], "Errors": error_body}


def get_attendee(backend: MeetingsBackend, req: Request, _: Decision) -> Reply:
    attendee = backend.get_attendee(req.params["MeetingId"], req.params["AttendeeId"])
    return 200, {"Attendee": attendee_json(attendee)}


def delete_attendee(backend: MeetingsBackend, req: Request, _: Decision) -> Reply:
    backend.delete_attendee(req.params["MeetingId"], req.params["AttendeeId"])
    return 204, None


def update_attendee_capabilities(backend: MeetingsBackend, req: Request, _: Decision) -> Reply:
    attendee = backend.update_attendee_capabilities(
        req.params["MeetingId"],
        req.params["AttendeeId"],
        _capabilities(req.body, required=True) or Capabilities(),
    )
    return 200, {"Attendee": attendee_json(attendee)}


def batch_update_attendee_capabilities_except(
    backend: MeetingsBackend, req: Request, _: Decision
) -> Reply:
    raw = req.body.get("ExcludedAttendeeIds")
    if raw is None:
        raise BadRequestError("ExcludedAttendeeIds is required.")
    if not isinstance(raw, list) or not all(
        isinstance(i, dict) and isinstance(i.get("AttendeeId"), str) for i in raw
    ):
        raise BadRequestError("ExcludedAttendeeIds must be a list of AttendeeIdItem objects.")
    backend.batch_update_attendee_capabilities_except(
        req.params["MeetingId"],
        [i["AttendeeId"] for i in raw],
        _capabilities(req.body, required=True) or Capabilities(),
    )
    return 200, None
