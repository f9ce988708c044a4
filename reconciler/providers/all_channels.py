"""Every channel of an app instance with its memberships and moderators, as ``import``
reads them (``reconciler.channel_import`` turns them into desired-state text)."""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.channel_import import ImportedChannel
from reconciler.errors import FORBIDDEN_CODES, NOT_FOUND_CODES, AwsError, TargetGone
from reconciler.kinds.channels import CHANNEL
from reconciler.parallel import pmap
from reconciler.providers.channel_directory import ChannelDirectory
from reconciler.providers.channel_moderators import ModeratorsProvider
from reconciler.providers.channels import ChannelsProvider
from reconciler.providers.target_gone import gone_on
from reconciler.refs import MemberKind, TargetKey


@dataclass(frozen=True)
class ChannelsRead:
    """An app instance's channels as read, those deleted while they were read (name,
    arn), left out, and the bot names several AppInstanceBots of the app instance have
    (in these channels or not: a ``bot:NAME`` the plan refuses)."""

    channels: list[ImportedChannel]
    gone: list[tuple[str, str]]
    several_bots: frozenset[str] = frozenset()
    # channels the bearer may not describe or list (a bearer that is no AppInstanceAdmin),
    # each as the plan says it, naming the bearer's settings.yaml line: left out, the rest
    # read (QA-FS Q-FS-4)
    unread: tuple[str, ...] = ()
    # the bearer ListChannels was called as, as settings.yaml writes it and where, when
    # AWS refused it the PRIVATE listing (no AppInstanceAdmin): PRIVATE channels, however
    # many, are not seen, so not read (QA-LD Q-LD-8); "": both listings answered
    private_refused_to: str = ""


def read_channels(dir_: ChannelDirectory, instance: str) -> ChannelsRead:
    """Every channel of an app instance with its memberships and moderators (``import``):
    ListChannels, then per channel DescribeChannel, both membership scans and the
    moderators (no bans: import declares no one). The app instance's bearers are left out
    of both lists (the tool's own identity: plans never list it), and kept apart. A
    channel deleted since ListChannels is left out, and named in ``gone`` (Q-AQ-2); the
    PRIVATE channels, where the bearer may not list them, are not seen at all
    (``private_refused_to``)."""
    members_of, moderators_of = ChannelsProvider(dir_), ModeratorsProvider(dir_)
    listed = [(name, arn) for name, arns in dir_.channel_arns(instance).items() for arn in arns]
    spread = dir_.spread(instance)
    bearers = set(spread.bearers)
    spread.assign((arn, 1) for _, arn in listed)  # sizes unknown: as many channels each
    listed = spread.interleave(sorted(listed, key=lambda na: na[1]), lambda na: na[1])

    unread: dict[str, str] = {}  # arn -> why

    def read_one(item: tuple[str, str]) -> ImportedChannel | None:
        name, arn = item
        key = TargetKey(CHANNEL.id, instance, name)
        try:
            return read_readable(name, arn)
        except AwsError as exc:
            if exc.code not in FORBIDDEN_CODES:
                raise
            if exc.operation == "DescribeChannel":
                why = f"channel {name} ({arn}): {dir_.undescribable(instance, arn)}"
            else:
                why = members_of.unlistable(key, arn, exc)
            unread[arn] = why
            return None

    def read_readable(name: str, arn: str) -> ImportedChannel | None:
        described = dir_.describe(arn, instance)
        if described is None:  # deleted since ListChannels
            return None
        if described.get("ElasticChannelConfiguration"):
            return ImportedChannel(name, arn, (), (), elastic=True)
        bearer = spread.bearer(arn)

        def there() -> bool:  # DescribeChannel again: the first answer is cached
            return dir_.api.describe_channel(arn, bearer) is not None

        try:
            members = gone_on(lambda: members_of.list_members(arn, bearer), there, NOT_FOUND_CODES)
            moderators = gone_on(
                lambda: moderators_of.list_members(arn, bearer), there, NOT_FOUND_CODES
            )
        except TargetGone:  # deleted while its lists were read
            return None
        theirs = {m.ref: m for m in (*members, *moderators) if m.member_id in bearers}
        return ImportedChannel(
            name,
            arn,
            tuple(sorted(m for m in members if m.member_id not in bearers)),
            tuple(sorted(m for m in moderators if m.member_id not in bearers)),
            bearers=tuple(sorted(theirs.values())),
        )

    read = pmap(read_one, listed, dir_.parallelism)
    gone = sorted(
        item for item, c in zip(listed, read, strict=True) if c is None and item[1] not in unread
    )
    channels = sorted(c for c in read if c is not None)
    why = tuple(unread[arn] for _, arn in sorted(listed) if arn in unread)
    refused = dir_.lister(instance) if dir_.private_refused(instance) else ""
    return ChannelsRead(channels, gone, _several_bots(dir_, instance, channels), why, refused)


def _several_bots(
    dir_: ChannelDirectory, instance: str, channels: list[ImportedChannel]
) -> frozenset[str]:
    """The bot names several AppInstanceBots of ``instance`` have, where a channel read
    has a bot (ListAppInstanceBots, once, as the plan lists them: a twin outside these
    channels makes the name as ambiguous to the plan, QA-BS Q-BS-2); none otherwise."""
    if not any(m.kind is MemberKind.BOT for c in channels for m in (*c.members, *c.moderators)):
        return frozenset()
    return frozenset(name for name, arns in dir_.bots(instance).items() if len(arns) > 1)
