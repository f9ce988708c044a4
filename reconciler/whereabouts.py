"""Where a provider finds one member (``chime-reconciler audit``): plain frozen values,
produced only by a provider's ``MemberFinder.where`` and joined with the desired state
by ``reconciler.audit``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from reconciler.desired.model import DesiredTarget
from reconciler.live import LiveMember, LiveState
from reconciler.refs import TargetKey


@dataclass(frozen=True)
class ScopeLookup:
    """The member's ids in one scope (a Chime account, an app instance): none when Chime
    has no such member there."""

    scope: str
    member_ids: tuple[str, ...]
    label: str = ""  # how settings.yaml names the scope, when it does (an app instance's)


@dataclass(frozen=True, order=True)
class Found:
    """One live membership of the member: in the target of kind ``kind`` (``Kind.id``)
    that Chime calls ``name``, with the id ``target_id``, in ``scope``."""

    kind: str
    scope: str
    name: str
    target_id: str
    membership: LiveMember
    # the declared target it is, where the provider read it as one (a meeting, whose id
    # the file may give as ``${VARIABLE}``); None: matched by id, else by name
    key: TargetKey | None = None


@dataclass(frozen=True)
class NotThere:
    """A declared target that has the member in no role, as the provider found it: its
    id as Chime has it (None: Chime has no such target, or several), and why a plan will
    not add the member there: a ``problem`` the plan reports (``Chime has no channel of
    that name``), or what ``refused`` it (``banned``) and ``because`` (``a plan never
    lifts a ban``). Neither: the plan adds it."""

    key: TargetKey
    target_id: str | None
    problem: str = ""
    refused: str = ""
    because: str = ""


@dataclass(frozen=True)
class Whereabouts:
    """What a provider found of a member: the scopes it looked in (``lookups``), of the
    target kinds it can list (``kinds``), the memberships there, and, where it looked,
    the declared targets that have the member in no role (``absent``; a target not in it
    is one the plan adds the member to, or reports, as the planner says), and those that
    have it but that the plan fails on all the same (a ``problem``: a room name several
    Chime rooms share)."""

    kinds: tuple[str, ...]
    lookups: tuple[ScopeLookup, ...]
    found: tuple[Found, ...]
    absent: tuple[NotThere, ...] = ()
    # targets where the provider refuses the member the role declared (a meeting's
    # features), and why: the plan leaves that role as it is
    refusals: tuple[tuple[TargetKey, str], ...] = ()
    # declared targets the plan refuses as a whole, and its reason (a channel declaring a
    # ``bot:NAME`` that several AppInstanceBots have): the plan changes nothing there
    unplanned: tuple[tuple[TargetKey, str], ...] = ()
    # targets declared by name that may be one another entry declares by id
    # (``names_to_resolve``), with the id of the one target Chime has of that name, as the
    # plan resolves it; a name several targets share (or none) is not here (Q-BU-1)
    named: tuple[tuple[TargetKey, str], ...] = ()
    # the provider's read of every declared target of ``kinds``, in full, as plan reads
    # them, where it made one to find the member (a meeting's GetMeeting and every page of
    # ListAttendees): audit's plan-wide read reuses it, not reading them twice (QA-FO
    # Q-FO-6). None: its reads stop at the member (a room's)
    read: LiveState | None = field(default=None, compare=False)


def names_to_resolve(
    found: Sequence[Found], targets: Sequence[DesiredTarget]
) -> list[DesiredTarget]:
    """The ``targets`` declared by name that a live row of ``found`` (not read as a
    declared target) has the name of, where another of ``targets`` declares that row's
    target by id. Whether they are one target, declared twice, is known only from the
    scope's listing: one target of that name (``Whereabouts.named``), not several."""
    by_id = {(t.key.kind, t.key.scope, t.target_id) for t in targets if t.target_id is not None}
    names = {
        (f.kind, f.scope, f.name)
        for f in found
        if f.key is None and (f.kind, f.scope, f.target_id) in by_id
    }
    return [
        t for t in targets if t.target_id is None and (t.key.kind, t.key.scope, t.key.name) in names
    ]
