"""The ``meetings:`` section of a seed document.

```yaml
meetings:
  - id: 6f1c2a9e-0000-4000-8000-000000000001      # optional (derived from external_meeting_id)
    external_meeting_id: incident-42              # 2-64 characters
    ended: false                                  # optional: true seeds a meeting that has ended
    features:                                     # optional: MeetingFeatures it was created with
      attendee: {max_count: 50}                   # 1-250 (default 250; 25 with FHD/UHD)
      video: {max_resolution: None}               # None, HD or FHD (None: video off)
      content: {max_resolution: None}             # None, FHD or UHD (None: content off)
    region: us-east-1                             # optional: the control region that created it
    attendees:                                    # at most 250 (at most max_count)
      - external_user_id: alice@example.com       # 2-64 characters, unique
        id: 0b0e...                               # optional AttendeeId (derived)
        capabilities: {audio: SendReceive, video: SendReceive, content: SendReceive}
      - external_user_id: aws:MediaPipeline-4ae1f # AWS's own attendee (a media pipeline)
```

An ``external_user_id`` in AWS's reserved ``aws:`` prefix is an attendee AWS added itself
(a media capture, concatenation or live-connector pipeline joins as
``aws:MediaPipeline-<id>``): CreateAttendee and BatchCreateAttendee refuse that prefix to
any caller, as AWS does, so the seed is the only way in.

``capabilities`` is optional (what CreateAttendee gives an attendee without any there:
all ``SendReceive`` in a meeting with every medium, ``MeetingFeatures.default_capabilities``
where one is off); given, it names all three axes and follows AWS's rule (content
SendReceive or Receive needs video SendReceive or Receive). Ids are UUIDs, as the model's
pattern requires. ``features`` bounds the meeting's attendees as AWS does
(``features.MeetingFeatures``): a seeded attendee must fit them too, or hold AWS's own
default there (video Receive with video off and content on, which no request may name).
``region``: the meeting's control region; AWS answers its calls there only
(``MeetingsBackend.check_region``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from reconciler.capabilities import AXES, Capabilities, problem, value_problem
from reconciler.emulator.meetings.features import (
    AS_CREATED,
    CONTENT_RESOLUTIONS,
    DEFAULT_MAX,
    VIDEO_RESOLUTIONS,
    MeetingFeatures,
)
from reconciler.emulator.seed_numbers import got, whole_number
from reconciler.external_ids import (
    CHARACTERS,
    MAX_LENGTH,
    MIN_LENGTH,
    RESERVED_PREFIX,
    Broken,
    Rule,
    broken_rule,
    disallowed_character,
)
from reconciler.quoted import named

UUID_RE = re.compile(r"^[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}$")
CONTROL_REGION = "us-east-1"  # a seeded meeting's, unless it says ``region:``
REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d$")

Derive = Callable[..., str]  # a stable UUID from parts (``seed.derived_id``)


@dataclass(frozen=True)
class SeedAttendee:
    id: str
    external_user_id: str
    capabilities: Capabilities


@dataclass(frozen=True)
class SeedMeeting:
    id: str
    external_meeting_id: str
    ended: bool
    attendees: tuple[SeedAttendee, ...]
    features: MeetingFeatures = AS_CREATED
    region: str = CONTROL_REGION  # the control region that created it


class SeedReader(Protocol):
    """What this section needs of the seed parser (``reconciler.emulator.seed``)."""

    def fail(self, path: str, message: str) -> Exception: ...

    def mapping(self, value: object, path: str, allowed: tuple[str, ...]) -> dict[str, Any]: ...

    def items(self, value: dict[str, Any], key: str, path: str) -> list[Any]: ...

    def text(
        self, value: dict[str, Any], key: str, path: str, required: bool, exact: bool = False
    ) -> str | None: ...

    def claim(self, ident: str, path: str) -> str: ...


def external_id_problem(value: str, what: str, reserved: bool = False) -> str | None:
    """Why AWS would refuse ``value`` as an ExternalUserId / ExternalMeetingId, or None.
    ``reserved``: the ``aws:`` prefix is allowed (an attendee AWS adds itself)."""
    broken = broken_rule(value)
    if reserved and broken is not None and broken.rule is Rule.RESERVED:
        bad = disallowed_character(value)  # the length is right: the characters remain
        broken = None if bad is None else Broken(Rule.CHARACTER, value, bad)
    if broken is None:
        return None
    if broken.rule is Rule.LENGTH:
        return f"{what} must be {MIN_LENGTH} to {MAX_LENGTH} characters, got {len(value)}"
    if broken.rule is Rule.RESERVED:
        return f"{what} must not start with the reserved prefix {RESERVED_PREFIX!r}"
    # the API reference's pattern (QA-G Q-G-1)
    return f"{what} must match the pattern [{CHARACTERS}]*: {broken.character!r} is not allowed"


def parse_meetings(reader: SeedReader, items: list[Any], derive: Derive) -> tuple[SeedMeeting, ...]:
    """The checked items of ``meetings:``; ``derive(*parts)`` makes a stable UUID."""
    occurrences: dict[str, int] = {}  # ExternalMeetingIds need not be unique
    return tuple(
        _meeting(reader, item, f"meetings[{i}]", derive, occurrences)
        for i, item in enumerate(items)
    )


def _meeting(
    reader: SeedReader, raw: object, path: str, derive: Derive, occurrences: dict[str, int]
) -> SeedMeeting:
    value = reader.mapping(
        raw, path, ("id", "external_meeting_id", "ended", "features", "attendees", "region")
    )
    external = reader.text(value, "external_meeting_id", path, required=True) or ""
    found = external_id_problem(external, "external_meeting_id")
    if found:
        raise reader.fail(f"{path}.external_meeting_id", found)
    nth = occurrences.get(external, 0)
    occurrences[external] = nth + 1
    ident = _uuid(reader, value, path) or derive("meeting", external, str(nth))
    ident = reader.claim(ident, f"{path}.id")
    ended = value.get("ended", False)
    if not isinstance(ended, bool):
        raise reader.fail(f"{path}.ended", f"expected true or false, got {got(ended)}")
    features = _features(reader, value.get("features"), f"{path}.features")
    region = reader.text(value, "region", path, required=False) or CONTROL_REGION
    if not REGION_RE.match(region):
        raise reader.fail(
            f"{path}.region", f"expected a region such as us-east-1, got {got(region)}"
        )
    items = reader.items(value, "attendees", path)
    if len(items) > features.most:
        raise reader.fail(
            f"{path}.attendees",
            f"{len(items)} attendees; this meeting takes at most {features.most}",
        )
    seen: dict[str, str] = {}
    attendees = []
    for i, item in enumerate(items):
        where = f"{path}.attendees[{i}]"
        attendee = _attendee(reader, item, where, ident, derive, seen, features)
        refused = features.holding_refusal(attendee.capabilities)
        if refused:
            raise reader.fail(f"{where}.capabilities", refused)
        attendees.append(attendee)
    return SeedMeeting(ident, external, ended, tuple(attendees), features, region)


def _features(reader: SeedReader, raw: object, path: str) -> MeetingFeatures:
    if raw is None:
        return MeetingFeatures()
    value = reader.mapping(raw, path, ("attendee", "video", "content"))
    max_count = None
    if value.get("attendee") is not None:
        where = f"{path}.attendee"
        attendee = reader.mapping(value["attendee"], where, ("max_count",))
        given = attendee.get("max_count")
        max_count = whole_number(given)  # 1e2 is 100, as in the desired state (Q-GV-11)
        if max_count is None:
            raise reader.fail(f"{where}.max_count", f"expected an integer, got {got(given)}")
        if not 1 <= max_count <= DEFAULT_MAX:
            raise reader.fail(
                f"{where}.max_count",
                f"must be 1 to {DEFAULT_MAX} (the model), got {got(given)}",
            )
    video = _resolution(reader, value, "video", path, VIDEO_RESOLUTIONS)
    content = _resolution(reader, value, "content", path, CONTENT_RESOLUTIONS)
    return MeetingFeatures(max_count, video, content)


def _resolution(
    reader: SeedReader, value: dict[str, Any], key: str, path: str, allowed: tuple[str, ...]
) -> str | None:
    if value.get(key) is None:
        return None
    where = f"{path}.{key}"
    medium = reader.mapping(value[key], where, ("max_resolution",))
    resolution = medium.get("max_resolution")
    if resolution not in allowed:
        shown = ", ".join(allowed)
        raise reader.fail(
            f"{where}.max_resolution", f"expected one of {shown}, got {got(resolution)}"
        )
    return str(resolution)


def _attendee(
    reader: SeedReader,
    raw: object,
    path: str,
    meeting_id: str,
    derive: Derive,
    seen: dict[str, str],
    features: MeetingFeatures,
) -> SeedAttendee:
    value = reader.mapping(raw, path, ("id", "external_user_id", "capabilities"))
    # as written: AWS keeps an ExternalUserId's white space (``dial-in-7 ``), as CreateAttendee does
    external = reader.text(value, "external_user_id", path, required=True, exact=True) or ""
    # ``aws:...``: an attendee AWS added itself (a media pipeline's), which CreateAttendee
    # refuses to any caller; the meeting may hold one all the same
    found = external_id_problem(external, "external_user_id", reserved=True)
    if found:
        raise reader.fail(f"{path}.external_user_id", found)
    if external in seen:  # the idempotency token: one attendee per ExternalUserId
        raise reader.fail(
            f"{path}.external_user_id",
            f"duplicate external_user_id {named(external)} (also at {seen[external]})",
        )
    seen[external] = path
    ident = _uuid(reader, value, path) or derive(meeting_id, "attendee", external)
    ident = reader.claim(ident, f"{path}.id")
    caps = _capabilities(reader, value, path) or features.default_capabilities()
    return SeedAttendee(ident, external, caps)


def _capabilities(reader: SeedReader, value: dict[str, Any], path: str) -> Capabilities | None:
    raw = value.get("capabilities")
    if raw is None:
        return None  # what CreateAttendee gives one without (``default_capabilities``)
    where = f"{path}.capabilities"
    caps = reader.mapping(raw, where, AXES)
    values = []
    for axis in AXES:
        if axis not in caps:
            raise reader.fail(where, f"missing required key {axis!r}")
        found = value_problem(axis, caps[axis])
        if found:
            raise reader.fail(f"{where}.{axis}", found)
        values.append(caps[axis])
    result = Capabilities(*values)
    found = problem(result)
    if found:
        raise reader.fail(where, found)
    return result


def _uuid(reader: SeedReader, value: dict[str, Any], path: str) -> str | None:
    given = reader.text(value, "id", path, required=False)
    if given is not None and not UUID_RE.match(given):
        raise reader.fail(
            f"{path}.id", f"expected a UUID (the model's id pattern), got {got(given)}"
        )
    return None if given is None else given.lower()  # as AWS makes ids: one id, one meeting
