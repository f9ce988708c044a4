"""A meeting's ``MeetingFeatures`` (botocore's ``MeetingFeaturesConfiguration``), as far as
they bound its attendees, and the rules AWS documents for them:

- ``Attendee.MaxCount`` (1-250) is "the maximum number of attendees allowed into the
  meeting"; not given, it is 250, or 25 when video is ``FHD`` or content ``UHD``
  (``AttendeeFeatures``' note);
- ``Video.MaxResolution: None``: "all API requests that include SendReceive, Send, or
  Receive for AttendeeCapabilities:Video will be rejected with ValidationError 400", and
  the same for ``Content.MaxResolution: None`` (the ``AttendeeCapabilities`` page). The
  model has no ValidationException for these operations: the emulator answers its 400
  ``BadRequestException``.

An attendee created without capabilities gets ``SendReceive`` on every axis that is on and
``None`` on one that is off, except when video is off but content is not: then video
``Receive`` and content ``SendReceive``, as the ``AttendeeCapabilities`` page documents
("content SendReceive requires video to be at least Receive"), although a request that
names video ``Receive`` there is refused (the refusal is of "API requests that include"
it; AWS's own default is no request's). The tool always sends capabilities; an attendee
who joins through an app that sends none shows up with the documented default (Q-CH-4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.capabilities import NONE, RECEIVE, SEND_RECEIVE, Capabilities

DEFAULT_MAX = 250  # AWS's attendees per meeting, not adjustable
HIGH_RESOLUTION_MAX = 25  # with video FHD or content UHD and no MaxCount
OFF = "None"  # a MaxResolution that turns the medium off
VIDEO_RESOLUTIONS: tuple[str, ...] = ("None", "HD", "FHD")  # botocore's VideoResolution
CONTENT_RESOLUTIONS: tuple[str, ...] = ("None", "FHD", "UHD")  # ContentResolution


@dataclass(frozen=True, slots=True)
class MeetingFeatures:
    """What a meeting was created with; a field left None was not given."""

    max_count: int | None = None
    video: str | None = None  # Video.MaxResolution
    content: str | None = None  # Content.MaxResolution

    @property
    def most(self) -> int:
        """The most attendees the meeting takes."""
        if self.max_count is not None:
            return self.max_count
        if self.video == "FHD" or self.content == "UHD":
            return HIGH_RESOLUTION_MAX
        return DEFAULT_MAX

    def refusal(self, caps: Capabilities) -> str | None:
        """Why AWS refuses ``caps`` in this meeting (a medium it turned off), or None."""
        for axis, resolution in (("video", self.video), ("content", self.content)):
            value = getattr(caps, axis)
            if resolution == OFF and value != NONE:
                return (
                    f"{axis.capitalize()} {value} is not allowed: the meeting was created "
                    f"with MeetingFeatures {axis.capitalize()} MaxResolution None"
                )
        return None

    def holding_refusal(self, caps: Capabilities) -> str | None:
        """Why the meeting cannot hold an attendee with ``caps``, or None: a request's
        refusal (``refusal``), except for AWS's own default, which no request names (a
        seed may state it: QA-FE Q-FE-5)."""
        return None if caps == self.default_capabilities() else self.refusal(caps)

    def default_capabilities(self) -> Capabilities:
        """An attendee's capabilities when its create names none."""
        content = NONE if self.content == OFF else SEND_RECEIVE
        # content SendReceive needs video at least received: AWS's documented default
        video = SEND_RECEIVE if self.video != OFF else NONE if content == NONE else RECEIVE
        return Capabilities(SEND_RECEIVE, video, content)

    def to_api(self) -> dict[str, Any]:
        """GetMeeting's ``MeetingFeatures``: what the meeting was created with, no more
        (no MaxCount it was not given: its maximum is derived, ``most``, by the tool too,
        Q-CH-3); empty for one created without."""
        doc: dict[str, Any] = {}
        if self.max_count is not None:
            doc["Attendee"] = {"MaxCount": self.max_count}
        if self.video is not None:
            doc["Video"] = {"MaxResolution": self.video}
        if self.content is not None:
            doc["Content"] = {"MaxResolution": self.content}
        return doc

    def to_seed(self) -> dict[str, Any]:
        """As a seed's ``features:`` writes it (only what was given)."""
        doc: dict[str, Any] = {}
        if self.max_count is not None:
            doc["attendee"] = {"max_count": self.max_count}
        if self.video is not None:
            doc["video"] = {"max_resolution": self.video}
        if self.content is not None:
            doc["content"] = {"max_resolution": self.content}
        return doc


AS_CREATED = MeetingFeatures()  # a meeting created without MeetingFeatures
