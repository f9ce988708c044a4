"""Lower bounds on the API calls of plan and apply for a channel estate
(``bench/channel_world.py``), from the page and batch sizes of botocore's
``chime-sdk-messaging`` model (never the tool's constants), and the quota-bound ideal time.

Per command (a fresh session each), for the channels declared:

- ListChannels: ceil(channels / page) per app instance, once, when a channel is declared
  by name (every channel here is);
- DescribeChannel: one per channel (an elastic channel must be told apart: no listing
  says so);
- ListChannelMemberships: ceil(max(n, 1) / page) for each type, DEFAULT then HIDDEN (a
  membership summary carries no type: one scan per type);
- ListChannelBans: ceil(max(b, 1) / page) per channel (a banned member is reported, never
  added); ListChannelModerators: ceil(max(m, 1) / page) per channel;
- BatchCreateChannelMembership: ceil(creates / batch) per channel and type (a type change
  is re-created in a batch of its new type); DeleteChannelMembership: one per removal and
  per type change; CreateChannelModerator / DeleteChannelModerator: one per grant or
  revocation;
- verification after apply: the changed channels' membership scans and bans, and the
  moderator listings of channels whose moderators changed, as they are afterwards.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from bench.bounds import Calls, add, model_maximum, pages
from bench.channel_world import DEFAULT, HIDDEN, Channel, ChannelWorld, diff

LIST_CHANNELS = "ListChannels"
DESCRIBE = "DescribeChannel"
LIST_MEMBERSHIPS = "ListChannelMemberships"
LIST_BANS = "ListChannelBans"
LIST_MODERATORS = "ListChannelModerators"
BATCH_CREATE = "BatchCreateChannelMembership"
DELETE = "DeleteChannelMembership"
CREATE_MODERATOR = "CreateChannelModerator"
DELETE_MODERATOR = "DeleteChannelModerator"


@dataclass(frozen=True)
class MessagingLimits:
    channels_page: int
    memberships_page: int
    bans_page: int
    moderators_page: int
    batch: int

    @classmethod
    def from_model(cls) -> MessagingLimits:
        """The page and batch maxima of the botocore ``chime-sdk-messaging`` model."""
        most = model_maximum("chime-sdk-messaging")
        return cls(
            channels_page=most(LIST_CHANNELS, "MaxResults"),
            memberships_page=most(LIST_MEMBERSHIPS, "MaxResults"),
            bans_page=most(LIST_BANS, "MaxResults"),
            moderators_page=most(LIST_MODERATORS, "MaxResults"),
            batch=most(BATCH_CREATE, "MemberArns"),
        )


def _scans(c: Channel, limits: MessagingLimits) -> Calls:
    """Reading a channel's memberships (both types) and bans (none here)."""
    count = Counter(c.live.values())
    return {
        LIST_MEMBERSHIPS: pages(count[DEFAULT], limits.memberships_page)
        + pages(count[HIDDEN], limits.memberships_page),
        LIST_BANS: pages(0, limits.bans_page),
    }


def _moderators(c: Channel, limits: MessagingLimits) -> Calls:
    return {LIST_MODERATORS: pages(len(c.live_moderators), limits.moderators_page)}


def read_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    """Reading every declared channel (both kinds: memberships and moderators)."""
    calls: Calls = {
        LIST_CHANNELS: pages(len(world.channels), limits.channels_page),
        DESCRIBE: len(world.channels),
    }
    parts = [_scans(c, limits) for c in world.channels]
    parts += [_moderators(c, limits) for c in world.channels]
    return add(calls, *parts)


def write_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    diffs = [diff(c) for c in world.channels]
    return {
        BATCH_CREATE: sum(
            math.ceil(len(d.adds[t]) / limits.batch) for d in diffs for t in (DEFAULT, HIDDEN)
        ),
        DELETE: sum(len(d.removes) + len(d.retyped) for d in diffs),
        CREATE_MODERATOR: sum(len(d.grants) for d in diffs),
        DELETE_MODERATOR: sum(len(d.revokes) for d in diffs),
    }


def verify_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    after = {c.name: c for c in world.applied().channels}
    parts: list[Calls] = []
    for c in world.channels:
        d = diff(c)
        if d.members_changed:
            parts.append(_scans(after[c.name], limits))
        if d.moderators_changed:
            parts.append(_moderators(after[c.name], limits))
    return add(*parts)


def apply_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    """``apply --auto-approve``: the plan's reads, the writes, the verification."""
    bound = add(read_bound(world, limits), write_bound(world, limits))
    return add(bound, verify_bound(world, limits))


def per_channel_batches(world: ChannelWorld, limits: MessagingLimits) -> int:
    """The most batch calls one channel needs (its 1/s quota is a floor on apply's time)."""
    return max(
        (
            sum(math.ceil(len(diff(c).adds[t]) / limits.batch) for t in (DEFAULT, HIDDEN))
            for c in world.channels
        ),
        default=0,
    )
