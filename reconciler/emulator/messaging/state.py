"""The messaging emulator's state: app instances (users, bots, admins) and channels
(memberships of each type, moderators, bans), with the indexes the per-user listings
need. No HTTP and no authorisation here; ``models`` builds the operations on it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reconciler.emulator.errors import BadRequestError, ForbiddenError, NotFoundError
from reconciler.emulator.messaging.arns import CHIME_ARN_RE, parent_instance
from reconciler.emulator.messaging.records import (
    AppInstance,
    AppInstanceBot,
    AppInstanceUser,
    Channel,
    ChannelGrant,
    ChannelMembership,
    HiddenListing,
    Identity,
    MembershipType,
    NoChannelAnswer,
    NonUserAnswer,
)
from reconciler.emulator.messaging.seed import SeedAppInstance, SeedChannel
from reconciler.emulator.paging import Table

Clock = Callable[[], datetime]
# a channel ARN of no channel, where the app instance is seeded to answer 403
NO_CHANNEL_FORBIDDEN = "User is not authorized to perform this action on the channel."


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ChannelState:
    channel: Channel
    members: dict[MembershipType, Table[ChannelMembership]] = field(
        default_factory=lambda: {t: Table() for t in MembershipType}
    )
    types: dict[str, MembershipType] = field(default_factory=dict)  # member ARN -> type
    moderators: Table[ChannelGrant] = field(default_factory=Table)
    bans: Table[ChannelGrant] = field(default_factory=Table)

    def membership(self, arn: str) -> ChannelMembership | None:
        kind = self.types.get(arn)
        return None if kind is None else self.members[kind].get(arn)

    @property
    def member_count(self) -> int:
        return len(self.types)


@dataclass
class InstanceState:
    instance: AppInstance
    users: Table[AppInstanceUser] = field(default_factory=Table)  # by ARN
    bots: Table[AppInstanceBot] = field(default_factory=Table)  # by ARN
    admins: Table[Identity] = field(default_factory=Table)  # by ARN
    channels: Table[ChannelState] = field(default_factory=Table)  # by ARN
    hidden_listing: HiddenListing = HiddenListing.HIDDEN  # what Type=HIDDEN lists
    # what the per-user listings answer for an ARN that is no user or bot of it
    non_user_answer: NonUserAnswer = NonUserAnswer.BAD_REQUEST
    # what a channel's operations answer for an ARN of it that names no channel
    no_channel_answer: NoChannelAnswer = NoChannelAnswer.NOT_FOUND

    def identity(self, arn: str) -> Identity | None:
        """The user or bot with this ARN, as an ``Identity``."""
        found: AppInstanceUser | AppInstanceBot | None = self.users.get(arn) or self.bots.get(arn)
        return None if found is None else Identity(found.arn, found.name)


class MessagingState:
    """App instances and channels, behind one lock (every operation is atomic)."""

    def __init__(self, seed: tuple[SeedAppInstance, ...] = (), clock: Clock = utc_now) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self._instances: Table[InstanceState] = Table()
        self._channels: dict[str, ChannelState] = {}
        self._member_of: dict[str, set[str]] = {}  # member ARN -> channel ARNs
        self._moderates: dict[str, set[str]] = {}  # moderator ARN -> channel ARNs
        self.reset(seed)

    # -- seed and snapshot ---------------------------------------------------------------

    def reset(self, seed: tuple[SeedAppInstance, ...]) -> None:
        """Replace all state with the seed's."""
        with self._lock:
            self._instances = Table()
            self._channels = {}
            self._member_of = {}
            self._moderates = {}
            now = self._clock()
            for item in seed:
                state = InstanceState(AppInstance(item.arn, item.name, now))
                state.hidden_listing = item.hidden_listing
                state.non_user_answer = item.non_user_answer
                state.no_channel_answer = item.no_channel_answer
                for u in item.users:
                    state.users.put(u.arn, AppInstanceUser(u.arn, u.id, u.name, now))
                for b in item.bots:
                    state.bots.put(b.arn, AppInstanceBot(b.arn, b.id, b.name, now))
                for arn in item.admins:
                    state.admins.put(arn, self._who(state, arn))
                self._instances.put(item.arn, state)
                for ch in item.channels:
                    self._seed_channel(state, ch, now)

    def _seed_channel(self, state: InstanceState, ch: SeedChannel, now: datetime) -> None:
        creator = self._who(state, ch.created_by) if ch.created_by != state.instance.arn else None
        by = creator or Identity(state.instance.arn, state.instance.name)
        channel = Channel(
            ch.arn, state.instance.arn, ch.name, ch.mode, ch.privacy, by, now, ch.elastic
        )
        cs = ChannelState(channel)
        state.channels.put(ch.arn, cs)
        self._channels[ch.arn] = cs
        for kind, arns in (
            (MembershipType.DEFAULT, ch.members),
            (MembershipType.HIDDEN, ch.hidden),
        ):
            for arn in arns:
                self.put_membership(
                    cs, ChannelMembership(ch.arn, self._who(state, arn), kind, by, now)
                )
        for arn in ch.moderators:
            self.put_moderator(cs, ChannelGrant(ch.arn, self._who(state, arn), by, now))
        for arn in ch.bans:
            cs.bans.put(arn, ChannelGrant(ch.arn, self._who(state, arn), by, now))

    @staticmethod
    def _who(state: InstanceState, arn: str) -> Identity:
        found = state.identity(arn)
        assert found is not None, arn  # the seed parser resolved every reference
        return found

    def snapshot(self) -> list[dict[str, Any]]:
        """The ``app_instances`` of a seed document: ``reset`` of it restores this state."""
        with self._lock:
            return [_instance_doc(s) for s in self._instances.values()]

    # -- lookups (callers hold the lock) -------------------------------------------------

    def instance(self, arn: str) -> InstanceState:
        check_arn(arn, "AppInstanceArn")
        state = self._instances.get(arn)
        if state is None:
            raise NotFoundError(f"AppInstance {arn} not found.")
        return state

    def channel(self, arn: str) -> tuple[InstanceState, ChannelState]:
        check_arn(arn, "ChannelArn")
        cs = self._channels.get(arn)
        if cs is None:
            owner = self.instance_of_member(arn)
            if owner is not None and owner.no_channel_answer is NoChannelAnswer.FORBIDDEN:
                raise ForbiddenError(NO_CHANNEL_FORBIDDEN)
            raise NotFoundError(f"Channel {arn} not found.")
        state = self._instances.get(cs.channel.instance_arn)
        assert state is not None
        return state, cs

    def instance_of_member(self, arn: str) -> InstanceState | None:
        parent = parent_instance(arn)
        return None if parent is None else self._instances.get(parent)

    def channels_of(
        self, state: InstanceState, index: dict[str, set[str]], arn: str
    ) -> Iterator[tuple[int, ChannelState]]:
        """(position, channel) of the channels ``arn`` is in (or moderates), in order."""
        rows = sorted((state.channels.seq(c), c) for c in index.get(arn, ()) if c in state.channels)
        return ((seq, self._channels[c]) for seq, c in rows)

    # -- mutations keeping the indexes (callers hold the lock) ---------------------------

    def put_membership(self, cs: ChannelState, m: ChannelMembership) -> None:
        cs.types[m.member.arn] = m.type
        cs.members[m.type].put(m.member.arn, m)
        self._member_of.setdefault(m.member.arn, set()).add(cs.channel.arn)

    def drop_membership(self, cs: ChannelState, arn: str) -> bool:
        kind = cs.types.pop(arn, None)
        if kind is None:
            return False
        cs.members[kind].pop(arn)
        self._member_of.get(arn, set()).discard(cs.channel.arn)
        return True

    def put_moderator(self, cs: ChannelState, grant: ChannelGrant) -> None:
        cs.moderators.put(grant.member.arn, grant)
        self._moderates.setdefault(grant.member.arn, set()).add(cs.channel.arn)

    def drop_moderator(self, cs: ChannelState, arn: str) -> bool:
        if cs.moderators.pop(arn) is None:
            return False
        self._moderates.get(arn, set()).discard(cs.channel.arn)
        return True

    def membership_count(self, arn: str) -> int:
        return len(self._member_of.get(arn, ()))

    def add_channel(self, state: InstanceState, cs: ChannelState) -> None:
        state.channels.put(cs.channel.arn, cs)
        self._channels[cs.channel.arn] = cs


def check_arn(value: str, name: str) -> None:
    """BadRequestException unless ``value`` matches botocore's ChimeArn pattern."""
    if not CHIME_ARN_RE.match(value):
        raise BadRequestError(f"{name} {value!r} is not a valid ARN.")


def _instance_doc(s: InstanceState) -> dict[str, Any]:
    channels = []
    for cs in s.channels.values():
        c = cs.channel
        doc: dict[str, Any] = {
            "arn": c.arn,
            "name": c.name,
            "privacy": c.privacy.value,
            "mode": c.mode.value,
            "members": [m.member.arn for m in cs.members[MembershipType.DEFAULT].values()],
            "hidden": [m.member.arn for m in cs.members[MembershipType.HIDDEN].values()],
            "moderators": [g.member.arn for g in cs.moderators.values()],
            "bans": [g.member.arn for g in cs.bans.values()],
        }
        if c.elastic is not None:
            e = c.elastic
            doc["elastic"] = {
                "maximum_sub_channels": e.maximum_sub_channels,
                "target_memberships_per_sub_channel": e.target_memberships_per_sub_channel,
                "minimum_membership_percentage": e.minimum_membership_percentage,
            }
        channels.append(doc)
    listing = {"hidden_listing": s.hidden_listing.value}
    return {
        "arn": s.instance.arn,
        "name": s.instance.name,
        **(listing if s.hidden_listing is not HiddenListing.HIDDEN else {}),
        **(
            {"non_user_answer": s.non_user_answer.value}
            if s.non_user_answer is not NonUserAnswer.BAD_REQUEST
            else {}
        ),
        **(
            {"no_channel_answer": s.no_channel_answer.value}
            if s.no_channel_answer is not NoChannelAnswer.NOT_FOUND
            else {}
        ),
        "admins": [a.arn for a in s.admins.values()],
        "users": [{"id": u.id, "name": u.name} for u in s.users.values()],
        "bots": [{"id": b.id, "name": b.name} for b in s.bots.values()],
        "channels": channels,
    }
