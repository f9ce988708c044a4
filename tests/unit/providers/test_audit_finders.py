"""The audit finders' edge rules (``rooms_finder``, ``channel_finder``), read as ``audit``
shows them: a bot whose Chime name has spaces around it, a member that leaves a room while
``audit`` reads, a channel declared by a name two channels share, and a channel declared by
ARN under a key another live channel is named."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from reconciler.audit import Audit, Status, audit
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.kinds.channels import CHANNEL, DEFAULT
from reconciler.live import LiveMember
from reconciler.providers.channel_finder import KINDS, absences
from reconciler.providers.chime_api import Bot, Room
from reconciler.providers.rooms_finder import rooms_where
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey
from reconciler.whereabouts import Found, ScopeLookup, Whereabouts

ACC = "acct-1"
ALICE = MemberRef.user("alice@example.com")
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/i-1"
C1, C2 = f"{INSTANCE}/channel/c-1", f"{INSTANCE}/channel/c-2"
ALICE_ARN = f"{INSTANCE}/user/alice@example.com"


class Steps:
    """No progress shown."""

    def task(self, description: str, total: int | None) -> AbstractContextManager[None]:
        return contextlib.nullcontext()

    def advance(self, *_: object) -> None:
        pass


class Rooms:
    """A Chime account as ``RoomsDirectory`` reads it: its users, bots and rooms, and who
    is in each room (``members``: room id -> member id -> role)."""

    def __init__(
        self,
        rooms: list[Room],
        members: dict[str, dict[str, Role]],
        users: dict[str, str] | None = None,
        bots: list[Bot] | None = None,
    ) -> None:
        self.rooms, self.members = rooms, members
        self.users, self.bots = users or {}, bots or []

    def list_accounts(self, user_email: str | None = None) -> list[str]:
        return [ACC]

    def find_user_by_email(self, account: str, email: str) -> Any:
        user_id = self.users.get(email)
        return None if user_id is None else type("U", (), {"user_id": user_id})()

    def list_bots(self, account: str) -> list[Bot]:
        return self.bots

    def list_rooms(
        self,
        account: str,
        member_id: str | None = None,
        on_page: Callable[[list[Room]], None] | None = None,
    ) -> list[Room]:
        rooms = [r for r in self.rooms if member_id is None or member_id in self.members[r.room_id]]
        if on_page is not None:
            on_page(rooms)
        return rooms

    def membership(self, account: str, room_id: str, member_id: str) -> LiveMember | None:
        role = self.members[room_id].get(member_id)
        if role is None:
            return None
        ref = ALICE if member_id.startswith("u-") else MemberRef.bot("DeployBot")
        kind = MemberKind.USER if ref is ALICE else MemberKind.BOT
        return LiveMember(ref, member_id, kind, role)

    def room_exists(self, account: str, room_id: str) -> bool:
        return any(r.room_id == room_id for r in self.rooms)


def rows(result: Audit) -> list[tuple[str, str | None, Status, str]]:
    return [(r.name, r.target_id, r.status, r.note) for r in result.rows]


def test_audit_finds_a_bot_whose_chime_name_has_spaces_around_it() -> None:
    """As ``plan`` does (it strips the name): ``audit bot:DeployBot`` for the bot Chime
    names `` DeployBot `` shows its room, not "no such member"."""
    chime = Rooms(
        [Room("r-1", "ops")],
        {"r-1": {"bot-2": Role.MEMBER}},
        bots=[Bot("bot-2", " DeployBot "), Bot("bot-9", "Other")],
    )
    deploy = MemberRef.bot("DeployBot")
    result = audit(deploy, rooms_where(chime, deploy, [ACC], Steps(), 1), None)
    assert result.lookups == (ScopeLookup(ACC, ("bot-2",)),)
    assert [(r.name, r.member_id, r.live_role) for r in result.rows] == [
        ("ops", "bot-2", Role.MEMBER)
    ]


def test_a_member_that_left_a_room_while_audit_read_is_not_shown_in_it() -> None:
    """ListRooms shows alice in two rooms; by the time her membership of the second is
    read she has left it: audit shows the first room only (no traceback)."""
    chime = Rooms(
        [Room("r-1", "ops"), Room("r-2", "left-since")],
        {"r-1": {"u-1": Role.MEMBER}, "r-2": {"u-1": Role.MEMBER}},
        users={"alice@example.com": "u-1"},
    )
    listed = chime.list_rooms

    def then_leaves(account: str, member_id: str | None = None, on_page: Any = None) -> list[Room]:
        found = listed(account, member_id, on_page)
        del chime.members["r-2"]["u-1"]  # left between ListRooms and its membership's read
        return found

    chime.list_rooms = then_leaves  # type: ignore[method-assign]
    result = audit(ALICE, rooms_where(chime, ALICE, [ACC], Steps(), 1), None)
    assert [(r.name, r.live_role) for r in result.rows] == [("ops", Role.MEMBER)]
    assert result.live_count == 1


class Channels:
    """An app instance as ``ChannelDirectory`` reads it for ``absences``: its channels
    by name, and the members banned from each."""

    parallelism = 1

    def __init__(self, named: dict[str, list[str]], banned: dict[str, list[str]]) -> None:
        self.named, self.banned = named, banned

    def channel_arns(self, instance: str) -> dict[str, list[str]]:
        return self.named

    def describe(self, channel: str, instance: str) -> dict[str, Any] | None:
        return {"ChannelArn": channel} if any(channel in a for a in self.named.values()) else {}

    def bearer_for(self, channel: str, instance: str) -> str:
        return f"{INSTANCE}/user/bearer"

    def bans(self, channel: str, instance: str) -> frozenset[str]:
        return frozenset(self.banned.get(channel, []))


def declared_in(name: str, arn: str | None = None) -> DesiredState:
    where = Location("desired-state/channels.yaml", 3)
    member = DesiredMember(ALICE, DEFAULT, (Provenance(DEFAULT, where),))
    key = TargetKey(CHANNEL.id, INSTANCE, name)
    return DesiredState(targets=(DesiredTarget(key, arn, False, (member,), where),))


def channel_audit(chime: Channels, desired: DesiredState, live: list[Found]) -> Audit:
    why = absences(chime, ALICE, desired, live, set(), Steps())  # type: ignore[arg-type]
    lookup = ScopeLookup(INSTANCE, (ALICE_ARN,))
    return audit(ALICE, Whereabouts(KINDS, (lookup,), tuple(live), tuple(why)), desired)


def test_a_channel_declared_by_a_name_two_channels_share_is_reported_not_added() -> None:
    """As ``plan`` does ("several channels have that name"): audit does not say "plan
    adds it" with one of the two channels' ARN."""
    chime = Channels({"ops": [C1, C2]}, {})
    result = channel_audit(chime, declared_in("ops"), [])
    assert rows(result) == [
        (
            "ops",
            None,
            Status.NOT_IN_CHIME,
            "declared, but several channels have that name: plan reports it",
        )
    ]


def test_a_channel_declared_by_arn_whose_key_another_live_channel_is_named_is_audited() -> None:
    """``ops: {arn: .../c-1}`` bans alice; she is in c-2, which Chime calls ``ops``: the
    declared channel is audited as banned, not taken for the one she is in."""
    chime = Channels({"ops": [C2], "old-ops": [C1]}, {C1: [ALICE_ARN]})
    in_c2 = Found(
        CHANNEL.id, INSTANCE, "ops", C2, LiveMember(ALICE, ALICE_ARN, MemberKind.USER, DEFAULT)
    )
    result = channel_audit(chime, declared_in("ops", C1), [in_c2])
    assert [r for r in rows(result) if r[1] == C1] == [
        (
            "ops",
            C1,
            Status.NOT_IN_CHIME,
            "declared, banned: plan does not add it (a plan never lifts a ban)",
        )
    ]
