"""Lower bounds on the API calls of plan and apply for a channel estate
(``bench/channel_world.py``), from the page and batch sizes of botocore's
``chime-sdk-messaging`` model (never the tool's constants), and the quota-bound ideal time.

Per command (a fresh session each), for the channels declared:

- ListChannels: one listing per ``Privacy``, PUBLIC then PRIVATE (the two filters AWS
  documents; what a listing without one returns is not documented), each
  ceil(max(n, 1) / page) of the channels of that privacy, per app instance, once, when a
  channel is declared by name (every channel here is; all of them PUBLIC);
- DescribeChannel: one per channel (an elastic channel must be told apart: no listing
  says so);
- ListChannelMemberships: ceil(max(n, 1) / page) for each type, DEFAULT then HIDDEN (a
  membership summary carries no type: one scan per type);
- ListChannelBans: ceil(max(b, 1) / page) once per channel where a declared member is
  not listed (one the plan would add: a banned member is never a member, so only such a
  one can be banned; it is reported, never added) or a declared moderator is neither a
  moderator nor declared a member (both: still once); ListChannelModerators:
  ceil(max(m, 1) / page) per channel;
- BatchCreateChannelMembership: ceil(creates / batch) per channel and type (a type change
  is re-created in a batch of its new type); DeleteChannelMembership: one per removal and
  per type change; CreateChannelModerator / DeleteChannelModerator: one per grant or
  revocation;
- verification after apply: the changed channels' membership scans (not their bans), and
  the moderator listings of channels whose moderators changed, as they are afterwards;
- the check that declared users exist (``chime-sdk-identity``), once a run per channel
  kind, memberships first: the users that kind declares and no listing of the run shows
  (the channels' members and moderators: the moderators' listings are read before the
  memberships' check, when it has users to check) nor an earlier check showed (its
  pages show every user on them; all of them, when it read the last page) are found by
  ListAppInstanceUsers pages (in the app instance's order, page size from botocore's
  ``chime-sdk-identity`` model), then one DescribeAppInstanceUser per user still
  unfound, with the number of pages that takes the least TIME at AWS's identity quotas
  (pages one after another at 10/s, lookups in parallel within 50/s): the cheapest way
  in time, knowing where the users are.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass

from bench.bounds import Calls, add, model_maximum, pages
from bench.channel_world import DEFAULT, HIDDEN, Channel, ChannelWorld, diff
from reconciler.emulator.messaging.quotas import IDENTITY
from reconciler.emulator.messaging.quotas import LIST_USERS as LIST_USERS_QUOTA

LIST_CHANNELS = "ListChannels"
DESCRIBE = "DescribeChannel"
LIST_MEMBERSHIPS = "ListChannelMemberships"
LIST_BANS = "ListChannelBans"
LIST_MODERATORS = "ListChannelModerators"
BATCH_CREATE = "BatchCreateChannelMembership"
DELETE = "DeleteChannelMembership"
CREATE_MODERATOR = "CreateChannelModerator"
DELETE_MODERATOR = "DeleteChannelModerator"
LIST_USERS = "ListAppInstanceUsers"
DESCRIBE_USER = "DescribeAppInstanceUser"
MESSAGING_OPS = frozenset(
    (LIST_CHANNELS, DESCRIBE, LIST_MEMBERSHIPS, LIST_BANS, LIST_MODERATORS, BATCH_CREATE, DELETE,
     CREATE_MODERATOR, DELETE_MODERATOR)
)  # fmt: skip


@dataclass(frozen=True)
class MessagingLimits:
    channels_page: int
    memberships_page: int
    bans_page: int
    moderators_page: int
    batch: int
    users_page: int
    page_seconds: float  # one ListAppInstanceUsers page at AWS's quotas
    lookup_seconds: float  # one DescribeAppInstanceUser, in parallel within the quota

    @classmethod
    def from_model(cls) -> MessagingLimits:
        """The page and batch maxima of the botocore ``chime-sdk-messaging`` model."""
        most = model_maximum("chime-sdk-messaging")
        identity = model_maximum("chime-sdk-identity")
        return cls(
            channels_page=most(LIST_CHANNELS, "MaxResults"),
            memberships_page=most(LIST_MEMBERSHIPS, "MaxResults"),
            bans_page=most(LIST_BANS, "MaxResults"),
            moderators_page=most(LIST_MODERATORS, "MaxResults"),
            batch=most(BATCH_CREATE, "MemberArns"),
            users_page=identity(LIST_USERS, "MaxResults"),
            page_seconds=1 / min(LIST_USERS_QUOTA[0].rate, IDENTITY[0].rate),
            lookup_seconds=1 / IDENTITY[0].rate,
        )


def _scans(c: Channel, limits: MessagingLimits) -> Calls:
    """Reading a channel's memberships (both types)."""
    count = Counter(c.live.values())
    return {
        LIST_MEMBERSHIPS: pages(count[DEFAULT], limits.memberships_page)
        + pages(count[HIDDEN], limits.memberships_page),
    }


def _bans(c: Channel, limits: MessagingLimits) -> Calls:
    """Reading a channel's bans (none here), once, where a declared member is not listed
    or a declared moderator is neither listed nor declared a member (the moderators' own
    need of the bans; a moderator declared a member is the memberships' to check)."""
    adding = any(m not in c.live for m in c.desired)
    granting = any(m not in c.live_moderators and m not in c.desired for m in c.moderators)
    return {LIST_BANS: pages(0, limits.bans_page)} if adding or granting else {}


def _moderators(c: Channel, limits: MessagingLimits) -> Calls:
    return {LIST_MODERATORS: pages(len(c.live_moderators), limits.moderators_page)}


def read_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    """Reading every declared channel (both kinds: memberships and moderators), and
    checking that the declared users no listing showed exist."""
    calls: Calls = {
        # PUBLIC, then PRIVATE: the estate's channels are PUBLIC, the PRIVATE listing empty
        LIST_CHANNELS: pages(len(world.channels), limits.channels_page)
        + pages(0, limits.channels_page),
        DESCRIBE: len(world.channels),
    }
    parts = [_scans(c, limits) for c in world.channels]
    parts += [_bans(c, limits) for c in world.channels]
    parts += [_moderators(c, limits) for c in world.channels]
    return add(calls, *parts, *user_checks(world, limits))


def user_checks(world: ChannelWorld, limits: MessagingLimits) -> list[Calls]:
    """The identity calls of the check, per channel kind (memberships, then moderators):
    a user any listing shows costs neither, nor one the first check's pages showed; the
    second check's pages go on after the first's (QA-FH Q-FH-3: they are never read
    again)."""
    shown = {m for c in world.channels for m in (*c.live, *c.live_moderators)}
    declared = {m for c in world.channels for m in c.desired}
    first, swept = _cheapest_check(world.users, declared - shown, limits)
    shown |= declared | set(world.users[: swept * limits.users_page])
    moderators = {m for c in world.channels for m in c.moderators}
    if swept == pages(len(world.users), limits.users_page):  # every user listed
        moderators = set()
    unread = world.users[swept * limits.users_page :]
    return [first, _cheapest_check(unread, moderators - shown, limits)[0]]


def _cheapest_check(
    users: tuple[str, ...], wanted: set[str], limits: MessagingLimits
) -> tuple[Calls, int]:
    """The pages p, then lookups of the users still unfound, that take the least time
    (the fewest calls among equals); users in ListAppInstanceUsers order. With p."""
    if not wanted:
        return {}, 0
    index = {u: i for i, u in enumerate(users)}
    last_pages = pages(len(users), limits.users_page)
    # where each wanted user is listed, in order (one not listed: after every page)
    at = sorted(index.get(u, math.inf) for u in wanted)

    def remaining(p: int) -> int:  # the wanted users not on the first p pages
        return len(at) - bisect.bisect_left(at, p * limits.users_page)

    def cost(p: int) -> tuple[float, int]:
        r = 0 if p == last_pages else remaining(p)
        return p * limits.page_seconds + r * limits.lookup_seconds, p + r

    best = min(range(last_pages + 1), key=cost)
    lookups = 0 if best == last_pages else remaining(best)
    return {op: n for op, n in ((LIST_USERS, best), (DESCRIBE_USER, lookups)) if n}, best


def identity_seconds(bound: Calls, limits: MessagingLimits) -> float:
    """The least time ``bound``'s identity calls take at AWS's quotas."""
    return (
        bound.get(LIST_USERS, 0) * limits.page_seconds
        + bound.get(DESCRIBE_USER, 0) * limits.lookup_seconds
    )


def _writes(c: Channel, limits: MessagingLimits) -> Calls:
    d = diff(c)
    return {
        BATCH_CREATE: sum(math.ceil(len(d.adds[t]) / limits.batch) for t in (DEFAULT, HIDDEN)),
        DELETE: len(d.removes) + len(d.retyped),
        CREATE_MODERATOR: len(d.grants),
        DELETE_MODERATOR: len(d.revokes),
    }


def write_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    zero = dict.fromkeys((BATCH_CREATE, DELETE, CREATE_MODERATOR, DELETE_MODERATOR), 0)
    return add(zero, *(_writes(c, limits) for c in world.channels))


def _verification(c: Channel, after: Channel, limits: MessagingLimits) -> Calls:
    d = diff(c)
    return add(
        _scans(after, limits) if d.members_changed else {},
        _moderators(after, limits) if d.moderators_changed else {},
    )


def verify_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    after = {c.name: c for c in world.applied().channels}
    return add(*(_verification(c, after[c.name], limits) for c in world.channels))


def apply_bound(world: ChannelWorld, limits: MessagingLimits) -> Calls:
    """``apply --auto-approve``: the plan's reads, the writes, the verification."""
    bound = add(read_bound(world, limits), write_bound(world, limits))
    return add(bound, verify_bound(world, limits))


def channel_calls(world: ChannelWorld, limits: MessagingLimits, *, apply: bool) -> list[int]:
    """Each channel's own messaging calls in ``plan`` (``apply``: with its writes and its
    verification): one bearer makes all of them (the tool never puts two bearers on one
    channel's quotas)."""
    after = {c.name: c for c in world.applied().channels}
    loads = []
    for c in world.channels:
        calls = add({DESCRIBE: 1}, _scans(c, limits), _bans(c, limits), _moderators(c, limits))
        if apply:
            calls = add(calls, _writes(c, limits), _verification(c, after[c.name], limits))
        loads.append(sum(calls.values()))
    return loads


def busiest_bearer(total: int, channels: list[int], bearers: int) -> float:
    """A lower bound on the calls of the busiest of ``bearers`` making ``total`` calls,
    when each channel's calls (``channels``) are made by one bearer: at least an even
    share; and, sorted from the largest, some bearer makes k + 1 of the k x bearers + 1
    largest channels' calls (12 equal channels on 5 bearers: 3 channels, not 2.4)."""
    largest = sorted(channels, reverse=True)
    bound = total / bearers
    for k in range(0, len(largest), bearers):
        bound = max(bound, (k // bearers + 1) * largest[k])
    return bound


def per_channel_batches(world: ChannelWorld, limits: MessagingLimits) -> int:
    """The most batch calls one channel needs (its 1/s quota is a floor on apply's time)."""
    return max(
        (
            sum(math.ceil(len(diff(c).adds[t]) / limits.batch) for t in (DEFAULT, HIDDEN))
            for c in world.channels
        ),
        default=0,
    )
