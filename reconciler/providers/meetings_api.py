"""The ``chime-sdk-meetings`` calls the meetings provider makes, and the guards that keep
JoinTokens (secrets: whoever holds one can join the meeting) out of everything the tool
keeps, prints or logs.

- Every response is stripped of ``JoinToken`` as botocore hands it over (an ``after-call``
  hook on the client), before any code of ours, or a debugger, or an exception sees it.
  Attendees are kept as ``Attendee`` values, which have no field for a token.
- botocore logs raw response bodies at DEBUG (``botocore.parsers``: "Response body: ...")
  and more at other loggers: ``RedactJoinTokens`` is installed on every logger botocore
  and urllib3 write to, so that whatever logging a user turns on, the token is replaced by
  ``***`` before any handler formats the record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from reconciler.capabilities import SEND_RECEIVE, VALUES, Capabilities
from reconciler.errors import AwsError, known_value, not_found
from reconciler.pacing.pacer import Pacer
from reconciler.pacing.quotas import QuotaKey
from reconciler.providers.base import ItemError, item_errors
from reconciler.providers.paced_api import PacedApi
from reconciler.providers.retry import RetryPolicy

ATTENDEES_PAGE = 100  # ListAttendees MaxResults: 1-100
TOKEN_KEY = "JoinToken"
REDACTED = "***"
# JSON (raw bodies) and Python reprs (parsed dicts) of a token, as bytes or text.
# A value runs to the first quote not escaped (escapes may be doubled inside a repr).
_TOKEN_TEXT = re.compile(r"""(["']?JoinToken["']?\s*[:=]\s*)(["'])(?:\\+.|[^\\"'])*["']""")
LOGGERS = (
    "botocore",
    "botocore.parsers",
    "botocore.endpoint",
    "botocore.hooks",
    "botocore.retryhandler",
    "botocore.httpsession",
    "botocore.awsrequest",
    "botocore.response",
    "botocore.client",
    "urllib3",
    "urllib3.connectionpool",
)


@dataclass(frozen=True)
class MeetingFeatures:
    """What GetMeeting's ``MeetingFeatures`` says bounds a meeting's attendees: its own
    ``Attendee.MaxCount`` (None: AWS's 250), and the media it was created
    without (``Video``/``Content`` ``MaxResolution: None``: AWS refuses any capability
    other than None for them, 400)."""

    max_count: int | None = None
    off: frozenset[str] = frozenset()  # of ``capabilities.AXES``: "video", "content"


OFF = "None"  # a MaxResolution that turns its medium off
# AWS's ``AttendeeFeatures`` note: with video FHD or content UHD, a meeting created without
# MaxCount takes 25 attendees, not 250; GetMeeting may not say so (Q-CH-3)
HIGH_RESOLUTION_MAX = 25
HIGH_RESOLUTIONS = (("Video", "FHD"), ("Content", "UHD"))


def meeting_features(meeting: dict[str, Any]) -> MeetingFeatures:
    """``MeetingFeatures`` from GetMeeting's ``Meeting``: its ``Attendee.MaxCount``, else
    25 where video is FHD or content UHD (``HIGH_RESOLUTION_MAX``)."""
    doc = meeting.get("MeetingFeatures") or {}
    most = (doc.get("Attendee") or {}).get("MaxCount")
    off = frozenset(
        axis
        for axis, key in (("video", "Video"), ("content", "Content"))
        if (doc.get(key) or {}).get("MaxResolution") == OFF
    )
    if not isinstance(most, int) and any(
        (doc.get(key) or {}).get("MaxResolution") == high for key, high in HIGH_RESOLUTIONS
    ):
        most = HIGH_RESOLUTION_MAX
    return MeetingFeatures(most if isinstance(most, int) else None, off)


@dataclass(frozen=True, order=True)
class Attendee:
    """An attendee as the tool keeps it: no JoinToken."""

    attendee_id: str
    external_user_id: str
    capabilities: Capabilities


def redact(text: str) -> str:
    """``text`` with every JoinToken value replaced by ``***``."""
    return _TOKEN_TEXT.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", text)


class RedactJoinTokens(logging.Filter):
    """A logging filter that rewrites any record mentioning a JoinToken."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted: leave it to logging
            return True
        if TOKEN_KEY in message:
            record.msg, record.args = redact(message), None
        return True


_FILTER = RedactJoinTokens()


def guard_logging() -> None:
    """Install the redacting filter on botocore's and urllib3's loggers (once)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def strip_tokens(value: Any) -> None:
    """Remove every ``JoinToken`` key from a parsed response, in place."""
    if isinstance(value, dict):
        value.pop(TOKEN_KEY, None)
        for item in value.values():
            strip_tokens(item)
    elif isinstance(value, list):
        for item in value:
            strip_tokens(item)


def _after_call(parsed: Any = None, **_: Any) -> None:
    strip_tokens(parsed)


def guard_client(client: Any) -> Any:
    """``client`` with its responses stripped of JoinTokens as they are parsed."""
    guard_logging()
    client.meta.events.register_first("after-call.chime-sdk-meetings", _after_call)
    return client


def attendee(item: dict[str, Any], operation: str = "", context: str = "") -> Attendee:
    """An attendee of ``operation``'s answer (about the meeting ``context`` names). A
    capability the tool does not know (a newer one) is ``UnknownValue``: never planned
    from (as a change to a profile, or a removal) as if it were another."""
    caps = item.get("Capabilities") or {}
    attendee_id = str(item.get("AttendeeId", ""))

    def axis(key: str) -> str:
        what = f"the {key.lower()} capability of attendee {attendee_id}"
        return known_value(caps.get(key, SEND_RECEIVE), VALUES, operation, context, what)

    return Attendee(
        attendee_id,
        str(item.get("ExternalUserId", "")),
        Capabilities(axis("Audio"), axis("Video"), axis("Content")),
    )


@dataclass(frozen=True)
class BatchCreated:
    """A BatchCreateAttendee answer: its ``Attendees`` (made now, or there already) and
    its per-item ``Errors`` by ExternalUserId."""

    attendees: tuple[Attendee, ...]
    errors: dict[str, ItemError]


class MeetingsApi(PacedApi):
    """The attendee operations, retried per ``retry`` and paced by ``pacer`` when given
    (quota ``meetings``: 10 requests/s per operation); errors are ``AwsError``."""

    def __init__(self, client: Any, retry: RetryPolicy, pacer: Pacer | None = None) -> None:
        super().__init__(retry, pacer)
        self.client = guard_client(client)
        self._keys: dict[str, tuple[QuotaKey, ...]] = {}

    def keys(self, operation: str) -> Sequence[QuotaKey]:
        keys = self._keys.get(operation)
        if keys is None:
            keys = self._keys[operation] = (QuotaKey("meetings", operation),)
        return keys

    def get_meeting(self, meeting_id: str) -> MeetingFeatures:
        """The meeting's features (NotFound: ended, or never existed)."""
        resp = self._call(
            "GetMeeting", self.client.get_meeting, f"meeting {meeting_id}", MeetingId=meeting_id
        )
        return meeting_features(resp.get("Meeting") or {})

    def list_attendees(self, meeting_id: str) -> list[Attendee]:
        """Every attendee of the meeting, sorted (NotFound: ended, or never existed)."""
        return sorted(self._pages(meeting_id))

    def found(self, meeting_id: str) -> bool:
        """Whether the meeting is there (one ListAttendees call of one attendee; False:
        NotFound, it has ended)."""
        try:
            self._call(
                "ListAttendees",
                self.client.list_attendees,
                f"meeting {meeting_id}",
                MeetingId=meeting_id,
                MaxResults=1,
            )
        except AwsError as exc:
            if not not_found(exc):
                raise
            return False
        return True

    def _pages(self, meeting_id: str) -> Iterator[Attendee]:
        call = partial(
            self._call, "ListAttendees", self.client.list_attendees, f"meeting {meeting_id}"
        )
        for items, _ in self._page_by_page(
            call, "Attendees", MeetingId=meeting_id, MaxResults=ATTENDEES_PAGE
        ):
            yield from (attendee(a, "ListAttendees", f"meeting {meeting_id}") for a in items)

    def batch_create(
        self, meeting_id: str, items: Sequence[tuple[str, Capabilities]]
    ) -> BatchCreated:
        """One BatchCreateAttendee call: the attendees it answers with (an ExternalUserId
        already in the meeting is answered with that attendee, unchanged: it is AWS's
        idempotency token) and the per-item errors by ExternalUserId."""
        resp = self._call(
            "BatchCreateAttendee",
            self.client.batch_create_attendee,
            f"meeting {meeting_id}",
            MeetingId=meeting_id,
            Attendees=[{"ExternalUserId": e, "Capabilities": c.to_api()} for e, c in items],
        )
        errors = item_errors(resp, "ExternalUserId")
        made = (
            attendee(a, "BatchCreateAttendee", f"meeting {meeting_id}")
            for a in resp.get("Attendees", [])
        )
        return BatchCreated(tuple(made), errors)

    def update_capabilities(self, meeting_id: str, attendee_id: str, caps: Capabilities) -> None:
        self._call(
            "UpdateAttendeeCapabilities",
            self.client.update_attendee_capabilities,
            f"meeting {meeting_id}, attendee {attendee_id}",
            MeetingId=meeting_id,
            AttendeeId=attendee_id,
            Capabilities=caps.to_api(),
        )

    def delete(self, meeting_id: str, attendee_id: str) -> None:
        self._call(
            "DeleteAttendee",
            self.client.delete_attendee,
            f"meeting {meeting_id}, attendee {attendee_id}",
            MeetingId=meeting_id,
            AttendeeId=attendee_id,
        )

    def get(self, meeting_id: str, attendee_id: str) -> Attendee:
        resp = self._call(
            "GetAttendee",
            self.client.get_attendee,
            f"meeting {meeting_id}, attendee {attendee_id}",
            MeetingId=meeting_id,
            AttendeeId=attendee_id,
        )
        return attendee(resp.get("Attendee", {}), "GetAttendee", f"meeting {meeting_id}")
