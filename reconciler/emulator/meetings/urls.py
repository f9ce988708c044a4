"""``chime-sdk-meetings`` routes as data (from its botocore model's HTTP bindings). Each
answers ``ThrottlingException`` when throttled, and under ``--quotas`` allows 10 requests
per second per operation (AWS's documented default for attendee and meeting operations)."""

from __future__ import annotations

from reconciler.emulator.meetings import responses
from reconciler.emulator.meetings.errors import ThrottlingError
from reconciler.emulator.quotas import Quota
from reconciler.emulator.routing import AnyHandler, Route

SERVICE = "meetings"
RATE_PER_OPERATION = 10.0

_MEETING = "/meetings/{MeetingId}"
_ATTENDEES = _MEETING + "/attendees"
_ATTENDEE = _ATTENDEES + "/{AttendeeId}"


def _route(
    method: str, template: str, operation: str, handler: AnyHandler, query: str | None = None
) -> Route:
    return Route(
        method,
        template,
        operation,
        handler,
        query_operation=query,
        service=SERVICE,
        throttle=ThrottlingError,
        quotas=(Quota(RATE_PER_OPERATION),),
    )


MEETINGS_ROUTES: tuple[Route, ...] = (
    _route("GET", _MEETING, "GetMeeting", responses.get_meeting),
    _route("DELETE", _MEETING, "DeleteMeeting", responses.delete_meeting),
    _route("GET", _ATTENDEES, "ListAttendees", responses.list_attendees),
    _route(
        "POST", _ATTENDEES, "BatchCreateAttendee", responses.batch_create_attendee, "batch-create"
    ),
    _route("POST", _ATTENDEES, "CreateAttendee", responses.create_attendee),
    _route(
        "PUT",
        _ATTENDEES + "/capabilities",
        "BatchUpdateAttendeeCapabilitiesExcept",
        responses.batch_update_attendee_capabilities_except,
        "batch-update-except",
    ),
    _route("GET", _ATTENDEE, "GetAttendee", responses.get_attendee),
    _route("DELETE", _ATTENDEE, "DeleteAttendee", responses.delete_attendee),
    _route(
        "PUT",
        _ATTENDEE + "/capabilities",
        "UpdateAttendeeCapabilities",
        responses.update_attendee_capabilities,
    ),
)
