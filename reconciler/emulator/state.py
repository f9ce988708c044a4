"""The chime emulator's state: accounts, each with its users, bots, webhooks, rooms and room
memberships, and the indexes that keep a call's cost proportional to what it returns
(users by e-mail in lower case, memberships per room by member id, rooms per member). Built
from a seed (``accounts_from``) and written back as a seed document (``snapshot_of``). No
operations and no lock here: ``models`` builds the operations on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reconciler.emulator.paging import Table
from reconciler.emulator.records import (
    Account,
    Bot,
    EmailFilter,
    Member,
    Membership,
    Room,
    User,
)
from reconciler.emulator.seed import Seed, derived_id

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AccountState:
    """One account's records, with their indexes."""

    account: Account
    users: Table[User] = field(default_factory=Table)
    users_by_email: dict[str, str] = field(default_factory=dict)
    bots: Table[Bot] = field(default_factory=Table)
    members: dict[str, Member] = field(default_factory=dict)  # users, bots, webhooks by id
    rooms: Table[Room] = field(default_factory=Table)
    memberships: dict[str, Table[Membership]] = field(default_factory=dict)  # by room id
    rooms_of: dict[str, set[str]] = field(default_factory=dict)  # member id -> room ids
    email_filter: EmailFilter = EmailFilter.ANY_CASE  # how UserEmail filters compare

    def user_id_by_email(self, email: str) -> str | None:
        """The id of the user ``email`` names, as this account's ``UserEmail`` filter
        compares (ignoring case, or letter for letter)."""
        found = self.users_by_email.get(email.lower())
        if found is None or self.email_filter is EmailFilter.ANY_CASE:
            return found
        user = self.users.get(found)
        return found if user is not None and user.email == email else None


def accounts_from(seed: Seed, now: datetime) -> Table[AccountState]:
    """The state the seed describes, every record created at ``now``."""
    accounts: Table[AccountState] = Table()
    for acc in seed.accounts:
        state = AccountState(Account(acc.id, acc.name, now), email_filter=acc.email_filter)
        for u in acc.users:
            state.users.put(u.id, User(u.id, acc.id, u.email, u.name, now))
            state.users_by_email[u.email.lower()] = u.id
            state.members[u.id] = Member(u.id, "User", u.email, u.name, acc.id)
        for b in acc.bots:
            bot = Bot(
                b.id,
                acc.id,
                derived_id(b.id, "bot-user"),
                b.name,
                _bot_email(b.name, acc.id),
                now,
            )
            state.bots.put(b.id, bot)
            state.members[b.id] = Member(b.id, "Bot", None, b.name, acc.id)
        for w in acc.webhooks:
            state.members[w.id] = Member(w.id, "Webhook", None, w.name, acc.id)
        for r in acc.rooms:
            creator = next(
                (m.member_id for m in r.memberships if m.role == "Administrator"), acc.id
            )
            state.rooms.put(r.id, Room(r.id, acc.id, r.name, creator, now))
            table: Table[Membership] = Table()
            state.memberships[r.id] = table
            for m in r.memberships:
                member = state.members[m.member_id]
                table.put(member.id, Membership(r.id, member, m.role, creator, now))
                state.rooms_of.setdefault(member.id, set()).add(r.id)
        accounts.put(acc.id, state)
    return accounts


def snapshot_of(accounts: Table[AccountState]) -> dict[str, Any]:
    """All of ``accounts`` as a seed document (members by id): ``accounts_from`` of its
    parsed seed is the same state."""
    documents = []
    for s in accounts.values():
        webhooks = [m for m in s.members.values() if m.kind == "Webhook"]
        rooms = []
        for room in s.rooms.values():
            memberships = [
                {"member": m.member.id, "role": m.role} for m in s.memberships[room.id].values()
            ]
            rooms.append({"id": room.id, "name": room.name, "memberships": memberships})
        exact = {"email_filter": s.email_filter.value}
        documents.append(
            {
                "id": s.account.id,
                "name": s.account.name,
                **(exact if s.email_filter is not EmailFilter.ANY_CASE else {}),
                "users": [{"id": u.id, "email": u.email, "name": u.name} for u in s.users.values()],
                "bots": [{"id": b.id, "name": b.name} for b in s.bots.values()],
                "webhooks": [{"id": w.id, "name": w.full_name} for w in webhooks],
                "rooms": rooms,
            }
        )
    return {"accounts": documents}


def _bot_email(name: str, account_id: str) -> str:
    slug = "".join(c for c in name.lower() if c.isalnum()) or "bot"
    return f"{slug}@{account_id}.bot.chime.aws"
