"""The meetings provider: live attendees of the desired Chime SDK meetings, and the single
operations the applier drives (BatchCreateAttendee, UpdateAttendeeCapabilities,
DeleteAttendee).

Reading costs one GetMeeting call and ceil(max(A, 1) / 100) ListAttendees calls per
meeting of A attendees, meetings read in parallel; a meeting read again in the same run
(``apply --watch``'s rounds) costs its ListAttendees only (``_read_meeting``). Nothing
else: a meeting is named by id, and an attendee's ExternalUserId is what the desired
state says (an e-mail, ``bot:NAME`` or any text). GetMeeting gives the meeting's
``MeetingFeatures``: its own attendee maximum
(``LiveTarget.max_members``, which the planner and the applier use instead of AWS's 250)
and the media it was created without: a declared attendee whose capabilities ask for
video or content there (AWS refuses them, 400) is a located problem at the attendee's
line, and is neither added nor changed to them (``LiveState.refused``). ``read_ids``
(re-reads by id: a saved plan's, verification) lists attendees only: a saved plan carries
the maximum it was made with.

``meeting_id: ${VARIABLE}`` is read from the environment here, when plan or apply runs;
unset (or empty), it is a located error. A meeting two entries name once their ids are
resolved (``declared_once``) is reported then, and not read. A meeting the API does not
find (it has ended: AWS forgets ended meetings) is a located *notice*: it is left out of
the plan without failing the other targets.

JoinTokens never reach this module's values: see ``meetings_api``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from reconciler.capabilities import (
    AXES,
    NONE,
    RECEIVE,
    SEND,
    SEND_RECEIVE,
    Capabilities,
    problem,
)
from reconciler.declared_once import compared, declared_twice
from reconciler.desired.meeting_spec import (
    attendee_problem,
    canonical_id,
    env_name,
    is_meeting_id,
)
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.errors import NOT_FOUND_CODES, AwsError, TargetGone, not_found
from reconciler.kinds import RoleValue
from reconciler.kinds.meetings import MEETING, external_user_id, live_attendee
from reconciler.live import (
    LiveMember,
    LiveProblem,
    LiveState,
    LiveTarget,
    Refusal,
    Unplanned,
    declared_match,
)
from reconciler.pacing.pacer import Pacer
from reconciler.parallel import pmap
from reconciler.providers.attendee_ids import AttendeeIds
from reconciler.providers.base import CONFLICT, EnvironmentId, ItemError, Steps
from reconciler.providers.meetings_api import Attendee, MeetingFeatures, MeetingsApi
from reconciler.providers.meetings_finder import meetings_where
from reconciler.providers.paced import ClientProvider
from reconciler.providers.retry import RetryPolicy
from reconciler.providers.target_gone import gone_on, unless_gone
from reconciler.refs import MemberRef, Provenance, TargetKey
from reconciler.whereabouts import Whereabouts

T = TypeVar("T")
R = TypeVar("R")

ENDED = "has ended (or never existed): the meetings API does not find it; left out"


def expand(meeting_id: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The meeting id: a literal one, or the value of ``${VARIABLE}`` (None when unset), in
    lower case (``canonical_id``)."""
    name = env_name(meeting_id)
    if name is None:
        return canonical_id(meeting_id)
    value = canonical_id((os.environ if environ is None else environ).get(name, ""))
    return value or None


class MeetingsProvider(ClientProvider[MeetingsApi]):
    """Chime SDK meetings (service ``chime-sdk-meetings``). One instance per command run."""

    kind = MEETING.id

    ids: AttendeeIds  # the AttendeeIds of the ExternalUserIds this run has seen (read or made)
    features: dict[str, MeetingFeatures]  # by meeting id, as GetMeeting answered this run

    def started(self) -> None:
        # made before any reader thread: one made on first use by two threads at once was
        # two maps, and the AttendeeIds one recorded were lost (QA-AE Q-AE-2)
        self.ids = AttendeeIds()
        self.features = {}

    def open_api(self, client: Any, retry: RetryPolicy, pacer: Pacer | None) -> MeetingsApi:
        return MeetingsApi(client, retry, pacer)

    # -- for audit (``MemberFinder``) -------------------------------------------------------

    def where(
        self,
        member: MemberRef,
        desired: DesiredState | None,
        scopes: Sequence[str],
        steps: Steps,
    ) -> Whereabouts:
        """The declared meetings the member attends (``providers/meetings_finder.py``)."""

        def read(keys: Sequence[TargetKey]) -> LiveState:
            assert desired is not None
            before, self.progress = self.progress, lambda _key: steps.advance()
            try:
                return self.read(desired, keys, twins=True)
            finally:
                self.progress = before

        return meetings_where(member, desired, read, steps)

    # -- reading -------------------------------------------------------------------------

    def read(
        self,
        desired: DesiredState,
        only: Collection[TargetKey] | None = None,
        *,
        twins: bool = False,
    ) -> LiveState:
        """``twins``: a meeting declared twice is read all the same, once for its entries,
        and still reported (audit and explain show where a person is live: QA-GM Q-GM-4);
        plan and apply refuse it unread (Q-GI-11)."""
        scope = [
            t
            for t in desired.targets
            if t.key.kind == MEETING.id and (only is None or t.key in only)
        ]
        problems: list[LiveProblem] = []
        notices: list[LiveProblem] = []
        ids: dict[TargetKey, str] = {}
        for t in scope:
            meeting_id = self._meeting_id(t, problems)
            if meeting_id is not None:
                ids[t.key] = meeting_id
        # the other shards' meetings (``declared_once.compared``): their ids cost no call
        others = compared(scope, desired.elsewhere)
        resolved = ((t, _meeting_id(t)[0]) for t in others)
        elsewhere = {t.key: meeting_id for t, meeting_id in resolved if meeting_id is not None}
        # a meeting declared twice is reported now, and not read: the planner's own check
        # (``declared_once``) would refuse it after reading it (QA-GI Q-GI-11)
        twice = declared_twice(scope, {**elsewhere, **ids}, others)
        problems += twice.values()
        found = [t for t in scope if t.key in ids and (twins or t.key not in twice)]
        first: dict[str, DesiredTarget] = {}  # one read a meeting id, however many entries
        for t in found:
            first.setdefault(ids[t.key], t)
        if self.progress is not None:
            read_keys = {t.key for t in first.values()}
            for refused_key in twice:
                if refused_key not in read_keys:
                    self.progress(refused_key)
        unique = list(first.values())
        read = self._pmap(lambda t: self._read_meeting(t.key, ids[t.key]), unique)
        by_id = {ids[t.key]: reading for t, reading in zip(unique, read, strict=True)}
        readings = [by_id[ids[t.key]] for t in found]
        targets: dict[TargetKey, LiveTarget] = {}
        scoped: dict[tuple[str, MemberRef], str] = {}
        refusals: dict[tuple[str, MemberRef], Refusal] = {}
        unplanned = {k: Unplanned(None, p.message) for k, p in twice.items()}
        for t, reading in zip(found, readings, strict=True):
            if reading is None:
                shown = f"meeting {t.key.name} (id {ids[t.key]}) {ENDED}"
                notices.append(LiveProblem(t.key, t.location, shown, target_id=ids[t.key]))
                if t.key in twice:  # read, and found ended: said beside the refusal (Q-GO-2)
                    ended = LiveTarget(t.key, ids[t.key], ())
                    unplanned[t.key] = Unplanned(ended, f"{twice[t.key].message}; and {shown}")
                continue
            features, members = reading
            most = _own_maximum(features)
            targets[t.key] = LiveTarget(t.key, ids[t.key], tuple(members), most)
            for m in t.members:
                who = external_user_id(m.ref)
                why = attendee_problem(who)
                if why:
                    # only a group can bring one in (the loader refuses one written here)
                    path = m.provenance[0] if m.provenance else None
                    where = path.where if path else t.location
                    through = f" (through {path.chain})" if path and path.via else ""
                    shown = f"meeting {t.key.name}: {who}{through}: {why}"
                    problems.append(LiveProblem(t.key, where, shown))
                    continue
                # refused is a request: one holding just what is declared needs none (it
                # joined with AWS's default there, video Receive: QA-FE Q-FE-1)
                refused = _media_refused(features, _caps(m.role), m.provenance)
                held = declared_match(m.ref, members) if refused is not None else None
                if held is not None and held.role == m.role:
                    refused = None
                if refused is not None:  # at the path asking for the medium
                    asking, why = refused
                    through = f" (through {asking.chain})" if asking and asking.via else ""
                    shown = f"meeting {t.key.name}: {who}{through}: {why}"
                    at = asking.where if asking is not None else t.location
                    problem = LiveProblem(t.key, at, shown)
                    problems.append(problem)
                    # neither added nor changed to it (``LiveState.refused``)
                    key = (ids[t.key], m.ref)
                    refusals[key] = (*refusals.get(key, ()), problem)
                    continue
                scoped[(t.key.scope, m.ref)] = who
        return LiveState(
            targets=targets,
            problems=tuple(problems),
            scoped_member_ids=scoped,
            notices=tuple(notices),
            elsewhere_ids=elsewhere,
            refused=refusals,
            unplanned={
                k: Unplanned(targets[k], u.why) if k in targets else u for k, u in unplanned.items()
            },
        )

    def read_ids(self, targets: Sequence[tuple[TargetKey, str]]) -> dict[TargetKey, LiveTarget]:
        listings = self._pmap(lambda kt: self._read(*kt), targets)
        return {
            key: LiveTarget(key, meeting_id, tuple(members))
            for (key, meeting_id), members in zip(targets, listings, strict=True)
            if members is not None
        }

    def environment_id(self, target: DesiredTarget) -> EnvironmentId | None:
        """``meeting_id: ${VARIABLE}``: the variable and the id it holds now, as ``read``
        takes it (``base.EnvironmentIds``)."""
        raw = target.target_id or target.key.scope
        name = env_name(raw)
        if name is None:
            return None
        value = expand(raw)
        if value is None:
            return EnvironmentId(raw, name, None, "not set")
        return EnvironmentId(raw, name, value, value if is_meeting_id(value) else not_an_id(value))

    def _meeting_id(self, t: DesiredTarget, problems: list[LiveProblem]) -> str | None:
        meeting_id, problem = _meeting_id(t)
        if problem is not None:
            problems.append(LiveProblem(t.key, t.location, problem))
            if self.progress is not None:
                self.progress(t.key)
        return meeting_id

    def _read_meeting(
        self, key: TargetKey, meeting_id: str
    ) -> tuple[MeetingFeatures, list[LiveMember]] | None:
        """The meeting's features and attendees (None: it has ended, or never existed).
        The features are read once a run (``apply --watch``: once a watch, not once a
        round): only CreateMeeting sets them, and no call of the meetings API changes them
        (AWS does not say so in words; its API has no such call). Whether the meeting is
        still there is the listing's NotFound, each read."""
        features = self.features.get(meeting_id)
        if features is None:
            features = self._unless_gone(key, lambda: self.api.get_meeting(meeting_id))
            if features is None:
                return None
            self.features[meeting_id] = features
        members = self._read(key, meeting_id)
        return None if members is None else (features, members)

    def _read(self, key: TargetKey, meeting_id: str) -> list[LiveMember] | None:
        attendees = self._unless_gone(key, lambda: self.api.list_attendees(meeting_id))
        if attendees is None:
            return None
        if self.progress is not None:
            self.progress(key)
        self.ids.saw(meeting_id, attendees)
        return sorted(_live(a) for a in attendees)

    def _unless_gone(self, key: TargetKey, call: Callable[[], R]) -> R | None:
        """``call()``; None when it answers NotFound (the meeting has ended, or never
        existed: its read is over, and counted as such)."""
        return unless_gone(self.progress, key, call, NOT_FOUND_CODES)

    def _pmap(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return pmap(fn, items, self.parallelism)

    # -- writing -------------------------------------------------------------------------

    # A meeting that ended during the apply answers NotFound: ``TargetGone``, so that no
    # further call goes to it. BatchCreateAttendee names no attendee: its NotFound is the
    # meeting's; for the others one ListAttendees call per 100 attendees tells an attendee
    # gone from its meeting gone.
    #
    # A create names the attendee by its ExternalUserId (the ``member_id`` of a create),
    # the other calls by its AttendeeId: ``ids`` maps the one to the other.

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        """BatchCreateAttendee. ExternalUserId is AWS's idempotency token: an attendee
        already in the meeting (joined meanwhile) is answered unchanged; with capabilities
        other than those asked for it is a ``Conflict`` item carrying the capabilities the
        answer gives (``ItemError.live_role``), which the applier settles as for rooms
        without reading them again (sets the declared ones)."""
        try:
            made = self.api.batch_create(target_id, [(who, _caps(role)) for who, role in items])
        except AwsError as exc:
            if not_found(exc):
                raise TargetGone.of(exc) from exc
            raise
        self.ids.saw(target_id, made.attendees)
        asked = {who: _caps(role) for who, role in items}
        errors = dict(made.errors)
        for a in made.attendees:
            want = asked.get(a.external_user_id)
            if want is not None and a.capabilities != want and a.external_user_id not in errors:
                errors[a.external_user_id] = ItemError(
                    a.external_user_id,
                    CONFLICT,
                    f"{a.external_user_id} is in the meeting already, as {a.capabilities}",
                    live_role=a.capabilities,  # as answered: no GetAttendee to read it
                )
        return errors

    def update_role(
        self, target: TargetKey, target_id: str, member_id: str, role: RoleValue
    ) -> None:
        """UpdateAttendeeCapabilities, of the person as ``delete_member`` finds her: one
        who left and joined again meanwhile is updated under her new AttendeeId; one who
        left is a NotFound that says so (QA-AI Q-AI-1)."""
        caps = _caps(role)
        self._of_person(
            target_id, member_id, lambda a: self.api.update_capabilities(target_id, a, caps)
        )

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        """DeleteAttendee. NotFound with the meeting still there: the attendee is gone, but
        the person (its ExternalUserId) may have joined again meanwhile, as another
        attendee: that one is removed (the desired state removes the person)."""
        self._of_person(target_id, member_id, lambda a: self.api.delete(target_id, a))

    def _of_person(self, meeting_id: str, member_id: str, call: Callable[[str], None]) -> None:
        """``call`` with the AttendeeId ``member_id`` names. Answered NotFound with the
        meeting still there, the attendee is gone, but the person (its ExternalUserId) may
        have joined again meanwhile as another attendee: ``call`` with that one's
        AttendeeId. Not in the meeting: the NotFound, saying she left (a removal counts it
        ``already gone``). The normal case costs ``call`` alone."""
        attendee_id = self.ids.attendee_id(meeting_id, member_id)
        try:
            call(attendee_id)
        except AwsError as exc:
            if not not_found(exc):
                raise
            rejoined = self._rejoined(meeting_id, attendee_id, exc)
            if rejoined is None:
                raise _left(exc, self.ids.external_user_id(meeting_id, attendee_id)) from exc
            self._meeting_gone_on(meeting_id, lambda: call(rejoined))

    def _rejoined(self, meeting_id: str, attendee_id: str, exc: AwsError) -> str | None:
        """After a NotFound naming ``attendee_id``: the AttendeeId the same person has now
        (None: not in the meeting); ``TargetGone`` when the meeting is not found (one
        ListAttendees call per 100 attendees, the read that tells the two apart)."""
        who = self.ids.external_user_id(meeting_id, attendee_id)
        try:
            attendees = self.api.list_attendees(meeting_id)
        except AwsError as read:
            if not_found(read):
                raise TargetGone.of(exc) from exc
            raise exc from None
        self.ids.saw(meeting_id, attendees)
        now = [a.attendee_id for a in attendees if who is not None and a.external_user_id == who]
        return next((a for a in now if a != attendee_id), None)

    def _meeting_gone_on(self, meeting_id: str, call: Callable[[], None]) -> None:
        """``call``; its NotFound is ``TargetGone`` when the meeting itself is not found."""
        gone_on(call, lambda: self.api.found(meeting_id), NOT_FOUND_CODES)

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        try:
            return self.api.get(target_id, self.ids.attendee_id(target_id, member_id)).capabilities
        except AwsError as exc:
            if not_found(exc):
                return None
            raise


def _left(exc: AwsError, who: str | None) -> AwsError:
    """``exc``, a NotFound naming an attendee of a meeting still there, saying that the
    person left it meanwhile (and is not in it under another AttendeeId)."""
    person = who if who is not None else "the attendee"
    return AwsError(
        exc.operation,
        exc.code,
        f"{person} left the meeting during the apply and is not in it now ({exc.message})",
        exc.context,
        may_have_been_made=exc.may_have_been_made,
    )


def _meeting_id(t: DesiredTarget) -> tuple[str | None, str | None]:
    """The meeting id ``t`` names now, or None and why not."""
    raw = t.target_id or t.key.scope
    meeting_id = expand(raw)
    if meeting_id is None:
        return None, (
            f"meeting {t.key.name}: meeting_id {raw} names the environment variable "
            f"{env_name(raw)}, which is not set"
        )
    if not is_meeting_id(meeting_id):
        return None, f"meeting {t.key.name}: {raw} is {not_an_id(meeting_id)}"
    return meeting_id, None


def not_an_id(value: str) -> str:
    """What a variable holding ``value``, not a meeting id, holds, as messages say it:
    never the value itself, which may be anything the environment has (QA-AA Q-AA-1)."""
    return f"not a meeting id (a UUID; its value, {len(value)} characters, is not shown)"


def _own_maximum(features: MeetingFeatures) -> int | None:
    """The meeting's own maximum of attendees when it is below AWS's (the kind's), else
    None: AWS's 250 holds for a meeting created without MaxCount (GetMeeting may state it,
    or say nothing)."""
    most, kinds = features.max_count, MEETING.max_members
    if most is None or kinds is None or most >= kinds:
        return None
    return most


def _media_refused(
    features: MeetingFeatures, caps: Capabilities, paths: Sequence[Provenance]
) -> tuple[Provenance | None, str] | None:
    """The path and why AWS would refuse an attendee with ``caps`` (reached by ``paths``)
    in a meeting with ``features``: it asks for media the meeting was created without
    (the first path whose profile asks for what the attendee does on those media, else
    the first asking for one of them, naming that path's profile); None when AWS takes it."""
    axes = [a for a in AXES if a in features.off and getattr(caps, a) != NONE]
    if not axes:
        return None
    asking = [p for p in paths if any(getattr(_caps(p.role), a) != NONE for a in axes)]
    whole = [p for p in asking if all(getattr(_caps(p.role), a) == getattr(caps, a) for a in axes)]
    path = (whole or asking)[0] if asking else None
    shown = _profile(_caps(path.role)) if path is not None else f"capabilities ({caps}) "
    media = " and ".join(axes)
    return path, (
        f"{shown}asks for {' and '.join(f'{a} {getattr(caps, a)}' for a in axes)}, but the "
        f"meeting was created without {media} (MeetingFeatures "
        f"{' and '.join(a.capitalize() for a in axes)} MaxResolution None): AWS refuses any "
        f"{media} capability but None there; give this attendee a profile with "
        f"{_advice(caps, axes)}"
    )


def _advice(caps: Capabilities, axes: Sequence[str]) -> str:
    """What a profile AWS takes there has on the refused ``axes`` (None), and, where that
    breaks AWS's combination rule (``capabilities.problem``: content Receive or SendReceive
    needs video), on content too: advice that ``validate`` then accepts (QA-FE Q-FE-2)."""
    wanted = [f"{a} None" for a in axes]
    if problem(replace(caps, **{a: NONE for a in axes})) is not None:
        wanted.append(
            f"content {SEND} or {NONE} (content {caps.content} needs video "
            f"{SEND_RECEIVE} or {RECEIVE})"
        )
    return " and ".join(wanted)


def _profile(caps: Capabilities) -> str:
    """``profile NAME (capabilities) `` for the profile the path's entry names, else the
    capabilities."""
    shown = f"({caps}) "
    return f"profile {caps.profile} {shown}" if caps.profile else f"capabilities {shown}"


def _live(a: Attendee) -> LiveMember:
    ref = (
        live_attendee(a.external_user_id)
        if a.external_user_id
        else MemberRef.external(a.attendee_id)
    )
    return LiveMember(ref=ref, member_id=a.attendee_id, kind=ref.kind, role=a.capabilities)


def _caps(role: RoleValue) -> Capabilities:
    if not isinstance(role, Capabilities):
        raise TypeError(f"a meeting role is a Capabilities value, not {role!r}")
    return role
