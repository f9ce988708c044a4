"""Every channel of an app instance with its memberships and moderators, as ``import``
reads them (``reconciler.channel_import`` turns them into desired-state text)."""

from __future__ import annotations

from reconciler.channel_import import ImportedChannel
from reconciler.parallel import pmap
from reconciler.providers.channel_directory import ChannelDirectory
from reconciler.providers.channel_moderators import ModeratorsProvider
from reconciler.providers.channels import ChannelsProvider


def read_channels(dir_: ChannelDirectory, instance: str) -> list[ImportedChannel]:
    """Every channel of an app instance with its memberships and moderators (``import``):
    ListChannels, then per channel DescribeChannel, both membership scans and the
    moderators (no bans: import declares no one). The app instance's bearers are left out
    of both lists (the tool's own identity: plans never list it), and kept apart."""
    members_of, moderators_of = ChannelsProvider(dir_), ModeratorsProvider(dir_)
    listed = [(name, arn) for name, arns in dir_.channel_arns(instance).items() for arn in arns]
    spread = dir_.spread(instance)
    bearers = set(spread.bearers)
    spread.assign((arn, 1) for _, arn in listed)  # sizes unknown: as many channels each
    listed = spread.interleave(sorted(listed, key=lambda na: na[1]), lambda na: na[1])

    def read_one(item: tuple[str, str]) -> ImportedChannel | None:
        name, arn = item
        described = dir_.describe(arn, instance)
        if described is None:  # deleted since ListChannels
            return None
        if described.get("ElasticChannelConfiguration"):
            return ImportedChannel(name, arn, (), (), elastic=True)
        bearer = spread.bearer(arn)
        members = members_of.list_members(arn, bearer)
        moderators = moderators_of.list_members(arn, bearer)
        theirs = {m.ref: m for m in (*members, *moderators) if m.member_id in bearers}
        return ImportedChannel(
            name,
            arn,
            tuple(sorted(m for m in members if m.member_id not in bearers)),
            tuple(sorted(m for m in moderators if m.member_id not in bearers)),
            bearers=tuple(sorted(theirs.values())),
        )

    return sorted(c for c in pmap(read_one, listed, dir_.parallelism) if c is not None)
