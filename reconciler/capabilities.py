"""Chime SDK meeting attendee capabilities: a triple (audio, video, content), each one of
``SendReceive``, ``Send``, ``Receive`` or ``None`` (botocore's ``MediaCapabilities``).

Pure values and rules shared by the emulator and the meetings kind:

- AWS's rule (the ``AttendeeCapabilities`` documentation): content ``SendReceive`` or
  ``Receive`` needs video ``SendReceive`` or ``Receive``; anything else is a 400.
- How two grants combine, per axis (``join``): each value is a set of directions
  (``None`` = {}, ``Send`` = {send}, ``Receive`` = {receive}, ``SendReceive`` = both) and
  the larger set wins; ``Send`` with ``Receive`` gives ``SendReceive``. A join of two
  valid triples is valid (it only ever adds video receive).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SEND_RECEIVE, SEND, RECEIVE, NONE = "SendReceive", "Send", "Receive", "None"
VALUES: tuple[str, ...] = (SEND_RECEIVE, SEND, RECEIVE, NONE)  # the model's enum order
AXES: tuple[str, ...] = ("audio", "video", "content")
RECEIVING = frozenset({SEND_RECEIVE, RECEIVE})

_DIRECTIONS: dict[str, frozenset[str]] = {
    NONE: frozenset(),
    SEND: frozenset({"send"}),
    RECEIVE: frozenset({"receive"}),
    SEND_RECEIVE: frozenset({"send", "receive"}),
}
_BY_DIRECTIONS = {directions: value for value, directions in _DIRECTIONS.items()}


@dataclass(frozen=True, order=True, slots=True)
class Capabilities:
    """One attendee's capabilities. Values are checked with ``value_problem``/``problem``
    by whoever builds them from input; the constructor does not raise."""

    audio: str = SEND_RECEIVE
    video: str = SEND_RECEIVE
    content: str = SEND_RECEIVE
    # the profile a file names them by at an attendee's entry (``kinds.meetings.profiles``),
    # for messages only: never compared, hashed or shown (QA-FE Q-FE-4)
    profile: str | None = field(default=None, compare=False, repr=False)

    def to_api(self) -> dict[str, str]:
        """As botocore's ``AttendeeCapabilities``."""
        return {"Audio": self.audio, "Video": self.video, "Content": self.content}

    def to_dict(self) -> dict[str, str]:
        """As the seed and desired-state files write it (lower-case keys)."""
        return {"audio": self.audio, "video": self.video, "content": self.content}

    def __str__(self) -> str:
        return f"audio {self.audio}, video {self.video}, content {self.content}"


ALL = Capabilities()

# The built-in capability profiles a meeting's ``attendees:`` may name (``settings.yaml``
# ``capability_profiles:`` adds others).
BUILTIN_PROFILES: dict[str, Capabilities] = {
    "presenter": Capabilities(SEND_RECEIVE, SEND_RECEIVE, SEND_RECEIVE),
    "participant": Capabilities(SEND_RECEIVE, SEND_RECEIVE, RECEIVE),
    "viewer": Capabilities(RECEIVE, RECEIVE, RECEIVE),
}


def value_problem(axis: str, value: object) -> str | None:
    """Why ``value`` is not a capability value for ``axis``, or None."""
    if isinstance(value, str) and value in VALUES:
        return None
    return f"{axis} must be one of {', '.join(VALUES)}, got {value!r}"


def problem(caps: Capabilities) -> str | None:
    """Why AWS would refuse ``caps``, or None if it is a valid combination."""
    for axis in AXES:
        found = value_problem(axis, getattr(caps, axis))
        if found is not None:
            return found
    if caps.content in RECEIVING and caps.video not in RECEIVING:
        return f"content {caps.content} needs video SendReceive or Receive, got video {caps.video}"
    return None


def without_send(value: str) -> str:
    """``value`` with its send direction taken away (``SendReceive`` -> ``Receive``,
    ``Send`` -> ``None``)."""
    return _BY_DIRECTIONS[_DIRECTIONS[value] - {"send"}]


def join_value(a: str, b: str) -> str:
    return _BY_DIRECTIONS[_DIRECTIONS[a] | _DIRECTIONS[b]]


def join(a: Capabilities, b: Capabilities) -> Capabilities:
    """Per axis, the union of what either grants (the larger wins)."""
    return Capabilities(
        join_value(a.audio, b.audio),
        join_value(a.video, b.video),
        join_value(a.content, b.content),
    )


def from_api(doc: object) -> Capabilities | str:
    """``Capabilities`` from botocore's ``AttendeeCapabilities`` mapping, or the problem
    with it (missing or unknown values; the combination rule is not checked here)."""
    if not isinstance(doc, dict):
        return "Capabilities must be an object with Audio, Video and Content"
    values: list[str] = []
    for axis in AXES:
        key = axis.capitalize()
        value = doc.get(key)
        if value is None:
            return f"Capabilities.{key} is required"
        found = value_problem(f"Capabilities.{key}", value)
        if found is not None:
            return found
        values.append(str(value))
    return Capabilities(*values)
