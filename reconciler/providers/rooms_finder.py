"""Where one member is in Chime rooms (``MemberFinder`` of the rooms provider, for
``chime-reconciler audit``): its ids in each account (ListUsers with ``UserEmail``, or
ListBots), the rooms it is in (ListRooms with ``MemberId``) and its role in each (the
room's ListRoomMemberships pages read only until the member is found), and whether Chime
has the declared rooms it is not in, once each, by their id or name (ListRooms once per
account with rooms declared by name, else GetRoom for one declared by id): where it has
none, or several of a declared name (even one with the member), the plan reports it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence

from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.kinds.rooms import ROOM
from reconciler.parallel import pmap
from reconciler.providers.base import RoomsDirectory, Steps
from reconciler.providers.chime_api import Room
from reconciler.providers.room_bots import bot_ids, several_room_bots
from reconciler.providers.room_names import several_rooms_named
from reconciler.refs import MemberKind, MemberRef, TargetKey
from reconciler.whereabouts import Found, NotThere, ScopeLookup, Whereabouts, names_to_resolve

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
    declared = _declaring(desired, member, known)
    listed = _Listings(directory)
    why = tuple(absences(directory, declared, found, listed))
    rooms = [t for t in desired.targets if t.key.kind == ROOM.id] if desired else []
    named = tuple(_named(listed, names_to_resolve(found, rooms)))
    unplanned = dict(_shared_names(listed, found, rooms, why))
    looked = {a.scope for a in lookups}
    for key, reason in _shared_bots(directory, member, found, rooms, looked, why):
        unplanned.setdefault(key, reason)  # a room of a name several have is not read
    return Whereabouts(
        (ROOM.id,), lookups, found, why, unplanned=tuple(unplanned.items()), named=named
    )


class _Listings:
    """Each account's rooms by name (ListRooms), listed once however often asked."""

    def __init__(self, directory: RoomsDirectory) -> None:
        self.directory = directory
        self.by_account: dict[str, dict[str, list[str]]] = {}

    def __call__(self, account: str) -> dict[str, list[str]]:
        if account not in self.by_account:
            rooms: dict[str, list[str]] = defaultdict(list)
            for room in self.directory.list_rooms(account):
                rooms[room.name].append(room.room_id)
            self.by_account[account] = rooms
        return self.by_account[account]


def _named(listed: _Listings, targets: Sequence[DesiredTarget]) -> Iterator[tuple[TargetKey, str]]:
    """Each of ``targets`` (declared by name) with the id of the one room of its name in
    its account; a name several rooms share, or none, is left out, as the plan resolves
    no such name. Costs ListRooms once an account (shared with ``absences``)."""
    for t in targets:
        ids = listed(t.key.scope).get(t.key.name, [])
        if len(ids) == 1:
            yield t.key, ids[0]


def _shared_names(
    listed: _Listings,
    found: Sequence[Found],
    rooms: Sequence[DesiredTarget],
    absent: Sequence[NotThere],
) -> Iterator[tuple[TargetKey, str]]:
    """The rooms declared by a name that a room the member is in has and that several
    Chime rooms of its account have, with the plan's error on that entry (QA-FT Q-FT-5:
    the plan plans none of them, so a row there is of no entry the plan plans); one the
    member is declared in says so already (``absences``: ``declared, but 2 Chime rooms
    have that name``). Costs ListRooms once an account where the member is in a room whose
    name a room entry declares (shared with ``absences``)."""
    said = {a.key for a in absent if a.problem}
    names = {(f.scope, f.name) for f in found if f.key is None}
    for t in rooms:
        key = t.key
        if t.target_id is None and key not in said and (key.scope, key.name) in names:
            ids = sorted(listed(key.scope).get(key.name, []))
            if len(ids) > 1:
                yield key, several_rooms_named(key.scope, key.name, ids)


def _shared_bots(
    directory: RoomsDirectory,
    member: MemberRef,
    found: Sequence[Found],
    rooms: Sequence[DesiredTarget],
    accounts: set[str],
    absent: Sequence[NotThere],
) -> Iterator[tuple[TargetKey, str]]:
    """The declared rooms of ``accounts`` the member is in or declared in that declare a
    ``bot:NAME`` several bots of their account have, with the plan's error on the first
    such entry: the plan refuses the room as a whole, whether or not it changes the member
    there (QA-LD Q-LD-10: a room declaring ``bot:Pager``, both Pager bots in it, said one
    "declared" and the other "kept (prune off)", though the plan plans neither). One whose
    problem is said already (``absences``: no room, several of its name) is left out, as
    the plan reads no room for it. Costs ListBots once an account where such a room
    declares a bot (the plan's listing too)."""
    said = {a.key for a in absent if a.problem}
    here = {(f.scope, x) for f in found for x in (f.target_id, f.name)}
    for t in rooms:
        key = t.key
        if key.scope not in accounts or key in said:
            continue
        mine = (key.scope, t.target_id or key.name) in here
        bots = [dm.ref for dm in t.members if dm.ref.kind is MemberKind.BOT]
        if not bots or not (mine or t.member(member) is not None):
            continue
        ids = bot_ids(directory.list_bots(key.scope))
        why = next((w for w in (several_room_bots(r, ids, key.scope) for r in bots) if w), "")
        if why:
            yield key, why


def _declaring(
    desired: DesiredState | None, member: MemberRef, accounts: set[str]
) -> list[DesiredTarget]:
    """The declared rooms, in ``accounts``, that declare ``member``."""
    if desired is None:
        return []
    return [
        t
        for t in desired.targets
        if t.key.kind == ROOM.id and t.key.scope in accounts and t.member(member) is not None
    ]


def absences(
    directory: RoomsDirectory,
    declared: Sequence[DesiredTarget],
    found: Sequence[Found] = (),
    listed: Callable[[str], dict[str, list[str]]] | None = None,
) -> list[NotThere]:
    """Each declared room of ``declared`` that the member was not ``found`` in (by id,
    else by name, as ``reconciler.audit`` matches them) as Chime has it: its id, or why
    the plan reports it (no room with its id, none or several of its name); and each
    declared by a name several Chime rooms have, though found in one of them (the plan
    fails on it all the same: Q-AX-3). Costs ListRooms once an account with rooms
    declared by name (its listing also answers for the rooms declared by id there:
    Q-AX-4), else GetRoom a room declared by id the member is not in. ``listed``: an
    account's rooms by name, as listed once (None: listed here)."""
    listed = listed or _Listings(directory)
    # by id for a room declared by id, by name for one declared by name: never a declared
    # name against a found room's id (a room named room-leadership is not the room whose
    # id that is: QA-HJ Q-HJ-8)
    by_id = {(f.scope, f.target_id) for f in found}
    by_name = {(f.scope, f.name) for f in found}
    accounts: dict[str, list[DesiredTarget]] = defaultdict(list)
    for t in declared:
        accounts[t.key.scope].append(t)
    result: list[NotThere] = []
    for account, targets in sorted(accounts.items()):
        rooms: dict[str, list[str]] | None = None  # by name, when listed
        if any(t.target_id is None for t in targets):
            rooms = listed(account)
        ids = {i for named_ids in (rooms or {}).values() for i in named_ids}
        for t in targets:
            there = (
                (account, t.target_id) in by_id
                if t.target_id is not None
                else (account, t.key.name) in by_name
            )
            if t.target_id is not None:
                if there:
                    continue
                exists = (
                    t.target_id in ids
                    if rooms is not None
                    else directory.room_exists(account, t.target_id)
                )
                problem = "" if exists else f"Chime has no room with id {t.target_id}"
                result.append(NotThere(t.key, t.target_id, problem=problem))  # as declared
                continue
            assert rooms is not None  # listed: a room declared by name
            named = sorted(rooms.get(t.key.name, []))
            if len(named) > 1:
                several = f"{len(named)} Chime rooms have that name ({', '.join(named)})"
                result.append(NotThere(t.key, None, problem=several))
            elif there:
                continue
            elif named:
                result.append(NotThere(t.key, named[0]))
            else:
                result.append(NotThere(t.key, None, problem=NO_ROOM))
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
