"""Where one member is in Chime rooms (``MemberFinder`` of the rooms provider, for
``chime-reconciler audit``): its ids in each account (ListUsers with ``UserEmail``, or
ListBots), the rooms it is in (ListRooms with ``MemberId``) and its role in each (the
room's ListRoomMemberships pages read only until the member is found)."""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.kinds.rooms import ROOM
from reconciler.parallel import pmap
from reconciler.providers.base import RoomsDirectory, Steps
from reconciler.providers.chime_api import Room
from reconciler.refs import MemberKind, MemberRef
from reconciler.whereabouts import Found, ScopeLookup, Whereabouts


def rooms_where(
    directory: RoomsDirectory,
    member: MemberRef,
    accounts: Sequence[str],
    steps: Steps,
    parallelism: int,
) -> Whereabouts:
    """``member`` in the rooms of ``accounts`` (none given: the accounts ListAccounts
    shows, for an e-mail those with the user; no account at all: nothing found)."""
    if not accounts:
        email = member.display if member.kind is MemberKind.USER else None
        accounts = directory.list_accounts(user_email=email)
    lookups = tuple(ScopeLookup(a, member_ids(directory, a, member)) for a in accounts)
    return Whereabouts((ROOM.id,), lookups, tuple(_found(directory, lookups, steps, parallelism)))


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
