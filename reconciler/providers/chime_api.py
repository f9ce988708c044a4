"""Small, reusable wrappers of the Chime (``chime`` service) calls the tool makes.

Each listing asks for the largest page the API allows and follows ``NextToken`` to the end
(boto3 has no paginators for these operations). Every call goes through
``call_with_retry``; failures surface as ``reconciler.errors.AwsError``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter
from typing import Any

from reconciler.errors import AwsError, known_value, not_found
from reconciler.kinds.rooms import ROOM_BATCH  # BatchCreateRoomMembership: 50
from reconciler.live import LiveMember
from reconciler.pacing import Pacer, QuotaKey
from reconciler.providers.base import ItemError, item_errors
from reconciler.providers.paced_api import PacedApi
from reconciler.providers.retry import RetryPolicy
from reconciler.refs import MemberKind, MemberRef, Role, email_key

ACCOUNTS_PAGE = 200  # ListAccounts MaxResults: 1-200
ROOMS_PAGE = 99  # ListRooms
MEMBERSHIPS_PAGE = 99  # ListRoomMemberships
LIST = "ListRoomMemberships"
BOTS_PAGE = 99  # ListBots
USERS_PAGE = 200  # ListUsers
# Every call of the Amazon Chime API counts against one rate for the AWS account.
CHIME_QUOTA = (QuotaKey("chime"),)


def no_account(exc: BaseException) -> bool:
    """``exc`` is ListRooms' answer that the account does not exist: an error of the rooms
    declared in it, not of the whole read."""
    return isinstance(exc, AwsError) and exc.operation == "ListRooms" and not_found(exc)


@dataclass(frozen=True, order=True)
class Room:
    room_id: str
    name: str


@dataclass(frozen=True, order=True)
class User:
    user_id: str
    email: str
    display_name: str = ""


@dataclass(frozen=True, order=True)
class Bot:
    bot_id: str
    display_name: str


ROLES = tuple(r.value for r in Role)
MEMBER_TYPES = (MemberKind.USER.value, MemberKind.BOT.value, MemberKind.WEBHOOK.value)


def live_member(item: Mapping[str, Any], context: str = "") -> LiveMember:
    """A LiveMember from one ``RoomMembership`` of ListRoomMemberships (of the room
    ``context`` names). A role or member type the tool does not know (a newer one) is
    ``UnknownValue``: such a member is never planned as if it were another."""
    member = item.get("Member", {})
    member_id = str(member.get("MemberId", ""))
    of = f"member {member_id}"
    kind_value = member.get("MemberType", MemberKind.USER.value)
    kind = MemberKind(known_value(kind_value, MEMBER_TYPES, LIST, context, f"the type of {of}"))
    role = Role(known_value(item.get("Role"), ROLES, LIST, context, f"the role of {of}"))
    if kind is MemberKind.USER:
        ref = MemberRef.user(str(member.get("Email") or member.get("FullName") or member_id))
    elif kind is MemberKind.BOT:
        ref = MemberRef.bot(str(member.get("FullName") or member_id))
    else:
        ref = MemberRef.webhook(str(member.get("FullName") or member_id))
    return LiveMember(ref=ref, member_id=member_id, kind=kind, role=role)


_Order = tuple[str, str, str, str, str]
# a member's order joined (None: not joinable), its order, the member
_Entry = tuple[str | None, _Order, LiveMember]


class LiveMembers:
    """``live_member``, remembered: the same person with the same role in many rooms is one
    value (a million memberships of a few thousand people: a few thousand objects, not a
    million references, ids and e-mails), made once with its place in ``LiveMember``'s
    order. Thread-safe (at worst a value is made twice).

    Its place is kept twice: as ``_member_order``'s strings, and as one string, those
    joined by NUL, which sorts as the strings do (NUL sorts before every other character)
    and is compared in one step where the strings are compared one by one: a room's sort
    took about a third of ``ordered``'s time. A member whose strings hold a NUL has no such
    string (None), and the rooms are then sorted by the strings."""

    def __init__(self) -> None:
        self._known: dict[tuple[Any, ...], _Entry] = {}
        self._joined = True  # every member known has its joined order

    def __call__(self, item: Mapping[str, Any], context: str = "") -> LiveMember:
        return self.ordered([item], context)[0]

    def ordered(self, items: Iterable[Mapping[str, Any]], context: str = "") -> list[LiveMember]:
        """The members of ``items`` (``RoomMembership``s of the room ``context`` names),
        sorted."""
        known = self._known
        entries = []
        for item in items:
            try:  # every field there (a page of AWS's): read by subscript, as ``_key`` reads
                member = item["Member"]
                key = (
                    item["Role"],
                    member["MemberId"],
                    member["MemberType"],
                    member["Email"],
                    member["FullName"],
                )
            except (KeyError, TypeError):
                key = _key(item)
            entry = known.get(key)
            if entry is None:
                entry = known.setdefault(key, self._entry(item, context))
            entries.append(entry)
        # stable, by the order alone: as sorted(key=_member_order)
        if self._joined:
            try:
                return [m for _, _, m in sorted(entries, key=_FIRST)]
            except TypeError:  # a member without its joined order, known meanwhile
                pass
        return [m for _, _, m in sorted(entries, key=_SECOND)]

    def _entry(self, item: Mapping[str, Any], context: str) -> _Entry:
        made = live_member(item, context)
        order = _member_order(made)
        joined = "\0".join(order)
        if joined.count("\0") != len(order) - 1:  # a NUL inside: the strings decide
            self._joined = False
            return None, order, made
        return joined, order, made


def _key(item: Mapping[str, Any]) -> tuple[Any, ...]:
    """What ``live_member`` reads of ``item``: the key it is remembered by."""
    member = item.get("Member", _NOTHING)
    return (
        item.get("Role"),
        member.get("MemberId"),
        member.get("MemberType"),
        member.get("Email"),
        member.get("FullName"),
    )


class ChimeApi(PacedApi):
    """The ``chime`` operations for rooms, users and bots, retried per ``retry`` and paced
    by ``pacer`` (quota ``chime``) when given."""

    def __init__(self, client: Any, retry: RetryPolicy, pacer: Pacer | None = None) -> None:
        super().__init__(retry, pacer)
        self.client = client
        self.live_member = LiveMembers()
        self._everyone: dict[str, dict[str, User]] = {}  # account -> email_key -> user
        self._everyone_lock = threading.Lock()  # one listing of an account at a time

    def keys(self, operation: str) -> Sequence[QuotaKey]:
        return CHIME_QUOTA

    def _pages(
        self,
        operation: str,
        method: Callable[..., Any],
        key: str,
        context: str,
        **params: Any,
    ) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        """Yield ``(items, more_pages)`` per page, following NextToken."""
        return self._page_by_page(partial(self._call, operation, method, context), key, **params)

    # -- accounts ------------------------------------------------------------------------

    def list_accounts(self, user_email: str | None = None) -> list[str]:
        """Every account id ListAccounts shows (only those with this user, given an
        e-mail), sorted. An e-mail that no filtered listing finds (``_spellings``) is
        looked for in every account's users (``everyone``), as ``find_user_by_email``
        does: an exact filter misses ``Carol@Example.com`` written in lower case."""
        ids: set[str] = set()
        for spelling in _spellings(user_email) if user_email else (None,):
            extra = {"UserEmail": spelling} if spelling else {}
            for items, _ in self._pages(
                "ListAccounts",
                self.client.list_accounts,
                "Accounts",
                "accounts",
                MaxResults=ACCOUNTS_PAGE,
                **extra,
            ):
                ids.update(str(a["AccountId"]) for a in items)
            if ids:
                break
        if user_email and not ids:
            want = email_key(user_email)
            ids = {a for a in self.list_accounts() if want in self.everyone(a)}
        return sorted(ids)

    # -- rooms ---------------------------------------------------------------------------

    def list_rooms(
        self,
        account: str,
        member_id: str | None = None,
        on_page: Callable[[list[Room]], None] | None = None,
    ) -> list[Room]:
        """Every room of the account (or only those ``member_id`` belongs to); ``on_page``
        is given each page's rooms as it comes."""
        extra = {"MemberId": member_id} if member_id else {}
        rooms: list[Room] = []
        for items, _ in self._pages(
            "ListRooms",
            self.client.list_rooms,
            "Rooms",
            f"account {account}",
            AccountId=account,
            MaxResults=ROOMS_PAGE,
            **extra,
        ):
            page = [Room(str(r["RoomId"]), str(r.get("Name", ""))) for r in items]
            if on_page is not None:
                on_page(page)
            rooms.extend(page)
        return rooms

    def list_memberships(self, account: str, room_id: str) -> list[LiveMember]:
        """Every membership of one room, sorted."""
        memberships: list[dict[str, Any]] = []
        for items in self._membership_pages(account, room_id):
            memberships.extend(items)
        return self.live_member.ordered(memberships, _room(account, room_id))

    def membership(self, account: str, room_id: str, member_id: str) -> LiveMember | None:
        """``member_id``'s membership of one room (None: not in it), its pages read only
        until it is found: the member on page 1 of 5 costs one call, not five."""
        for items in self._membership_pages(account, room_id):
            for item in items:
                if str(item.get("Member", {}).get("MemberId", "")) == member_id:
                    return self.live_member(item, _room(account, room_id))
        return None

    def _membership_pages(self, account: str, room_id: str) -> Iterator[list[dict[str, Any]]]:
        """One room's ListRoomMemberships pages, each a list of items, as they come."""
        for items, _ in self._pages(
            LIST,
            self.client.list_room_memberships,
            "RoomMemberships",
            _room(account, room_id),
            AccountId=account,
            RoomId=room_id,
            MaxResults=MEMBERSHIPS_PAGE,
        ):
            yield items

    # -- users and bots ------------------------------------------------------------------

    def find_user_by_email(self, account: str, email: str) -> User | None:
        """ListUsers filtered by ``UserEmail``: the address as written, then, if that
        finds no one and it has capitals, in lower case. AWS does not say whether the
        filter ignores case; this way ``Carol@Example.com`` finds carol@example.com under
        either reading, as the sweep of ``user_pages`` (which ignores case) would. When
        both miss, the account's listing settles it (``everyone``: an exact filter misses
        a user stored as ``Carol@Example.com`` however the address is written in lower
        case or capitals; QA-DO Q-DO-1)."""
        want = email_key(email)
        for spelling in _spellings(email):
            resp = self._call(
                "ListUsers",
                self.client.list_users,
                f"account {account}",
                AccountId=account,
                UserEmail=spelling,
            )
            for u in resp.get("Users", []):
                if email_key(str(u.get("PrimaryEmail", ""))) == want:
                    return _user(u)
        return self.everyone(account).get(want)

    def everyone(self, account: str) -> dict[str, User]:
        """The account's users by ``email_key``: all of ``user_pages``, read once however
        many addresses ask (until ``forget_users``); those asking meanwhile wait for it."""
        with self._everyone_lock:
            if account not in self._everyone:
                users: dict[str, User] = {}
                for page, _ in self.user_pages(account):
                    for u in page:
                        users.setdefault(email_key(u.email), u)
                self._everyone[account] = users
            return self._everyone[account]

    def forget_users(self) -> None:
        """Drop the listings ``everyone`` keeps: a new run (``apply --watch``) reads afresh."""
        with self._everyone_lock:
            self._everyone.clear()

    def user_pages(self, account: str) -> Iterator[tuple[list[User], bool]]:
        """ListUsers pages of 200: ``(users, more_pages)``; stop iterating to stop calling."""
        for items, more in self._pages(
            "ListUsers",
            self.client.list_users,
            "Users",
            f"account {account}",
            AccountId=account,
            MaxResults=USERS_PAGE,
        ):
            yield [_user(u) for u in items], more

    def list_bots(self, account: str) -> list[Bot]:
        bots: list[Bot] = []
        for items, _ in self._pages(
            "ListBots",
            self.client.list_bots,
            "Bots",
            f"account {account}",
            AccountId=account,
            MaxResults=BOTS_PAGE,
        ):
            bots.extend(Bot(str(b["BotId"]), str(b.get("DisplayName", ""))) for b in items)
        return bots

    def room_exists(self, account: str, room_id: str) -> bool:
        """GetRoom: is the room there (False: NotFound, deleted)?"""
        try:
            self._call(
                "GetRoom",
                self.client.get_room,
                f"account {account}, room {room_id}",
                AccountId=account,
                RoomId=room_id,
            )
        except AwsError as exc:
            if not_found(exc):
                return False
            raise
        return True

    # -- memberships ---------------------------------------------------------------------

    def batch_create_memberships(
        self, account: str, room_id: str, items: Sequence[tuple[str, Role]]
    ) -> dict[str, ItemError]:
        if not 0 < len(items) <= ROOM_BATCH:
            raise ValueError(f"a batch holds 1 to {ROOM_BATCH} members, not {len(items)}")
        resp = self._call(
            "BatchCreateRoomMembership",
            self.client.batch_create_room_membership,
            f"account {account}, room {room_id}",
            AccountId=account,
            RoomId=room_id,
            MembershipItemList=[{"MemberId": m, "Role": r.value} for m, r in items],
        )
        return item_errors(resp, "MemberId")

    def update_membership(self, account: str, room_id: str, member_id: str, role: Role) -> None:
        self._call(
            "UpdateRoomMembership",
            self.client.update_room_membership,
            f"account {account}, room {room_id}, member {member_id}",
            AccountId=account,
            RoomId=room_id,
            MemberId=member_id,
            Role=role.value,
        )

    def delete_membership(self, account: str, room_id: str, member_id: str) -> None:
        self._call(
            "DeleteRoomMembership",
            self.client.delete_room_membership,
            f"account {account}, room {room_id}, member {member_id}",
            AccountId=account,
            RoomId=room_id,
            MemberId=member_id,
        )


_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_NOTHING: Mapping[str, Any] = {}


def _member_order(m: LiveMember) -> _Order:
    """``LiveMember``'s own order (its reference's kind and key, its id, kind and role)
    as plain strings, compared in C rather than by the dataclasses' ``__lt__``."""
    return (m.ref.kind, m.ref.key, m.member_id, m.kind, str(m.role))


def _room(account: str, room_id: str) -> str:
    return f"account {account}, room {room_id}"


def _user(u: Mapping[str, Any]) -> User:
    return User(str(u["UserId"]), str(u.get("PrimaryEmail", "")), str(u.get("DisplayName", "")))


def _spellings(email: str) -> Iterator[str]:
    """The ``UserEmail`` values to try, until one finds the user: the address as written,
    then its ``email_key`` if that differs (a filter that compares letter for letter)."""
    yield email
    if email_key(email) != email:
        yield email_key(email)
