"""The live state as read from AWS: plain frozen values, produced only by providers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter

from reconciler import kinds
from reconciler.kinds import RoleValue
from reconciler.refs import Location, MemberKind, MemberRef, TargetKey


@dataclass(frozen=True, order=True)
class LiveMember:
    """One live membership. ``ref`` is derived from the listing (``Member.Email`` for users,
    ``bot:FullName`` for bots, ``webhook:FullName`` for webhooks)."""

    ref: MemberRef
    member_id: str
    kind: MemberKind
    role: RoleValue  # a role of the target's kind


_role, _member_id = attrgetter("role"), attrgetter("member_id")


def declared_match(declared: MemberRef, members: Iterable[LiveMember]) -> LiveMember | None:
    """The live member the planner matches the declaration of ``declared`` with
    (``planner.plan_target``): of those with its ref (meeting attendees whose e-mail
    ExternalUserIds differ only in case share one), the one spelled as declared, else the
    first in the planner's order (its spelling, then its id); the others are undeclared.
    One rule for the provider's refusals, ``explain`` and ``audit`` (QA-FE Q-FE-1, 3)."""
    found = sorted((m for m in members if m.ref == declared), key=_SPELLING_THEN_ID)
    spelled = next((m for m in found if m.ref.display == declared.display), None)
    return spelled or (found[0] if found else None)


_SPELLING_THEN_ID = attrgetter("ref.display", "member_id")


@dataclass(frozen=True)
class LiveTarget:
    key: TargetKey
    target_id: str
    members: tuple[LiveMember, ...]  # sorted
    # the most members this target takes where it says so itself (a meeting created with
    # ``MeetingFeatures.Attendee.MaxCount``); None: the kind's (``Kind.max_members``)
    max_members: int | None = None

    @property
    def fingerprint(self) -> str:
        """Digest of the memberships (id and role); a saved plan refuses to apply when the
        target's fingerprint has changed since the plan was made."""
        text = kinds.get(self.key.kind).role_text
        texts = {role: text(role) for role in set(map(_role, self.members))}  # a few roles
        lines = "".join(
            [f"{m.member_id}\0{texts[m.role]}\n" for m in sorted(self.members, key=_member_id)]
        )
        return "sha256:" + hashlib.sha256(lines.encode()).hexdigest()


@dataclass(frozen=True)
class LiveProblem:
    """Something the provider could not resolve, located where the desired state said it:
    an unknown e-mail, an unknown bot, a room that does not exist."""

    target: TargetKey | None
    location: Location | None
    message: str
    # an error of the settings, not of the target: a ``bearers:`` entry not found or listed
    # twice (its line); ``explain`` gives it as why the target was not read, and fails with
    # it, as ``plan`` and ``audit`` do (QA-EL Q-EL-1)
    of_settings: bool = False
    # the id the target was looked for by, where it was read and left out (a meeting
    # that has ended: its ``${VARIABLE}`` read); None otherwise
    target_id: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


# why a target refuses a declared member: the problems reporting it, each at its line
Refusal = tuple[LiveProblem, ...]


def refusal_in(refusal: Refusal, target: TargetKey) -> str:
    """The reason ``refusal`` gives for ``target`` (its problem's message), or ""."""
    return next((p.message for p in refusal if p.target == target), "")


@dataclass(frozen=True)
class Unplanned:
    """A target the plan refuses as a whole, as the provider left it: as read (a channel
    declaring a ``bot:NAME`` two bots share), or None when not read at all (a room
    declared twice); ``why``: the plan's reason (its problem's message)."""

    target: LiveTarget | None
    why: str


@dataclass(frozen=True)
class LiveState:
    targets: dict[TargetKey, LiveTarget] = field(default_factory=dict)
    member_ids: dict[MemberRef, str] = field(default_factory=dict)  # resolution of refs
    problems: tuple[LiveProblem, ...] = ()
    # Resolution per scope (a Chime account): the same e-mail is a different user id in
    # each account. Preferred over ``member_ids`` when present.
    scoped_member_ids: dict[tuple[str, MemberRef], str] = field(default_factory=dict)
    # Located notes that are not errors: a target left out for a reason that must not stop
    # the others (a meeting that has ended).
    notices: tuple[LiveProblem, ...] = ()
    # The ids of targets declared outside the run's scope (``DesiredState.elsewhere``, the
    # other shards'), resolved without reading them: compared, not planned (``declared_once``)
    elsewhere_ids: dict[TargetKey, str] = field(default_factory=dict)
    # (target id, member) -> why: a declared member the room, channel or meeting of that id
    # refuses as declared (banned from a channel; asking for video in a meeting created
    # without it), with the problems reporting it (also in ``problems``), one per declared
    # target of that id. Resolution is per scope, a refusal per target: the planner neither
    # adds it to nor changes its role in any target of that id (a channel's memberships and
    # its moderators alike), wherever else its id resolved; ``explain`` gives the reason.
    refused: Mapping[tuple[str, MemberRef], Refusal] = field(default_factory=dict)
    # Targets the provider leaves out of ``targets`` because the plan refuses each as a
    # whole (one of its ``problems`` says why): never planned; ``explain`` shows them as
    # the plan refuses them (Q-BJ-2).
    unplanned: Mapping[TargetKey, Unplanned] = field(default_factory=dict)

    def ids_in(self, scope: str) -> dict[MemberRef, str]:
        """The member ids valid in ``scope``. When the provider resolved per scope, only
        that scope's resolutions: an e-mail known in another account is not a user here."""
        if self.scoped_member_ids:
            return {ref: mid for (s, ref), mid in self.scoped_member_ids.items() if s == scope}
        return dict(self.member_ids)


def merged(states: Iterable[LiveState]) -> LiveState:
    """One live state from several providers' (one per kind). A state that resolved members
    without scopes has its resolutions scoped to each of its own targets' scopes."""
    states = list(states)
    if len(states) == 1:
        return states[0]
    targets: dict[TargetKey, LiveTarget] = {}
    member_ids: dict[MemberRef, str] = {}
    scoped: dict[tuple[str, MemberRef], str] = {}
    problems: list[LiveProblem] = []
    notices: list[LiveProblem] = []
    elsewhere: dict[TargetKey, str] = {}
    refused: dict[tuple[str, MemberRef], Refusal] = {}
    unplanned: dict[TargetKey, Unplanned] = {}
    for s in states:
        targets.update(s.targets)
        unplanned.update(s.unplanned)
        elsewhere.update(s.elsewhere_ids)
        member_ids.update(s.member_ids)
        problems.extend(s.problems)
        notices.extend(s.notices)
        refused.update(s.refused)
        if s.scoped_member_ids:
            scoped.update(s.scoped_member_ids)
        else:
            for scope in {k.scope for k in s.targets}:
                scoped.update({(scope, ref): mid for ref, mid in s.member_ids.items()})
    return LiveState(
        targets,
        member_ids,
        tuple(problems),
        scoped,
        tuple(notices),
        elsewhere,
        refused,
        unplanned,
    )
