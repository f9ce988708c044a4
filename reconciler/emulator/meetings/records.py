"""Meetings and attendees as the emulator stores them: frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reconciler.capabilities import Capabilities
from reconciler.emulator.meetings.features import AS_CREATED, MeetingFeatures


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    external_meeting_id: str
    media_region: str
    created: datetime
    features: MeetingFeatures = AS_CREATED


@dataclass(frozen=True, slots=True)
class Attendee:
    id: str
    external_user_id: str
    capabilities: Capabilities
    join_token: str


@dataclass(frozen=True, slots=True)
class AttendeeError:
    """One entry of BatchCreateAttendee's ``Errors``."""

    external_user_id: str | None
    code: str
    message: str
