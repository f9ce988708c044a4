"""Meetings and attendees, and the ``chime-sdk-meetings`` operations on them. No HTTP.

As AWS does: at most 250 attendees a meeting, or what its ``MeetingFeatures`` allow
(``features``: fewer, or no video or content); ``ExternalUserId`` is an idempotency token
(creating an attendee whose ExternalUserId is already in the meeting returns that attendee,
unchanged, with its JoinToken); every attendee gets a random JoinToken; capabilities follow
AWS's rule (content SendReceive or Receive needs video SendReceive or Receive); a meeting
that has ended answers NotFoundException to everything, exactly as one that never existed;
a meeting's or attendee's id in any case finds it (a UUID is case-insensitive on input),
and answers give it in lower case, as AWS makes them.

A meeting ends by DeleteMeeting, by ``end_meeting`` (the admin API), or is seeded ended.
The emulator does not end meetings on its own clock (AWS ends them after 24 hours, or 5
minutes after the last attendee leaves; emulated attendees never connect).

Every JoinToken ever issued is remembered (``issued_join_tokens``), so tests can prove that
none of them reaches any output of the tool.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reconciler.capabilities import Capabilities, problem
from reconciler.emulator.errors import BadRequestError, ChimeError, NotFoundError
from reconciler.emulator.meetings.errors import LimitExceededError
from reconciler.emulator.meetings.records import Attendee, AttendeeError, Meeting
from reconciler.emulator.meetings.seed import (
    CONTROL_REGION,
    UUID_RE,
    SeedMeeting,
    external_id_problem,
)
from reconciler.emulator.paging import (
    PageLimit,
    Table,
    check_max_results,
    decode_token,
    encode_token,
)
from reconciler.emulator.state import utc_now

ATTENDEES_PAGE = PageLimit(1, 100, 100)  # ListAttendees MaxResults 1-100 (botocore model)
MAX_BATCH_ATTENDEES = 100  # BatchCreateAttendee Attendees 1-100
MAX_EXCLUDED = 250  # BatchUpdateAttendeeCapabilitiesExcept ExcludedAttendeeIds 1-250
MEDIA_REGION = "us-east-1"

Clock = Callable[[], datetime]


@dataclass
class _MeetingState:
    meeting: Meeting
    ended: bool = False
    region: str = CONTROL_REGION  # the control region that created it: its calls' only one
    attendees: Table[Attendee] = field(default_factory=Table)
    by_external: dict[str, str] = field(default_factory=dict)  # ExternalUserId -> AttendeeId


def new_join_token() -> str:
    """A random token, shaped like AWS's (base64 text, a few hundred characters)."""
    return secrets.token_urlsafe(96)


class MeetingsBackend:
    """The meetings of one emulator. Thread-safe: every operation holds one lock."""

    def __init__(self, meetings: Sequence[SeedMeeting] = (), clock: Clock | None = None) -> None:
        self._lock = threading.RLock()
        self._clock = clock or utc_now
        self._meetings: dict[str, _MeetingState] = {}
        self._issued: list[str] = []
        self.reset(meetings)

    # -- state ---------------------------------------------------------------------------

    def reset(self, meetings: Sequence[SeedMeeting]) -> None:
        """Replace all meetings with the seed's (tokens issued so far are still remembered)."""
        now = self._clock()
        states: dict[str, _MeetingState] = {}
        tokens: list[str] = []
        for m in meetings:
            meeting = Meeting(m.id, m.external_meeting_id, MEDIA_REGION, now, m.features)
            state = _MeetingState(meeting, m.ended, m.region)
            for a in m.attendees:
                token = new_join_token()
                tokens.append(token)
                state.attendees.put(a.id, Attendee(a.id, a.external_user_id, a.capabilities, token))
                state.by_external[a.external_user_id] = a.id
            states[m.id] = state  # in lower case (the seed's ``_uuid``)
        with self._lock:
            self._meetings = states
            self._issued.extend(tokens)

    def snapshot(self) -> list[dict[str, Any]]:
        """The ``meetings:`` of a seed document (no JoinTokens: they are secrets)."""
        with self._lock:
            return [
                {
                    "id": s.meeting.id,
                    "external_meeting_id": s.meeting.external_meeting_id,
                    "ended": s.ended,
                    **_features_seed(s.meeting),
                    "region": s.region,
                    "attendees": [
                        {
                            "id": a.id,
                            "external_user_id": a.external_user_id,
                            "capabilities": a.capabilities.to_dict(),
                        }
                        for a in s.attendees.values()
                    ],
                }
                for s in self._meetings.values()
            ]

    def issued_join_tokens(self) -> list[str]:
        """Every JoinToken this backend has handed out (seeded or created), in order."""
        with self._lock:
            return list(self._issued)

    def check_region(self, meeting_id: str, region: str | None) -> None:
        """NotFoundException when a call signed for ``region`` names a meeting another
        control region created: AWS updates a meeting only in the control region used to
        create it, and each control region operates independently (it does not know the
        meeting). An unsigned call (None) and a meeting not here pass: the operation
        answers those."""
        if region is None:
            return
        with self._lock:
            state = self._meetings.get(_key(meeting_id))
        if state is not None and state.region != region:
            raise NotFoundError(f"The meeting {meeting_id} is not found.")

    def end_meeting(self, meeting_id: str) -> None:
        """End a meeting (as AWS does after 24 hours): from now on it is NotFound."""
        with self._lock:
            self._meeting(meeting_id).ended = True

    def attendees_of(self, meeting_id: str) -> dict[str, Capabilities]:
        """ExternalUserId -> capabilities of a live meeting (for tests and benchmarks)."""
        with self._lock:
            return {a.external_user_id: a.capabilities for a in self._live(meeting_id).values()}

    # -- operations ----------------------------------------------------------------------

    def get_meeting(self, meeting_id: str) -> Meeting:
        with self._lock:
            self._live(meeting_id)
            return self._meetings[_key(meeting_id)].meeting

    def delete_meeting(self, meeting_id: str) -> None:
        with self._lock:
            self._live(meeting_id)
            self._meetings[_key(meeting_id)].ended = True

    def list_attendees(
        self, meeting_id: str, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[Attendee], str | None]:
        limit = check_max_results(max_results, ATTENDEES_PAGE)
        scope = f"ListAttendees/{meeting_id}"
        after = decode_token(next_token, scope)
        with self._lock:
            attendees, cursor = self._live(meeting_id).page(after, limit)
            return attendees, None if cursor is None else encode_token(scope, cursor)

    def get_attendee(self, meeting_id: str, attendee_id: str) -> Attendee:
        with self._lock:
            return self._attendee(meeting_id, attendee_id)

    def create_attendee(
        self, meeting_id: str, external_user_id: str, capabilities: Capabilities | None
    ) -> Attendee:
        with self._lock:
            return self._create(self._live_meeting(meeting_id), external_user_id, capabilities)

    def batch_create_attendee(
        self,
        meeting_id: str,
        items: Sequence[tuple[str | None, Capabilities | str | None]],
        item_throttled: Callable[[int], bool] = lambda _: False,
        whole_call_limit: bool = False,
    ) -> tuple[list[Attendee], list[AttendeeError]]:
        """Create each (ExternalUserId, capabilities or the problem with them) item.

        ``item_throttled(i)`` says whether item ``i`` fails with ErrorCode ``Throttling``
        (fault injection); such items are not applied. At the meeting's maximum, the items
        over it fail with ``LimitExceeded``, first come, first served; with
        ``whole_call_limit``, the call is refused instead (``LimitExceededException``,
        nothing made) when its new attendees do not all fit.
        """
        if not 1 <= len(items) <= MAX_BATCH_ATTENDEES:
            raise BadRequestError(
                f"Attendees has {len(items)} items; 1 to {MAX_BATCH_ATTENDEES} are allowed."
            )
        created: list[Attendee] = []
        errors: list[AttendeeError] = []
        with self._lock:
            state = self._live_meeting(meeting_id)
            new = {e for e, _ in items if e is not None and e not in state.by_external}
            most = state.meeting.features.most
            if whole_call_limit and len(state.attendees) + len(new) > most:
                raise LimitExceededError(
                    f"The meeting {state.meeting.id} has room for "
                    f"{max(0, most - len(state.attendees))} more of its maximum of "
                    f"{most} attendees, not {len(new)}."
                )
            for i, (external_user_id, caps) in enumerate(items):
                if item_throttled(i):
                    errors.append(AttendeeError(external_user_id, "Throttling", "Rate exceeded."))
                    continue
                try:
                    if external_user_id is None:
                        raise BadRequestError("ExternalUserId is required.")
                    if isinstance(caps, str):
                        raise BadRequestError(caps + ".")
                    created.append(self._create(state, external_user_id, caps))
                except ChimeError as exc:
                    errors.append(AttendeeError(external_user_id, exc.code, exc.message))
        return created, errors

    def delete_attendee(self, meeting_id: str, attendee_id: str) -> None:
        with self._lock:
            attendee = self._attendee(meeting_id, attendee_id)
            state = self._meetings[_key(meeting_id)]
            state.attendees.pop(attendee.id)
            state.by_external.pop(attendee.external_user_id, None)

    def update_attendee_capabilities(
        self, meeting_id: str, attendee_id: str, capabilities: Capabilities
    ) -> Attendee:
        _check(capabilities)
        with self._lock:
            current = self._attendee(meeting_id, attendee_id)
            _check_features(self._meetings[_key(meeting_id)].meeting, capabilities)
            updated = Attendee(
                current.id, current.external_user_id, capabilities, current.join_token
            )
            self._meetings[_key(meeting_id)].attendees.put(current.id, updated)
            return updated

    def batch_update_attendee_capabilities_except(
        self, meeting_id: str, excluded: Sequence[str], capabilities: Capabilities
    ) -> None:
        """Give every attendee not in ``excluded`` these capabilities. Excluded ids that
        are not attendees of the meeting are ignored."""
        if not 1 <= len(excluded) <= MAX_EXCLUDED:
            raise BadRequestError(
                f"ExcludedAttendeeIds has {len(excluded)} items; 1 to {MAX_EXCLUDED} are allowed."
            )
        for attendee_id in excluded:
            _check_id(attendee_id, "AttendeeId")
        _check(capabilities)
        skip = {_key(i) for i in excluded}
        with self._lock:
            table = self._live(meeting_id)
            _check_features(self._meetings[_key(meeting_id)].meeting, capabilities)
            for a in list(table.values()):
                if a.id not in skip:
                    table.put(a.id, Attendee(a.id, a.external_user_id, capabilities, a.join_token))

    # -- helpers -------------------------------------------------------------------------

    def _meeting(self, meeting_id: str) -> _MeetingState:
        _check_id(meeting_id, "MeetingId")
        state = self._meetings.get(_key(meeting_id))
        if state is None:
            raise NotFoundError(f"The meeting {meeting_id} is not found.")
        return state

    def _live_meeting(self, meeting_id: str) -> _MeetingState:
        state = self._meeting(meeting_id)
        if state.ended:  # AWS deletes an ended meeting: it is not found, as if never there
            raise NotFoundError(f"The meeting {meeting_id} is not found.")
        return state

    def _live(self, meeting_id: str) -> Table[Attendee]:
        return self._live_meeting(meeting_id).attendees

    def _attendee(self, meeting_id: str, attendee_id: str) -> Attendee:
        table = self._live(meeting_id)
        _check_id(attendee_id, "AttendeeId")
        attendee = table.get(_key(attendee_id))
        if attendee is None:
            raise NotFoundError(f"The attendee {attendee_id} is not found in meeting {meeting_id}.")
        return attendee

    def _create(
        self, state: _MeetingState, external_user_id: str, capabilities: Capabilities | None
    ) -> Attendee:
        found = external_id_problem(external_user_id, "ExternalUserId")
        if found:
            raise BadRequestError(found + ".")
        features = state.meeting.features
        caps = capabilities or features.default_capabilities()
        _check(caps)
        if capabilities is not None:  # AWS refuses "requests that include" them; its
            _check_features(state.meeting, caps)  # own default may hold video Receive
        existing = state.by_external.get(external_user_id)
        if existing is not None:  # the idempotency token: the same attendee, unchanged
            attendee = state.attendees.get(existing)
            if attendee is not None:
                return attendee
        if len(state.attendees) >= features.most:
            raise LimitExceededError(
                f"The meeting {state.meeting.id} already has the maximum of "
                f"{features.most} attendees."
            )
        token = new_join_token()
        attendee = Attendee(str(uuid.uuid4()), external_user_id, caps, token)
        state.attendees.put(attendee.id, attendee)
        state.by_external[external_user_id] = attendee.id
        self._issued.append(token)
        return attendee


def _check(caps: Capabilities) -> None:
    found = problem(caps)
    if found:
        raise BadRequestError(f"Invalid capabilities: {found}.")


def _check_features(meeting: Meeting, caps: Capabilities) -> None:
    found = meeting.features.refusal(caps)
    if found:
        raise BadRequestError(f"Invalid capabilities: {found}.")


def _features_seed(meeting: Meeting) -> dict[str, Any]:
    doc = meeting.features.to_seed()
    return {"features": doc} if doc else {}


def _key(uuid_id: str) -> str:
    """A meeting's or attendee's id as the emulator files it (made, or seeded, in lower
    case): a UUID is case-insensitive on input (RFC 9562; the model's pattern takes
    upper-case hex), so an id in any case finds it."""
    return uuid_id.lower()


def _check_id(value: str, what: str) -> None:
    if not UUID_RE.match(value):
        raise BadRequestError(f"{what} {value!r} does not match the pattern of a UUID.")
