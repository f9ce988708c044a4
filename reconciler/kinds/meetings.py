"""The meeting kind: Chime SDK meeting attendees (service ``chime-sdk-meetings``).

A meeting is named by id (``meeting_id``: a UUID, or ``${VARIABLE}`` read from the
environment when plan or apply runs): the API cannot list meetings. Its ``attendees:`` map
a reference (e-mail, ``@group``, or any ExternalUserId) to a capability profile; the role
of an attendee is a capability triple (``reconciler.capabilities.Capabilities``). Several
paths to one attendee join per axis (the larger wins: ``Send`` and ``Receive`` make
``SendReceive``); capabilities always change in place (UpdateAttendeeCapabilities);
BatchCreateAttendee takes 100 attendees, each with its own capabilities. Elevated (a
*presenter*: ``require_reason``, removal limits, ``max_grant_days: {presenters: N}``) is
every triple that may send content (content ``Send`` or ``SendReceive``). Profiles: the
built-in ``presenter``, ``participant`` and ``viewer``, and ``capability_profiles:`` in
settings.yaml. An attendee's value may be the mapping ``{profile, until, reason, ticket}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from reconciler.capabilities import (
    AXES,
    BUILTIN_PROFILES,
    NONE,
    SEND,
    SEND_RECEIVE,
    VALUES,
    Capabilities,
    join,
    problem,
    value_problem,
    without_send,
)
from reconciler.desired.meeting_spec import (
    PROFILE_RE,
    MeetingSpec,
    as_entry,
    attendee_problem,
    canonical_id,
    env_name,
    is_meeting_id,
    profile_of,
    written_id,
)
from reconciler.desired.messages import closest
from reconciler.external_ids import RESERVED_PREFIX
from reconciler.kinds.base import EntryPath, Kind, RoleValue, Words
from reconciler.quoted import quoted
from reconciler.refs import BOT_PREFIX, EMAIL_RE, MemberKind, MemberRef

MEETING_BATCH = 100  # BatchCreateAttendee: Attendees 1-100 (botocore model)
# AWS: at most 250 attendees a meeting, not adjustable (shared/CHIME_SDK.md)
MAX_MEETING_ATTENDEES = 250
MEETING_ID = "meeting"
ATTENDEES = "attendees"  # the list key of every attendee (``max_grant_days``)
PRESENTERS = "presenters"  # the key of elevated attendees (``max_grant_days``)
# elevated: every valid triple that may send content (share a screen): a presenter
PRESENTING = frozenset(
    c
    for c in (Capabilities(a, v, x) for a in VALUES for v in VALUES for x in (SEND, SEND_RECEIVE))
    if problem(c) is None
)


def meeting_member(text: str) -> MemberRef:
    """An attendee as written (white space around it aside): ``bot:NAME``, an e-mail
    address (compared ignoring case), or any other ExternalUserId (compared as written).
    ``bot:NAME`` is exactly that: ``bot:`` in lower case, then a name with no white space
    around it (the ExternalUserId it is created with, as a group's ``bot:NAME`` is); any
    other spelling (``Bot:Recorder``, ``bot: Recorder``) is an ExternalUserId as written
    (Q-EC-2). ValueError for what AWS refuses as an ExternalUserId (not 2 to 64
    characters, or ``aws:...``)."""
    stripped = text.strip()
    if not stripped:
        raise ValueError("empty attendee reference")
    found = attendee_problem(stripped)
    if found:
        raise ValueError(found)
    name = stripped[len(BOT_PREFIX) :]
    if stripped.startswith(BOT_PREFIX) and name and name == name.strip():
        return MemberRef.bot(name)
    if EMAIL_RE.match(stripped):
        return MemberRef.user(stripped)
    return MemberRef.external(stripped)


def looked_up_attendee(text: str) -> MemberRef:
    """An attendee as ``explain`` and ``audit`` read MEMBER: one in AWS's ``aws:`` prefix
    (in any case) is AWS's own (``MemberKind.AWS``, white space around it aside: never
    declared nor managed, but a meeting may have it, Q-EK-2); one with white space around
    it is that ExternalUserId exactly, as ``live_attendee`` reads a live one (no declared
    attendee is: the plan removes it under prune, Q-EQ-2); any other as
    ``meeting_member`` reads it (``user:EMAIL`` too: the ExternalUserId as written,
    Q-EQ-1)."""
    stripped = text.strip()
    if stripped.lower().startswith(RESERVED_PREFIX):
        return MemberRef.aws(stripped)
    if stripped and text != stripped:
        return MemberRef(MemberKind.EXTERNAL, text, text)
    return meeting_member(text)


def live_attendee(text: str) -> MemberRef:
    """A live attendee by its ExternalUserId: one in AWS's reserved ``aws:`` prefix (in any
    case) is AWS's own (``MemberKind.AWS``: a media pipeline's ``aws:MediaPipeline-...``;
    no caller can create one, so none is declared: the meeting kind never manages them);
    any other as ``meeting_member`` reads it, and one AWS would not have taken from a
    caller as it is, or with white space around it, as an ExternalUserId compared exactly
    as AWS holds it."""
    if text.lower().startswith(RESERVED_PREFIX):
        return MemberRef.aws(text)
    exact = MemberRef(MemberKind.EXTERNAL, text, text)
    if text != text.strip():  # AWS keeps white space around it: no declared one (Q-EC-2)
        return exact
    try:
        return meeting_member(text)
    except ValueError:  # not one AWS would have accepted: shown as it is
        return exact


def external_user_id(ref: MemberRef) -> str:
    """The ExternalUserId an attendee is created with (``meeting_member`` reads it back)."""
    return str(ref)


def attendee_ref_problem(ref: MemberRef) -> str | None:
    """Why AWS would refuse the ExternalUserId ``ref`` is created with, or None (an
    e-mail address a group brings is not checked as an attendee where it is written)."""
    return attendee_problem(external_user_id(ref))


def profiles(settings: BaseModel | None) -> dict[str, Capabilities]:
    """The built-in profiles and those of ``settings.yaml``, each knowing its name (an
    entry's role says which profile it was written as, ``Capabilities.profile``)."""
    custom = getattr(settings, "capability_profiles", None) or {}
    known = {**BUILTIN_PROFILES, **{name: spec.capabilities for name, spec in custom.items()}}
    return {name: replace(caps, profile=name) for name, caps in known.items()}


def unknown_profile(profile: str, known: list[str]) -> str:
    """Why ``profile`` is refused: the known one it is likely a slip of (``Viewer``), or
    the known ones and where to add it."""
    suggestion = closest(profile, known)
    if suggestion is not None:
        return f"unknown capability profile {quoted(profile)} (did you mean {suggestion!r}?)"
    return (
        f"unknown capability profile {quoted(profile)} (known: {', '.join(known)}; "
        "add yours under capability_profiles in settings.yaml)"
    )


@dataclass(frozen=True)
class MeetingKind(Kind):
    """``Kind`` with roles that are capability triples named by profiles."""

    def written_id(self, target_id: str) -> str | None:
        """None for a ``${VARIABLE}`` (the text names a variable, not an id: Q-EE-3)."""
        return None if env_name(target_id) is not None else target_id

    def scope_is_variable(self, scope: str) -> bool:
        return env_name(scope) is not None

    def id_aliases(self, target_id: str, environ: Mapping[str, str]) -> tuple[str, ...]:
        """The meeting id ``${VARIABLE}`` holds (the id the plan's header shows), as it
        holds it and in lower case, and a literal id in lower case (``canonical_id``): a
        value that is not a meeting id is never matched, nor offered as "did you mean", so
        never shown (Q-AF-2)."""
        variable = env_name(target_id)
        if variable is None:
            written = target_id.strip()
            return tuple({canonical_id(written)} - {written})
        value = environ.get(variable, "").strip()
        return tuple(dict.fromkeys((value, canonical_id(value)))) if is_meeting_id(value) else ()

    def entry_lists(
        self, spec: BaseModel, settings: BaseModel | None = None
    ) -> Iterator[tuple[EntryPath, Iterable[tuple[str | int, Any, RoleValue]]]]:
        known = profiles(settings)
        attendees: dict[str, Any] = getattr(spec, "attendees", {})
        yield (
            ("attendees",),
            [
                (text, as_entry(text, value), known[profile_of(value)])
                for text, value in attendees.items()
                if profile_of(value) in known  # an unknown one is an ``entry_problems`` problem
            ],
        )

    def entry_problems(
        self, spec: BaseModel, settings: BaseModel | None = None
    ) -> Iterator[tuple[EntryPath, str]]:
        known = profiles(settings)
        attendees: dict[str, Any] = getattr(spec, "attendees", {})
        for text, value in attendees.items():
            profile = profile_of(value)
            # a name against the rule passed validation only because settings.yaml
            # defines it: reported there, once (Q-CH-5)
            if profile not in known and PROFILE_RE.match(profile):
                yield ("attendees", text), unknown_profile(profile, sorted(known))

    def limit_keys(self, role: RoleValue) -> tuple[str, ...]:
        return (PRESENTERS, ATTENDEES) if self.is_elevated(role) else (ATTENDEES,)

    def grant_keys(self) -> tuple[str, ...]:
        return (PRESENTERS, ATTENDEES)

    def is_entry_path(self, path: EntryPath) -> bool:
        return False  # attendees are a mapping: see is_keyed_entry_path

    def is_keyed_entry_path(self, path: EntryPath) -> bool:
        return len(path) == 2 and path[0] == ATTENDEES and isinstance(path[1], str)

    def combine(self, roles: Sequence[RoleValue]) -> RoleValue:
        caps = [_caps(r) for r in roles]
        result = caps[0]
        for c in caps[1:]:
            result = join(result, c)
        return result

    def without_elevation(self, role: RoleValue) -> RoleValue | None:
        """A presenter no longer: its content without ``Send`` (``SendReceive`` ->
        ``Receive``; ``None`` where AWS would refuse content ``Receive`` for its video),
        audio and video as they are."""
        c = _caps(role)
        lowered = Capabilities(c.audio, c.video, without_send(c.content))
        return lowered if problem(lowered) is None else Capabilities(c.audio, c.video, NONE)

    def role_text(self, role: RoleValue) -> str:
        c = _caps(role)
        return f"audio {c.audio}, video {c.video}, content {c.content}"

    def role_json(self, role: RoleValue) -> Any:
        return _caps(role).to_dict()

    def parse_role(self, value: Any) -> RoleValue:
        if not isinstance(value, dict) or set(value) != set(AXES):
            raise ValueError("expected {audio, video, content} capabilities")
        for axis in AXES:
            found = value_problem(axis, value[axis])
            if found:
                raise ValueError(found)
        caps = Capabilities(value["audio"], value["video"], value["content"])
        found = problem(caps)
        if found:
            raise ValueError(found)
        return caps

    def updates_in_place(self, member_kind: MemberKind) -> bool:
        return True  # UpdateAttendeeCapabilities, for any attendee


def _caps(role: RoleValue) -> Capabilities:
    if not isinstance(role, Capabilities):
        raise TypeError(f"a meeting role is a Capabilities value, not {role!r}")
    return role


MEETING = MeetingKind(
    id=MEETING_ID,
    service="chime-sdk-meetings",
    words=Words(
        noun="meeting",
        plural="meetings",
        scope="meeting_id",
        elevated=("presenter", "presenters"),
        demotion="as presenter",
        role="capabilities",
        members="attendees",
        member=("attendee", "attendees"),
        kept_as="an attendee",
        never_managed_why="AWS's own attendee (never managed)",
        id_key="id",  # audit's JSON: the id Chime answered to (``meeting_id`` is the scope)
        scope_column=False,  # each meeting is its own scope: its id, in MEETING ID
        id_prose="`meeting_id`",
        id_note=": a UUID (in any case), or a `${VARIABLE}` as written",
        safety_note=" (no minimum: no role manages a meeting's attendees)",
    ),
    section="meetings",
    spec=MeetingSpec,
    role_lists=(),
    scope_setting="meeting_id",
    scope_field="meeting_id",
    id_field="meeting_id",
    id_stand_in="${_}",  # required: any valid id stands in for a broken one
    id_per_scope=False,  # a meeting id is unique; its scope is the id as written
    normal_id=written_id,  # a UUID in any case is one meeting (Q-CH-2)
    names_per_scope=False,  # so its name is unique among all meetings (QA-J Q-J-4)
    no_scope_message="meeting has no meeting_id",
    roles=(),
    ranked=False,
    elevated=PRESENTING,
    minimum_setting=None,
    ends=True,  # AWS ends every meeting: ``apply --watch`` watches meetings
    member_ids_change=True,  # an attendee who joins again has a new AttendeeId
    apply_minimum=1,  # a meeting is never left without a presenter while it is changed
    member_parser=meeting_member,
    lookup_parser=looked_up_attendee,  # explain/audit: AWS's own attendees too
    max_members=MAX_MEETING_ATTENDEES,
    full_error="LimitExceeded",  # AWS's error code for an add over it
    member_problem=attendee_ref_problem,
    # AWS's own attendees (``aws:MediaPipeline-...``: recording, transcription, a live
    # connector): listed as unmanaged, never changed or removed, never drift (as a room's
    # webhooks)
    never_managed=frozenset({MemberKind.AWS}),
    in_place=frozenset(MemberKind),
    batch_size=MEETING_BATCH,
    batch_by_role=False,
    apply_phase=0,
)
