"""Chime SDK messaging operations on the emulator's state, with AWS's authorisation rules
for the ``ChimeBearer`` (moto's ``models.py``: no HTTP; raises ``ChimeError``).

Who may do what (the bearer is an AppInstanceUser or AppInstanceBot ARN):

- an AppInstanceAdmin: everything on every channel of its app instance, without being a
  member; the only one who sees PRIVATE channels in ListChannels, and the only one who
  describes a PRIVATE channel (AWS: "You can only get details for public channels", for
  moderators and members too);
- a channel moderator: list and manage the memberships, moderators and bans of its channel,
  except that it adds moderators only once it is a member too;
- a channel member: list its DEFAULT members (not its moderators), leave it (not remove
  others), and in an UNRESTRICTED channel add DEFAULT members;
- anyone of the app instance: describe a PUBLIC channel, list its DEFAULT members, join it;
- a user (or an admin): list its own memberships and moderated channels;
- anyone else: ForbiddenException (403); a bearer that is no AppInstanceUser or
  AppInstanceBot of the app instance: UnauthorizedClientException (401), as AWS answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from reconciler.emulator.errors import (
    BadRequestError,
    ChimeError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ResourceLimitExceededError,
    UnauthorizedClientError,
)
from reconciler.emulator.messaging.limits import (
    MAX_BATCH_MEMBERS,
    MAX_MEMBERS_PER_CHANNEL,
    MAX_MEMBERSHIPS_PER_USER,
    MAX_MODERATORS_PER_CHANNEL,
    PAGE,
)
from reconciler.emulator.messaging.records import (
    Channel,
    ChannelGrant,
    ChannelMembership,
    HiddenListing,
    Identity,
    ItemError,
    MembershipType,
    Mode,
    Privacy,
)
from reconciler.emulator.messaging.state import (
    ChannelState,
    InstanceState,
    MessagingState,
    check_arn,
)
from reconciler.emulator.paging import check_max_results, decode_token, encode_token, page_of

Page = tuple[list[ChannelMembership], str | None]
# AWS's answer (401) to a bearer that is no AppInstanceUser or AppInstanceBot of the app
# instance, as users report it (aws/amazon-chime-sdk-js#1270)
INVALID_BEARER = (
    "An invalid app instance user ARN was supplied for the x-amz-chime-bearer HTTP header."
)
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Caller:
    """The bearer of a call on one channel, and what it is there."""

    who: Identity
    admin: bool
    moderator: bool
    member: bool

    @property
    def manager(self) -> bool:
        return self.admin or self.moderator


class ChannelOperations(MessagingState):
    """The channel operations of ``chime-sdk-messaging`` (``backend.MessagingBackend``
    adds channel creation, the per-user listings and the identity reads)."""

    # -- bearer --------------------------------------------------------------------------

    def bearer(self, state: InstanceState, bearer: str) -> Identity:
        """The bearer's identity; 401 UnauthorizedClientException, as AWS answers, if it
        is no AppInstanceUser or AppInstanceBot of ``state``'s app instance (QA-G Q-G-3)."""
        check_arn(bearer, "ChimeBearer")
        who = state.identity(bearer)
        if who is None:
            raise UnauthorizedClientError(INVALID_BEARER)
        return who

    def _caller(self, state: InstanceState, cs: ChannelState, bearer: str) -> Caller:
        who = self.bearer(state, bearer)
        return Caller(who, who.arn in state.admins, who.arn in cs.moderators, who.arn in cs.types)

    @contextmanager
    def _on_channel(
        self, channel_arn: str, bearer: str, manage: str | None = None
    ) -> Iterator[tuple[InstanceState, ChannelState, Caller]]:
        """Hold the lock on one channel as ``bearer``; with ``manage``, refuse a bearer that
        is neither an AppInstanceAdmin nor a moderator of the channel."""
        with self._lock:
            state, cs = self.channel(channel_arn)
            caller = self._caller(state, cs, bearer)
            if manage is not None and not caller.manager:
                raise self._refuse(caller, manage, cs.channel)
            yield state, cs, caller

    @staticmethod
    def _identity(state: InstanceState, arn: str) -> Identity:
        who = state.identity(arn)
        if who is None:
            raise NotFoundError(
                f"{arn} is not an AppInstanceUser or AppInstanceBot of {state.instance.arn}."
            )
        return who

    @staticmethod
    def _refuse(caller: Caller, action: str, channel: Channel) -> ForbiddenError:
        return ForbiddenError(
            f"{caller.who.arn} is not allowed to {action} in channel {channel.arn}: "
            "it is neither an AppInstanceAdmin nor a moderator of the channel."
        )

    # -- channels ------------------------------------------------------------------------

    def list_channels(
        self,
        instance_arn: str,
        bearer: str,
        privacy: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Channel], str | None]:
        limit = check_max_results(max_results, PAGE)
        wanted = enum_value(Privacy, privacy, "Privacy")
        with self._lock:
            state = self.instance(instance_arn)
            who = self.bearer(state, bearer)
            admin = who.arn in state.admins
            if wanted is Privacy.PRIVATE and not admin:
                raise ForbiddenError("Only an AppInstanceAdmin can list PRIVATE channels.")
            scope = f"ListChannels/{instance_arn}/{privacy or ''}/{admin}"
            after = decode_token(next_token, scope)
            rows = [
                (state.channels.seq(cs.channel.arn), cs.channel)
                for cs in state.channels.values()
                if (wanted is None or cs.channel.privacy is wanted)
                and (admin or cs.channel.privacy is Privacy.PUBLIC)
            ]
            channels, cursor = page_of(rows, after, limit)
            return channels, token(scope, cursor)

    def describe_channel(self, channel_arn: str, bearer: str) -> Channel:
        with self._on_channel(channel_arn, bearer) as (_, cs, caller):
            if not (caller.admin or cs.channel.privacy is Privacy.PUBLIC):
                raise ForbiddenError(
                    f"{caller.who.arn} is not allowed to describe channel {channel_arn}: "
                    "it is PRIVATE, and only an AppInstanceAdmin may describe a PRIVATE channel."
                )
            return cs.channel

    # -- memberships ---------------------------------------------------------------------

    def list_channel_memberships(
        self,
        channel_arn: str,
        bearer: str,
        kind: str | None = None,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> Page:
        """One type's memberships (DEFAULT unless HIDDEN is asked for); HIDDEN, in an app
        instance whose ``hidden_listing`` is ALL: every membership, DEFAULT ones first."""
        limit = check_max_results(max_results, PAGE)
        wanted = enum_value(MembershipType, kind, "Type") or MembershipType.DEFAULT
        scope = f"ListChannelMemberships/{channel_arn}/{wanted.value}"
        after = decode_token(next_token, scope)
        with self._on_channel(channel_arn, bearer) as (state, cs, caller):
            public = cs.channel.privacy is Privacy.PUBLIC
            default = wanted is MembershipType.DEFAULT
            if not (caller.manager or ((caller.member or public) and default)):
                raise self._refuse(caller, f"list {wanted.value} memberships", cs.channel)
            if not default and state.hidden_listing is HiddenListing.ALL:
                page, cursor = page_of(_every_membership(cs), after, limit)
            else:
                page, cursor = cs.members[wanted].page(after, limit)
            return page, token(scope, cursor)

    def describe_channel_membership(
        self, channel_arn: str, member_arn: str, bearer: str
    ) -> ChannelMembership:
        check_arn(member_arn, "MemberArn")
        with self._on_channel(channel_arn, bearer) as (_, cs, caller):
            if not (caller.manager or caller.who.arn == member_arn):
                raise self._refuse(caller, "describe memberships", cs.channel)
            found = cs.membership(member_arn)
            if found is None:
                raise NotFoundError(f"{member_arn} is not a member of channel {channel_arn}.")
            return found

    def create_channel_membership(
        self, channel_arn: str, member_arn: str, kind: str | None, bearer: str
    ) -> ChannelMembership:
        check_arn(member_arn, "MemberArn")
        wanted = enum_value(MembershipType, kind, "Type") or MembershipType.DEFAULT
        with self._on_channel(channel_arn, bearer) as (state, cs, caller):
            self._may_add(caller, cs, wanted, [member_arn])
            return self._add(state, cs, member_arn, wanted, caller.who)

    def batch_create_channel_membership(
        self,
        channel_arn: str,
        member_arns: Sequence[str],
        kind: str | None,
        bearer: str,
        item_throttled: Callable[[int], bool] = lambda _: False,
        whole_call_limit: bool = False,
    ) -> tuple[list[ChannelMembership], list[ItemError], Identity, MembershipType]:
        """Add each member with one type; return the added, the per-item errors, the
        inviter and the type. ``item_throttled(i)``: item ``i`` fails with ``Throttled``.
        At the channel's maximum the items over it fail with ``ResourceLimitExceeded``,
        first come, first served; with ``whole_call_limit`` the call is refused instead
        (``ResourceLimitExceededException``, nothing made) when its new members do not
        all fit."""
        if not 1 <= len(member_arns) <= MAX_BATCH_MEMBERS:
            raise BadRequestError(
                f"MemberArns has {len(member_arns)} items; "
                f"between 1 and {MAX_BATCH_MEMBERS} are allowed."
            )
        wanted = enum_value(MembershipType, kind, "Type") or MembershipType.DEFAULT
        added: list[ChannelMembership] = []
        errors: list[ItemError] = []
        with self._on_channel(channel_arn, bearer) as (state, cs, caller):
            self._may_add(caller, cs, wanted, member_arns)
            new = {arn for arn in member_arns if arn not in cs.types}
            if whole_call_limit and cs.member_count + len(new) > MAX_MEMBERS_PER_CHANNEL:
                raise ResourceLimitExceededError(
                    f"Channel {cs.channel.arn} has room for "
                    f"{max(0, MAX_MEMBERS_PER_CHANNEL - cs.member_count)} more of its "
                    f"maximum of {MAX_MEMBERS_PER_CHANNEL} members, not {len(new)}."
                )
            for i, arn in enumerate(member_arns):
                if item_throttled(i):
                    errors.append(ItemError(arn, "Throttled", "Rate exceeded."))
                    continue
                try:
                    check_arn(arn, "MemberArn")
                    added.append(self._add(state, cs, arn, wanted, caller.who))
                except ChimeError as exc:
                    errors.append(ItemError(arn, exc.code, exc.message))
        return added, errors, caller.who, wanted

    def delete_channel_membership(self, channel_arn: str, member_arn: str, bearer: str) -> None:
        """Remove a membership; removing one that does not exist succeeds (the model has
        no NotFoundException for this operation)."""
        check_arn(member_arn, "MemberArn")
        with self._on_channel(channel_arn, bearer) as (_, cs, caller):
            if not (caller.manager or caller.who.arn == member_arn):  # a member may leave
                raise self._refuse(caller, "remove members", cs.channel)
            self.drop_membership(cs, member_arn)

    def _may_add(
        self, caller: Caller, cs: ChannelState, kind: MembershipType, arns: Sequence[str]
    ) -> None:
        if caller.manager:
            return
        if kind is MembershipType.HIDDEN:
            raise self._refuse(caller, "add HIDDEN members", cs.channel)
        if caller.member and cs.channel.mode is Mode.UNRESTRICTED:
            return
        joining = list(arns) == [caller.who.arn] and cs.channel.privacy is Privacy.PUBLIC
        if not joining:
            raise self._refuse(caller, "add members", cs.channel)

    def _add(
        self,
        state: InstanceState,
        cs: ChannelState,
        arn: str,
        kind: MembershipType,
        by: Identity,
    ) -> ChannelMembership:
        who = self._identity(state, arn)
        if arn in cs.bans:
            raise ForbiddenError(f"{arn} is banned from channel {cs.channel.arn}.")
        if cs.channel.elastic is not None and kind is MembershipType.HIDDEN:
            raise BadRequestError("An elastic channel has no HIDDEN memberships.")
        current = cs.types.get(arn)
        if current is not None:
            raise ConflictError(
                f"{arn} is already a {current.value} member of channel {cs.channel.arn}."
            )
        if cs.member_count >= MAX_MEMBERS_PER_CHANNEL:
            raise ResourceLimitExceededError(
                f"Channel {cs.channel.arn} already has the maximum of "
                f"{MAX_MEMBERS_PER_CHANNEL} members."
            )
        if self.membership_count(arn) >= MAX_MEMBERSHIPS_PER_USER:
            raise ResourceLimitExceededError(
                f"{arn} is already in the maximum of {MAX_MEMBERSHIPS_PER_USER} channels."
            )
        membership = ChannelMembership(cs.channel.arn, who, kind, by, self._clock())
        self.put_membership(cs, membership)
        return membership

    # -- moderators ----------------------------------------------------------------------

    def list_channel_moderators(
        self,
        channel_arn: str,
        bearer: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[ChannelGrant], str | None]:
        limit = check_max_results(max_results, PAGE)
        scope = f"ListChannelModerators/{channel_arn}"
        after = decode_token(next_token, scope)
        with self._on_channel(channel_arn, bearer, manage="list moderators") as (_, cs, _):
            page, cursor = cs.moderators.page(after, limit)
            return page, token(scope, cursor)

    def create_channel_moderator(
        self, channel_arn: str, moderator_arn: str, bearer: str
    ) -> ChannelGrant:
        check_arn(moderator_arn, "ChannelModeratorArn")
        with self._on_channel(channel_arn, bearer, manage="add moderators") as (state, cs, caller):
            if not caller.admin and not caller.member:
                raise ForbiddenError(
                    f"{caller.who.arn} is not allowed to add moderators in channel "
                    f"{channel_arn}: a moderator must first be a member of the channel "
                    "(CreateChannelMembership)."
                )
            grant = self._moderate(state, cs, moderator_arn, caller.who)
            if cs.channel.elastic is not None:  # promoted: its memberships go (QA-G Q-G-4)
                self.drop_membership(cs, moderator_arn)
            return grant

    def _moderate(
        self, state: InstanceState, cs: ChannelState, arn: str, by: Identity
    ) -> ChannelGrant:
        who = self._identity(state, arn)
        if arn in cs.bans:
            raise BadRequestError(f"{arn} is banned from channel {cs.channel.arn}.")
        if arn in cs.moderators:
            raise ConflictError(f"{arn} is already a moderator of channel {cs.channel.arn}.")
        if len(cs.moderators) >= MAX_MODERATORS_PER_CHANNEL:
            raise ResourceLimitExceededError(
                f"Channel {cs.channel.arn} already has the maximum of "
                f"{MAX_MODERATORS_PER_CHANNEL} moderators."
            )
        grant = ChannelGrant(cs.channel.arn, who, by, self._clock())
        self.put_moderator(cs, grant)
        return grant

    def delete_channel_moderator(self, channel_arn: str, moderator_arn: str, bearer: str) -> None:
        """Revoke a moderator; revoking one that is not succeeds (no NotFoundException in
        the model for this operation). In an elastic channel, a moderator demoted loses its
        memberships of the channel too, as AWS documents."""
        check_arn(moderator_arn, "ChannelModeratorArn")
        with self._on_channel(channel_arn, bearer, manage="remove moderators") as (_, cs, _):
            if self.drop_moderator(cs, moderator_arn) and cs.channel.elastic is not None:
                self.drop_membership(cs, moderator_arn)

    # -- bans ----------------------------------------------------------------------------

    def list_channel_bans(
        self,
        channel_arn: str,
        bearer: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[ChannelGrant], str | None]:
        limit = check_max_results(max_results, PAGE)
        scope = f"ListChannelBans/{channel_arn}"
        after = decode_token(next_token, scope)
        with self._on_channel(channel_arn, bearer, manage="list bans") as (_, cs, _):
            page, cursor = cs.bans.page(after, limit)
            return page, token(scope, cursor)

    def create_channel_ban(self, channel_arn: str, member_arn: str, bearer: str) -> ChannelGrant:
        """Ban a member: its membership (of either type) goes, and it cannot be added again
        until the ban is deleted. Admins and the channel's moderators cannot be banned."""
        check_arn(member_arn, "MemberArn")
        with self._on_channel(channel_arn, bearer, manage="ban members") as (state, cs, caller):
            who = self._identity(state, member_arn)
            if member_arn in state.admins:
                raise BadRequestError(f"{member_arn} is an AppInstanceAdmin: it cannot be banned.")
            if member_arn in cs.moderators:
                raise BadRequestError(
                    f"{member_arn} is a moderator of channel {channel_arn}: it cannot be banned."
                )
            if member_arn in cs.bans:
                raise ConflictError(f"{member_arn} is already banned from channel {channel_arn}.")
            self.drop_membership(cs, member_arn)
            grant = ChannelGrant(channel_arn, who, caller.who, self._clock())
            cs.bans.put(member_arn, grant)
            return grant

    def delete_channel_ban(self, channel_arn: str, member_arn: str, bearer: str) -> None:
        check_arn(member_arn, "MemberArn")
        with self._on_channel(channel_arn, bearer, manage="lift bans") as (_, cs, _):
            cs.bans.pop(member_arn)


def enum_value(kind: type[E], value: str | None, name: str) -> E | None:
    """``kind(value)``, None for None; BadRequestException for a value not in the enum."""
    if value is None:
        return None
    try:
        return kind(value)
    except ValueError:
        options = ", ".join(m.value for m in kind)
        raise BadRequestError(f"{name} must be one of {options}, got {value!r}.") from None


def token(scope: str, cursor: int | None) -> str | None:
    return None if cursor is None else encode_token(scope, cursor)


_TYPE_STRIDE = 1 << 40  # a type's rows after the one before's, whatever their sequences


def _every_membership(cs: ChannelState) -> list[tuple[int, ChannelMembership]]:
    """Every membership of the channel, DEFAULT then HIDDEN, each in its order: the rows
    of a HIDDEN listing that returns DEFAULT members too (``HiddenListing.ALL``), with
    sequences that page as one table."""
    return [
        (i * _TYPE_STRIDE + cs.members[kind].seq(m.member.arn), m)
        for i, kind in enumerate((MembershipType.DEFAULT, MembershipType.HIDDEN))
        for m in cs.members[kind].values()
    ]
