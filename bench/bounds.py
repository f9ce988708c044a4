"""Lower bounds on the API calls of plan and apply, from the Chime API's own page and batch
sizes (read from the botocore service model, not from the tool's constants).

Per command (each command is a new session: nothing is cached between commands):

- ListRooms: ceil(rooms / 99) per account, once, if a room in scope is declared by name;
- ListRoomMemberships: ceil(max(m, 1) / 99) per room read, m its live members;
- ListUsers: the e-mails declared in scope that no listing read revealed need resolving,
  with ``ListUsers(UserEmail=...)`` lookups (one call each) or a sweep of the account's
  users (200 a page) or a sweep abandoned after p pages and lookups for the rest. The
  bound is the best of these knowing the listing order in advance:
  ``min over p of p + r(p)`` (r(p): wanted e-mails not on the first p pages; r(P) = 0
  once the sweep has read all P pages). It is at most ``min(k, ceil(users / 200))``;
- ListBots: ceil(bots / 99) per account if a bot is declared, even one a listing revealed
  (bot names are not unique: a name several bots have is a plan error, Q-EU-1);
- BatchCreateRoomMembership: ceil(adds / 50) per room;
- UpdateRoomMembership: one per role change; DeleteRoomMembership: one per removal;
- verification after apply: ceil(max(m', 1) / 99) ListRoomMemberships per changed room,
  m' its members afterwards.

``apply --auto-approve`` plans every declared room first; ``apply FILE`` plans again only
the rooms the saved plan changes (the reads of ``plan --target`` for those rooms, e-mail
and bot resolution included), then writes and verifies.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from bench.world import Room, World, diff, is_bot

Calls = dict[str, int]

LIST_ROOMS = "ListRooms"
LIST_MEMBERSHIPS = "ListRoomMemberships"
LIST_USERS = "ListUsers"
LIST_BOTS = "ListBots"
BATCH_CREATE = "BatchCreateRoomMembership"
UPDATE = "UpdateRoomMembership"
DELETE = "DeleteRoomMembership"
OPERATIONS = (LIST_ROOMS, LIST_MEMBERSHIPS, LIST_USERS, LIST_BOTS, BATCH_CREATE, UPDATE, DELETE)


def model_maximum(service: str) -> Callable[[str, str], int]:
    """``most(operation, member)``: the ``max`` of an input member in botocore's model of
    ``service`` (a page's MaxResults, a batch's list)."""
    import boto3

    model = boto3.client(service, region_name="us-east-1").meta.service_model

    def most(operation: str, member: str) -> int:
        shape = model.operation_model(operation).input_shape.members[member]
        return int(shape.metadata["max"])

    return most


@dataclass(frozen=True)
class Limits:
    rooms_page: int
    memberships_page: int
    users_page: int
    bots_page: int
    room_batch: int

    @classmethod
    def from_model(cls) -> Limits:
        """The page and batch maxima of the botocore ``chime`` model."""
        most = model_maximum("chime")
        return cls(
            rooms_page=most(LIST_ROOMS, "MaxResults"),
            memberships_page=most(LIST_MEMBERSHIPS, "MaxResults"),
            users_page=most(LIST_USERS, "MaxResults"),
            bots_page=most(LIST_BOTS, "MaxResults"),
            room_batch=most(BATCH_CREATE, "MembershipItemList"),
        )


def pages(items: int, size: int) -> int:
    """Calls to list ``items`` records ``size`` a page (an empty listing is one call)."""
    return math.ceil(max(items, 1) / size)


def user_resolution_bound(order: Sequence[str], wanted: Iterable[str], page: int) -> int:
    """Fewest ListUsers calls resolving ``wanted`` e-mails, knowing the listing ``order``."""
    wanted = set(wanted)
    if not wanted:
        return 0
    total_pages = pages(len(order), page)
    found_on = Counter(i // page + 1 for i, e in enumerate(order) if e in wanted)
    best = len(wanted)  # p = 0: lookups only
    remaining = len(wanted)
    for p in range(1, total_pages + 1):
        remaining -= found_on.get(p, 0)
        best = min(best, p + (remaining if p < total_pages else 0))
    return best


def resolver_guarantee(order: Sequence[str], wanted: Iterable[str], page: int) -> int:
    """What ``reconciler.providers.resolve`` promises: L = min(k, ceil(users / page)) calls
    when k <= 1 or the account has at most two pages of users, else at most 2L."""
    k = len(set(wanted))
    total_pages = pages(len(order), page)
    low = min(k, total_pages)
    return low if k <= 1 or total_pages <= 2 else 2 * low


def unrevealed(rooms: Iterable[Room]) -> set[str]:
    """Members declared in ``rooms`` that none of their listings shows (to resolve)."""
    rooms = list(rooms)
    revealed = {m for r in rooms for m in r.live}
    return {m for r in rooms for m in (r.desired or {}) if m not in revealed}


def read_bound(world: World, limits: Limits) -> Calls:
    """Reading every declared room in a fresh session."""
    rooms = world.declared
    if not rooms:
        return {}
    calls: Calls = {}
    if any(r.by_name for r in rooms):
        calls[LIST_ROOMS] = pages(len(world.rooms), limits.rooms_page)
    calls[LIST_MEMBERSHIPS] = sum(pages(len(r.live), limits.memberships_page) for r in rooms)
    wanted = unrevealed(rooms)
    users = {m for m in wanted if not is_bot(m)}
    calls[LIST_USERS] = user_resolution_bound(world.users, users, limits.users_page)
    if any(is_bot(m) for r in rooms for m in (r.desired or {})):
        calls[LIST_BOTS] = pages(len(world.bots), limits.bots_page)
    return calls


def read_guarantee(world: World, limits: Limits) -> int:
    """ListUsers calls the resolver's rule promises for reading every declared room."""
    users = {m for m in unrevealed(world.declared) if not is_bot(m)}
    return resolver_guarantee(world.users, users, limits.users_page)


def write_bound(world: World, limits: Limits) -> Calls:
    """Executing the plan: batched creates, one update per role change, one delete each."""
    diffs = [diff(r) for r in world.declared]
    return {
        BATCH_CREATE: sum(math.ceil(len(d.adds) / limits.room_batch) for d in diffs),
        UPDATE: sum(len(d.updates) for d in diffs),
        DELETE: sum(len(d.deletes) for d in diffs),
    }


def changed_rooms(world: World) -> list[Room]:
    return [r for r in world.declared if diff(r).changed]


def verify_bound(world: World, limits: Limits) -> Calls:
    """Re-reading the changed rooms after apply (their listings only: ids are known)."""
    done = world.applied()
    changed = {r.room_id for r in changed_rooms(world)}
    return {
        LIST_MEMBERSHIPS: sum(
            pages(len(r.live), limits.memberships_page) for r in done.rooms if r.room_id in changed
        )
    }


def replanned(world: World) -> World:
    """What ``apply FILE`` plans again: ``world`` with only the rooms the saved plan changes
    declared (``plan --target`` of those rooms)."""
    changed = {r.room_id for r in changed_rooms(world)}
    return replace(
        world,
        rooms=tuple(r if r.room_id in changed else replace(r, desired=None) for r in world.rooms),
    )


def add(*parts: Calls) -> Calls:
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return dict(total)


def apply_bound(world: World, limits: Limits, *, saved_plan: bool) -> Calls:
    """``apply --auto-approve`` (plans first) or ``apply FILE`` (plans the rooms the saved
    plan changes again first)."""
    if not changed_rooms(world):
        return {} if saved_plan else read_bound(world, limits)
    first = read_bound(replanned(world) if saved_plan else world, limits)
    return add(first, write_bound(world, limits), verify_bound(world, limits))


def apply_guarantee(world: World, limits: Limits, *, saved_plan: bool) -> int:
    """ListUsers calls the resolver's rule promises for ``apply_bound``'s read."""
    return read_guarantee(replanned(world) if saved_plan else world, limits)
