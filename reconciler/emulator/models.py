"""The Chime operations on the emulator's state (``state``), with no HTTP knowledge (moto's
``models.py``). Operations raise ``ChimeError`` subclasses carrying AWS codes.

All state sits behind one lock, so every operation is atomic. Lookups use the state's
indexes (users by email in lower case, memberships per room by member id, rooms per member),
so a call's cost is proportional to what it returns, not to the size of the whole state.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from reconciler.emulator.errors import (
    BadRequestError,
    ChimeError,
    ConflictError,
    NotFoundError,
    ResourceLimitExceededError,
)
from reconciler.emulator.paging import (
    ACCOUNTS_PAGE,
    BOTS_PAGE,
    MEMBERSHIPS_PAGE,
    ROOMS_PAGE,
    USERS_PAGE,
    Table,
    check_max_results,
    decode_token,
    encode_token,
    page_of,
)
from reconciler.emulator.records import (
    Account,
    Bot,
    Member,
    MemberError,
    Membership,
    Room,
    User,
)
from reconciler.emulator.seed import MAX_MEMBERSHIPS_PER_ROOM, MAX_ROOMS_PER_MEMBER, ROLES, Seed
from reconciler.emulator.state import AccountState, Clock, accounts_from, snapshot_of, utc_now

MAX_BATCH_ITEMS = 50
AWS_ACCOUNT_ID = "123456789012"
USER_TYPES = ("PrivateUser", "SharedDevice")

__all__ = [
    "Account",
    "Bot",
    "ChimeBackend",
    "Member",
    "MemberError",
    "Membership",
    "Room",
    "User",
]


class ChimeBackend:
    """Accounts, users, bots, webhooks, rooms and room memberships of a Chime emulator."""

    def __init__(self, seed: Seed | None = None, clock: Clock = utc_now) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self._accounts: Table[AccountState] = Table()
        self.reset(seed or Seed())

    # -- state ---------------------------------------------------------------------------

    def reset(self, seed: Seed) -> None:
        """Replace all state with the seed's."""
        accounts = accounts_from(seed, self._clock())
        with self._lock:
            self._accounts = accounts

    def snapshot(self) -> dict[str, Any]:
        """All state as a seed document (members by id): ``reset(parse_seed(snapshot()))``
        restores it."""
        with self._lock:
            return snapshot_of(self._accounts)

    def room_members(self, account_id: str, room_id: str) -> dict[str, str]:
        """Member id -> role of one room (a convenience for tests and benchmarks)."""
        with self._lock:
            _, table = self._room(account_id, room_id)
            return {m.member.id: m.role for m in table.values()}

    # -- reads ---------------------------------------------------------------------------

    def list_accounts(
        self,
        name: str | None = None,
        user_email: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Account], str | None]:
        limit = check_max_results(max_results, ACCOUNTS_PAGE)
        scope = f"ListAccounts/{name or ''}/{(user_email or '').lower()}"
        after = decode_token(next_token, scope)
        with self._lock:
            if name is None and user_email is None:
                states, cursor = self._accounts.page(after, limit)
            else:
                rows = [
                    (self._accounts.seq(s.account.id), s)
                    for s in self._accounts.values()
                    if (name is None or s.account.name.startswith(name))
                    and (user_email is None or s.user_id_by_email(user_email) is not None)
                ]
                states, cursor = page_of(rows, after, limit)
            return [s.account for s in states], _token(scope, cursor)

    def get_account(self, account_id: str) -> Account:
        with self._lock:
            return self._account(account_id).account

    def list_users(
        self,
        account_id: str,
        user_email: str | None = None,
        user_type: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[User], str | None]:
        limit = check_max_results(max_results, USERS_PAGE)
        if user_type is not None and user_type not in USER_TYPES:
            raise BadRequestError(
                f"UserType must be PrivateUser or SharedDevice, got {user_type!r}."
            )
        scope = f"ListUsers/{account_id}/{(user_email or '').lower()}/{user_type or ''}"
        after = decode_token(next_token, scope)
        with self._lock:
            state = self._account(account_id)
            if user_email is None and user_type is None:
                users, cursor = state.users.page(after, limit)
            else:
                if user_email is not None:
                    found = state.user_id_by_email(user_email)
                    candidates = [found] if found is not None else []
                else:
                    candidates = [u.id for u in state.users.values()]
                rows = [
                    (state.users.seq(uid), user)
                    for uid in candidates
                    if (user := state.users.get(uid)) is not None
                    and (user_type is None or user.user_type == user_type)
                ]
                users, cursor = page_of(rows, after, limit)
            return users, _token(scope, cursor)

    def get_user(self, account_id: str, user_id: str) -> User:
        with self._lock:
            user = self._account(account_id).users.get(user_id)
            if user is None:
                raise NotFoundError(f"User {user_id} not found in account {account_id}.")
            return user

    def list_bots(
        self, account_id: str, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[Bot], str | None]:
        limit = check_max_results(max_results, BOTS_PAGE)
        scope = f"ListBots/{account_id}"
        after = decode_token(next_token, scope)
        with self._lock:
            bots, cursor = self._account(account_id).bots.page(after, limit)
            return bots, _token(scope, cursor)

    def list_rooms(
        self,
        account_id: str,
        member_id: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Room], str | None]:
        limit = check_max_results(max_results, ROOMS_PAGE)
        scope = f"ListRooms/{account_id}/{member_id or ''}"
        after = decode_token(next_token, scope)
        with self._lock:
            state = self._account(account_id)
            if member_id is None:
                rooms, cursor = state.rooms.page(after, limit)
            else:
                rows = sorted(
                    (state.rooms.seq(rid), room)
                    for rid in state.rooms_of.get(member_id, ())
                    if (room := state.rooms.get(rid)) is not None
                )
                rooms, cursor = page_of(rows, after, limit)
            return rooms, _token(scope, cursor)

    def get_room(self, account_id: str, room_id: str) -> Room:
        with self._lock:
            return self._room(account_id, room_id)[0]

    def list_room_memberships(
        self,
        account_id: str,
        room_id: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Membership], str | None]:
        limit = check_max_results(max_results, MEMBERSHIPS_PAGE)
        scope = f"ListRoomMemberships/{account_id}/{room_id}"
        after = decode_token(next_token, scope)
        with self._lock:
            _, table = self._room(account_id, room_id)
            memberships, cursor = table.page(after, limit)
            return memberships, _token(scope, cursor)

    # -- writes --------------------------------------------------------------------------

    def create_room_membership(
        self, account_id: str, room_id: str, member_id: str, role: str | None = None
    ) -> Membership:
        with self._lock:
            state = self._account(account_id)
            room, table = self._room(account_id, room_id)
            return self._add(state, room, table, member_id, _role(role))

    def batch_create_room_membership(
        self,
        account_id: str,
        room_id: str,
        items: Sequence[tuple[str | None, str | None]],
        item_throttled: Callable[[int], bool] = lambda _: False,
    ) -> list[MemberError]:
        """Add each (member id, role) item; return the per-item errors.

        ``item_throttled(i)`` says whether item ``i`` fails with ErrorCode ``Throttled``
        (fault injection); such items are not applied.
        """
        if len(items) > MAX_BATCH_ITEMS:
            raise BadRequestError(
                f"MembershipItemList has {len(items)} items; at most {MAX_BATCH_ITEMS} are allowed."
            )
        errors: list[MemberError] = []
        with self._lock:
            state = self._account(account_id)
            room, table = self._room(account_id, room_id)
            for i, (member_id, role) in enumerate(items):
                if item_throttled(i):
                    errors.append(MemberError(member_id, "Throttled", "Rate exceeded."))
                    continue
                try:
                    if not member_id or not member_id.strip():
                        raise BadRequestError("MemberId is required.")
                    self._add(state, room, table, member_id, _role(role))
                except ChimeError as exc:
                    errors.append(MemberError(member_id, exc.code, exc.message))
        return errors

    def update_room_membership(
        self, account_id: str, room_id: str, member_id: str, role: str | None = None
    ) -> Membership:
        new_role = None if role is None else _role(role)
        with self._lock:
            _, table = self._room(account_id, room_id)
            current = table.get(member_id)
            if current is None:
                raise NotFoundError(f"Member {member_id} is not a member of room {room_id}.")
            if current.member.kind != "User":
                raise BadRequestError(
                    f"Only members of type User can have their role updated; "
                    f"{member_id} is a {current.member.kind}."
                )
            if new_role is None or new_role == current.role:
                return current
            updated = Membership(
                room_id, current.member, new_role, current.invited_by, self._clock()
            )
            table.put(member_id, updated)
            return updated

    def delete_room_membership(self, account_id: str, room_id: str, member_id: str) -> None:
        with self._lock:
            state = self._account(account_id)
            _, table = self._room(account_id, room_id)
            if table.pop(member_id) is None:
                raise NotFoundError(f"Member {member_id} is not a member of room {room_id}.")
            rooms = state.rooms_of.get(member_id)
            if rooms is not None:
                rooms.discard(room_id)

    # -- helpers -------------------------------------------------------------------------

    def _account(self, account_id: str) -> AccountState:
        state = self._accounts.get(account_id)
        if state is None:
            raise NotFoundError(f"Account {account_id} not found.")
        return state

    def _room(self, account_id: str, room_id: str) -> tuple[Room, Table[Membership]]:
        state = self._account(account_id)
        room = state.rooms.get(room_id)
        if room is None:
            raise NotFoundError(f"Room {room_id} not found in account {account_id}.")
        return room, state.memberships[room_id]

    def _add(
        self, state: AccountState, room: Room, table: Table[Membership], member_id: str, role: str
    ) -> Membership:
        member = state.members.get(member_id)
        if member is None or member.kind == "Webhook":
            raise NotFoundError(
                f"Member {member_id} not found in account {state.account.id} "
                f"(a member is a user id or a bot id)."
            )
        if member_id in table:
            raise ConflictError(f"Member {member_id} is already a member of room {room.id}.")
        if len(table) >= MAX_MEMBERSHIPS_PER_ROOM:
            raise ResourceLimitExceededError(
                f"Room {room.id} already has the maximum of {MAX_MEMBERSHIPS_PER_ROOM} memberships."
            )
        if len(state.rooms_of.get(member_id, ())) >= MAX_ROOMS_PER_MEMBER:
            raise ResourceLimitExceededError(
                f"Member {member_id} is already in the maximum of {MAX_ROOMS_PER_MEMBER} rooms."
            )
        membership = Membership(room.id, member, role, room.created_by, self._clock())
        table.put(member_id, membership)
        state.rooms_of.setdefault(member_id, set()).add(room.id)
        return membership


def _role(role: str | None) -> str:
    if role is None:
        return "Member"
    if role not in ROLES:
        raise BadRequestError(f"Role must be Administrator or Member, got {role!r}.")
    return role


def _token(scope: str, cursor: int | None) -> str | None:
    return None if cursor is None else encode_token(scope, cursor)
