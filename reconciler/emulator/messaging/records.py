"""Frozen values the messaging backend stores and the responses serialise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MembershipType(StrEnum):
    DEFAULT = "DEFAULT"
    HIDDEN = "HIDDEN"


class HiddenListing(StrEnum):
    """What ``ListChannelMemberships Type=HIDDEN`` lists, AWS's text being read two ways
    (an app instance's ``hidden_listing:`` in a seed): the HIDDEN members only (the
    emulator's default), or every member, DEFAULT ones too (botocore's "Default members
    are always returned as part of ListChannelMemberships")."""

    HIDDEN = "HIDDEN"
    ALL = "ALL"


class NonUserAnswer(StrEnum):
    """What the per-user listings (ListChannelMembershipsForAppInstanceUser,
    ListChannelsModeratedByAppInstanceUser) answer for an ARN that is no user or bot of
    the app instance (an app instance's ``non_user_answer:`` in a seed): AWS documents
    neither. ``BadRequest`` (the emulator's default), or ``Forbidden`` with the message
    AWS gives for an invalid user ARN in an input parameter (aws/amazon-chime-sdk-js#1148)."""

    BAD_REQUEST = "BadRequest"
    FORBIDDEN = "Forbidden"


class NoChannelAnswer(StrEnum):
    """What a channel's operations (DescribeChannel, ...) answer for a channel ARN of the
    app instance that names no channel (an app instance's ``no_channel_answer:`` in a
    seed): AWS documents no NotFoundException for them. ``NotFound`` (the emulator's
    default), or ``Forbidden``."""

    NOT_FOUND = "NotFound"
    FORBIDDEN = "Forbidden"


class Privacy(StrEnum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


class Mode(StrEnum):
    UNRESTRICTED = "UNRESTRICTED"
    RESTRICTED = "RESTRICTED"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who: an AppInstanceUser or AppInstanceBot (``Identity`` in the API)."""

    arn: str
    name: str


@dataclass(frozen=True, slots=True)
class AppInstance:
    arn: str
    name: str
    created: datetime


@dataclass(frozen=True, slots=True)
class AppInstanceUser:
    arn: str
    id: str
    name: str
    created: datetime


@dataclass(frozen=True, slots=True)
class AppInstanceBot:
    arn: str
    id: str
    name: str
    created: datetime


@dataclass(frozen=True, slots=True)
class ElasticConfig:
    """``ElasticChannelConfiguration``: the channel is elastic (sub-channels)."""

    maximum_sub_channels: int
    target_memberships_per_sub_channel: int
    minimum_membership_percentage: int


@dataclass(frozen=True, slots=True)
class Channel:
    arn: str
    instance_arn: str
    name: str
    mode: Mode
    privacy: Privacy
    created_by: Identity
    created: datetime
    elastic: ElasticConfig | None = None
    metadata: str | None = None


@dataclass(frozen=True, slots=True)
class ChannelMembership:
    channel_arn: str
    member: Identity
    type: MembershipType
    invited_by: Identity
    created: datetime


@dataclass(frozen=True, slots=True)
class ChannelGrant:
    """A moderator or a ban of a channel: who, and who granted it."""

    channel_arn: str
    member: Identity
    created_by: Identity
    created: datetime


@dataclass(frozen=True, slots=True)
class ItemError:
    """One entry of BatchCreateChannelMembership's ``Errors``."""

    member_arn: str
    code: str
    message: str
