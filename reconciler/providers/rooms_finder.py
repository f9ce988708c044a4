"""Where one member is in Chime rooms (``MemberFinder`` of the rooms provider, for
``chime-reconciler audit``): its ids in each account (ListUsers with ``UserEmail``, or
ListBots), the rooms it is in (ListRooms with ``MemberId``) and its role in each (the
room's ListRoomMemberships pages read only until the member is found), and whether Chime
has the declared rooms it is not in (GetRoom for one declared by id, ListRooms once per
account for those declared by name): where it has none, the plan reports it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.kinds.rooms import ROOM
from reconciler.parallel import pmap
from reconciler.providers.base import RoomsDirectory, Steps
from reconciler.providers.chime_api import Room
from reconciler.refs import MemberKind, MemberRef
from reconciler.whereabouts import Found, NotThere, ScopeLookup, Whereabouts

NO_ROOM = "Chime has no room of that name"


def rooms_where(
    directory: RoomsDirectory,
    member: MemberRef,
    accounts: Sequence[str],
    steps: Steps,
    parallelism: int,
    desired: DesiredState | None = None,
) -> Whereabouts:
    """``member`` in the rooms of ``accounts`` (none given: the accounts ListAccounts
    shows, for an e-mail those with the user; no account at all: nothing found), and the
    rooms of ``desired`` that declare it there but that Chime does not have."""
    if not accounts:
        email = member.display if member.kind is MemberKind.USER else None
        accounts = directory.list_accounts(user_email=email)
    lookups = tuple(ScopeLookup(a, member_ids(directory, a, member)) for a in accounts)
    found = tuple(_found(directory, lookups, steps, parallelism))
    known = {a.scope for a in lookups if a.member_ids}  # elsewhere: no such member, first
    declared = _declaring(desired, member, known, found)
    return Whereabouts((ROOM.id,), lookups, found, tuple(absences(directory, declared)))


def _declaring(
    desired: DesiredState | None, member: MemberRef, accounts: set[str], found: Sequence[Found]
) -> list[DesiredTarget]:
    """The declared rooms, in ``accounts``, that declare ``member`` and that it was not
    found in (by id, else by name, as ``reconciler.audit`` matches them)."""
    if desired is None:
        return []
    here = {(f.scope, f.target_id) for f in found} | {(f.scope, f.name) for f in found}
    return [
        t
        for t in desired.targets
        if t.key.kind == ROOM.id
        and t.key.scope in accounts
        and t.member(member) is not None
        and (t.key.scope, t.target_id or t.key.name) not in here
    ]


def absences(directory: RoomsDirectory, declared: Sequence[DesiredTarget]) -> list[NotThere]:
    """Each declared room of ``declared`` as Chime has it: its id, or why the plan
    reports it (no room with its id, none or several of its name). Costs GetRoom a room
    declared by id, ListRooms an account with rooms declared by name; none when every
    declared room has the member."""
    result: list[NotThere] = []
    by_name: dict[str, list[DesiredTarget]] = defaultdict(list)
    for t in declared:
        if t.target_id is None:
            by_name[t.key.scope].append(t)
        elif directory.room_exists(t.key.scope, t.target_id):
            result.append(NotThere(t.key, t.target_id))
        else:
            problem = f"Chime has no room with id {t.target_id}"
            result.append(NotThere(t.key, t.target_id, problem=problem))  # as declared
    for account, targets in sorted(by_name.items()):
        rooms: dict[str, list[str]] = defaultdict(list)
        for room in directory.list_rooms(account):
            rooms[room.name].append(room.room_id)
        for t in targets:
            ids = sorted(rooms.get(t.key.name, []))
            if len(ids) == 1:
                result.append(NotThere(t.key, ids[0]))
            elif not ids:
                result.append(NotThere(t.key, None, problem=NO_ROOM))
            else:
                several = f"{len(ids)} Chime rooms have that name ({', '.join(ids)})"
                result.append(NotThere(t.key, None, problem=several))
    return result


def member_ids(directory: RoomsDirectory, account: str, member: MemberRef) -> tuple[str, ...]:
    """The member's user id (by e-mail), or the ids of the bots of its name, in ``account``."""
    if member.kind is MemberKind.USER:
        user = directory.find_user_by_email(account, member.display)
        return (user.user_id,) if user is not None else ()
    bots = directory.list_bots(account)
    return tuple(sorted(b.bot_id for b in bots if b.display_name.strip() == member.key))


def _found(
    directory: RoomsDirectory,
    lookups: Sequence[ScopeLookup],
    steps: Steps,
    parallelism: int,
) -> list[Found]:
    """The member's role in each room ListRooms shows it in, each room's listing read
    only until the member is found (audit shows its role, nothing else of the room). Both
    steps show progress as plan's reads do: the rooms as ListRooms' pages come, then each
    room."""

    def count(page: list[Room]) -> None:
        for _ in page:
            steps.advance()

    with steps.task("Listing the member's rooms", None):
        rooms: list[tuple[str, Room, str]] = [
            (a.scope, room, member_id)
            for a in lookups
            for member_id in a.member_ids
            for room in directory.list_rooms(a.scope, member_id, count)
        ]

    def role_in(item: tuple[str, Room, str]) -> Found | None:
        account, room, member_id = item
        m = directory.membership(account, room.room_id, member_id)
        steps.advance()
        if m is None:
            return None  # left the room between the two calls
        return Found(ROOM.id, account, room.name, room.room_id, m)

    with steps.task("Reading memberships", len(rooms)):
        roles = pmap(role_in, rooms, parallelism)
    return [r for r in roles if r is not None]
