"""The whole messaging backend: channel operations (``models``) plus CreateChannel, the
per-user listings (ListChannelMembershipsForAppInstanceUser,
ListChannelsModeratedByAppInstanceUser) and the ``chime-sdk-identity`` reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from reconciler.emulator.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    ResourceLimitExceededError,
    UnauthorizedClientError,
)
from reconciler.emulator.messaging.arns import ID_RE, parse_instance_arn
from reconciler.emulator.messaging.limits import MAX_CREATE_CHANNEL_MEMBERS, PAGE
from reconciler.emulator.messaging.models import (
    INVALID_BEARER,
    ChannelOperations,
    enum_value,
    token,
)
from reconciler.emulator.messaging.records import (
    AppInstanceBot,
    AppInstanceUser,
    Channel,
    ChannelMembership,
    ElasticConfig,
    Identity,
    MembershipType,
    Mode,
    NonUserAnswer,
    Privacy,
)
from reconciler.emulator.messaging.state import ChannelState, InstanceState, check_arn
from reconciler.emulator.paging import check_max_results, decode_token, page_of

_CHANNEL_IDS = uuid.UUID("6a0d3e52-8f55-4c1b-9d0e-0c5b2f6e8a11")
ELASTIC_REGION = "us-east-1"
# AWS's 403 for an invalid user ARN in an input parameter (aws/amazon-chime-sdk-js#1148)
NON_USER_FORBIDDEN = "An invalid app instance user ARN was supplied for the input parameter."


class MessagingBackend(ChannelOperations):
    """App instances, channels, memberships, moderators and bans of the emulator."""

    # -- CreateChannel -------------------------------------------------------------------

    def create_channel(
        self,
        instance_arn: str,
        name: str,
        bearer: str,
        client_request_token: str,
        mode: str | None = None,
        privacy: str | None = None,
        channel_id: str | None = None,
        member_arns: Sequence[str] = (),
        moderator_arns: Sequence[str] = (),
        elastic: ElasticConfig | None = None,
    ) -> Channel:
        """A new channel; its creator (the bearer) is its member and moderator, except in
        an elastic channel, where it is a moderator only. An elastic channel must be
        RESTRICTED and take no MemberArns, as AWS requires. The same ClientRequestToken
        returns the channel it created."""
        for what, arns in (("MemberArns", member_arns), ("ModeratorArns", moderator_arns)):
            if len(arns) > MAX_CREATE_CHANNEL_MEMBERS:
                raise BadRequestError(
                    f"{what} has {len(arns)} items; at most {MAX_CREATE_CHANNEL_MEMBERS}."
                )
        if channel_id is not None and not ID_RE.match(channel_id):
            raise BadRequestError(f"ChannelId {channel_id!r} is malformed.")
        kind_mode = enum_value(Mode, mode, "Mode") or Mode.UNRESTRICTED
        kind_privacy = enum_value(Privacy, privacy, "Privacy") or Privacy.PUBLIC
        if elastic is not None:  # AWS's "Creating elastic channels" (QA-G Q-G-4)
            if kind_mode is Mode.UNRESTRICTED:
                raise BadRequestError(
                    "An elastic channel cannot be UNRESTRICTED: give Mode RESTRICTED."
                )
            if member_arns:
                raise BadRequestError(
                    "An elastic channel cannot be created with MemberArns: add its members "
                    "afterwards."
                )
        with self._lock:
            state = self.instance(instance_arn)
            creator = self.bearer(state, bearer)
            ident = channel_id or str(uuid.uuid5(_CHANNEL_IDS, f"{bearer}|{client_request_token}"))
            arn = f"{instance_arn}/channel/{ident}"
            existing = state.channels.get(arn)
            if existing is not None:
                if channel_id is None:
                    return existing.channel  # a retry with the same ClientRequestToken
                raise ConflictError(f"Channel {arn} already exists.")
            if elastic is not None:
                self._check_elastic(state, instance_arn)
            who = [self._known(state, a) for a in (*member_arns, *moderator_arns)]
            channel = Channel(
                arn, instance_arn, name, kind_mode, kind_privacy, creator, self._clock(), elastic
            )
            cs = ChannelState(channel)
            self.add_channel(state, cs)
            now = channel.created
            members = [creator] if elastic is None else []
            members += who[: len(member_arns)]
            for m in members:
                if m.arn not in cs.types:
                    self.put_membership(
                        cs, ChannelMembership(arn, m, MembershipType.DEFAULT, creator, now)
                    )
            for m in [creator, *who[len(member_arns) :]]:
                if m.arn not in cs.moderators:
                    self._moderate(state, cs, m.arn, creator)
            return channel

    def _known(self, state: InstanceState, arn: str) -> Identity:
        check_arn(arn, "MemberArn")
        found = state.identity(arn)
        if found is None:
            raise NotFoundError(
                f"{arn} is not an AppInstanceUser or AppInstanceBot of {state.instance.arn}."
            )
        return found

    @staticmethod
    def _check_elastic(state: InstanceState, instance_arn: str) -> None:
        parsed = parse_instance_arn(instance_arn)
        if parsed is not None and parsed.region != ELASTIC_REGION:
            raise BadRequestError(f"Elastic channels exist only in {ELASTIC_REGION}.")
        if any(cs.channel.elastic is not None for cs in state.channels.values()):
            raise ResourceLimitExceededError(
                f"App instance {instance_arn} already has its one elastic channel."
            )

    # -- per-user listings ---------------------------------------------------------------

    def _subject(self, user_arn: str | None, bearer: str) -> tuple[InstanceState, str]:
        """The app instance and user of a per-user listing; the bearer must be that user
        or an AppInstanceAdmin of its app instance."""
        check_arn(bearer, "ChimeBearer")
        subject = user_arn or bearer
        check_arn(subject, "AppInstanceUserArn")
        state = self.instance_of_member(bearer)
        if state is None or state.identity(bearer) is None:
            raise UnauthorizedClientError(INVALID_BEARER)
        if subject != bearer and bearer not in state.admins:
            raise ForbiddenError(
                f"{bearer} may list only its own channels: it is not an AppInstanceAdmin."
            )
        if state.identity(subject) is None:
            if state.non_user_answer is NonUserAnswer.FORBIDDEN:  # AWS's, for a bad user ARN
                raise ForbiddenError(NON_USER_FORBIDDEN)
            raise BadRequestError(
                f"{subject} is not an AppInstanceUser or bot of {state.instance.arn}."
            )
        return state, subject

    def list_memberships_for_user(
        self,
        user_arn: str | None,
        bearer: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[tuple[Channel, MembershipType]], str | None]:
        limit = check_max_results(max_results, PAGE)
        with self._lock:
            state, subject = self._subject(user_arn, bearer)
            scope = f"ListChannelMembershipsForAppInstanceUser/{subject}"
            after = decode_token(next_token, scope)
            rows = [
                (seq, (cs.channel, cs.types[subject]))
                for seq, cs in self.channels_of(state, self._member_of, subject)
            ]
            found, cursor = page_of(rows, after, limit)
            return found, token(scope, cursor)

    def list_channels_moderated_by_user(
        self,
        user_arn: str | None,
        bearer: str,
        max_results: int | None = None,
        next_token: str | None = None,
    ) -> tuple[list[Channel], str | None]:
        limit = check_max_results(max_results, PAGE)
        with self._lock:
            state, subject = self._subject(user_arn, bearer)
            scope = f"ListChannelsModeratedByAppInstanceUser/{subject}"
            after = decode_token(next_token, scope)
            rows = [
                (seq, cs.channel) for seq, cs in self.channels_of(state, self._moderates, subject)
            ]
            found, cursor = page_of(rows, after, limit)
            return found, token(scope, cursor)

    # -- chime-sdk-identity (IAM only: no bearer) ----------------------------------------

    def list_app_instance_users(
        self, instance_arn: str, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[AppInstanceUser], str | None]:
        limit = check_max_results(max_results, PAGE)
        scope = f"ListAppInstanceUsers/{instance_arn}"
        after = decode_token(next_token, scope)
        with self._lock:
            users, cursor = self.instance(instance_arn).users.page(after, limit)
            return users, token(scope, cursor)

    def describe_app_instance_user(self, user_arn: str) -> AppInstanceUser:
        check_arn(user_arn, "AppInstanceUserArn")
        with self._lock:
            state = self.instance_of_member(user_arn)
            user = state.users.get(user_arn) if state is not None else None
            if user is None:
                raise NotFoundError(f"AppInstanceUser {user_arn} not found.")
            return user

    def list_app_instance_bots(
        self, instance_arn: str, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[AppInstanceBot], str | None]:
        limit = check_max_results(max_results, PAGE)
        scope = f"ListAppInstanceBots/{instance_arn}"
        after = decode_token(next_token, scope)
        with self._lock:
            bots, cursor = self.instance(instance_arn).bots.page(after, limit)
            return bots, token(scope, cursor)

    def describe_app_instance_bot(self, bot_arn: str) -> AppInstanceBot:
        check_arn(bot_arn, "AppInstanceBotArn")
        with self._lock:
            state = self.instance_of_member(bot_arn)
            bot = state.bots.get(bot_arn) if state is not None else None
            if bot is None:
                raise NotFoundError(f"AppInstanceBot {bot_arn} not found.")
            return bot

    def list_app_instance_admins(
        self, instance_arn: str, max_results: int | None = None, next_token: str | None = None
    ) -> tuple[list[Identity], str | None]:
        limit = check_max_results(max_results, PAGE)
        scope = f"ListAppInstanceAdmins/{instance_arn}"
        after = decode_token(next_token, scope)
        with self._lock:
            admins, cursor = self.instance(instance_arn).admins.page(after, limit)
            return admins, token(scope, cursor)

    # -- conveniences for tests and benchmarks -------------------------------------------

    def channel_members(self, channel_arn: str) -> dict[str, str]:
        """Member ARN -> type of one channel."""
        with self._lock:
            _, cs = self.channel(channel_arn)
            return {arn: kind.value for arn, kind in cs.types.items()}

    def channel_moderators(self, channel_arn: str) -> list[str]:
        with self._lock:
            _, cs = self.channel(channel_arn)
            return [g.member.arn for g in cs.moderators.values()]
