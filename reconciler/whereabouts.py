"""Where a provider finds one member (``chime-reconciler audit``): plain frozen values,
produced only by a provider's ``MemberFinder.where`` and joined with the desired state
by ``reconciler.audit``."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.live import LiveMember


@dataclass(frozen=True)
class ScopeLookup:
    """The member's ids in one scope (a Chime account, an app instance): none when Chime
    has no such member there."""

    scope: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True, order=True)
class Found:
    """One live membership of the member: in the target of kind ``kind`` (``Kind.id``)
    that Chime calls ``name``, with the id ``target_id``, in ``scope``."""

    kind: str
    scope: str
    name: str
    target_id: str
    membership: LiveMember


@dataclass(frozen=True)
class Whereabouts:
    """What a provider found of a member: the scopes it looked in (``lookups``), of the
    target kinds it can list (``kinds``), and the memberships there."""

    kinds: tuple[str, ...]
    lookups: tuple[ScopeLookup, ...]
    found: tuple[Found, ...]
