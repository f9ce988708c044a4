"""Which AttendeeId each ExternalUserId has in a meeting, as this run last saw it (read, or
answered by BatchCreateAttendee). The applier names an attendee to create by its
ExternalUserId and one read by its AttendeeId; a person who leaves and joins again keeps
the one and gets a new other."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from reconciler.providers.meetings_api import Attendee


class AttendeeIds:
    """(meeting id, ExternalUserId) <-> AttendeeId, safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[tuple[str, str], str] = {}
        self._by_id: dict[tuple[str, str], str] = {}

    def saw(self, meeting_id: str, attendees: Iterable[Attendee]) -> None:
        """Record ``attendees`` as in meeting ``meeting_id`` now."""
        with self._lock:
            for a in attendees:
                self._by_user[(meeting_id, a.external_user_id)] = a.attendee_id
                self._by_id[(meeting_id, a.attendee_id)] = a.external_user_id

    def attendee_id(self, meeting_id: str, member_id: str) -> str:
        """The AttendeeId ``member_id`` names: itself when it is one this run saw, else the
        AttendeeId last seen for it as an ExternalUserId, else itself."""
        with self._lock:
            if (meeting_id, member_id) in self._by_id:
                return member_id
            return self._by_user.get((meeting_id, member_id), member_id)

    def external_user_id(self, meeting_id: str, attendee_id: str) -> str | None:
        """The ExternalUserId of an AttendeeId this run saw (None: not seen)."""
        with self._lock:
            return self._by_id.get((meeting_id, attendee_id))
