"""Providers: the only code that talks to AWS. One per membership kind, registered by kind
id in ``reconciler.providers.registry``. A kind's provider module is imported when a run
first opens that kind (a plan of rooms does not load the channels' and meetings' code)."""

from collections.abc import Callable

from reconciler.awsclient.aws import make_client
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR
from reconciler.kinds.meetings import MEETING
from reconciler.kinds.rooms import ROOM
from reconciler.providers import registry
from reconciler.providers.base import (
    EnvironmentId,
    EnvironmentIds,
    ItemError,
    Prefetcher,
    Provider,
    Reader,
    ReadProgress,
    Writer,
)
from reconciler.providers.registry import ProviderOptions, open_providers
from reconciler.providers.retry import RetryPolicy, call_with_retry
from reconciler.providers.rooms import RoomsProvider


def _client_provider(
    provider: Callable[..., Provider], service: str
) -> Callable[[ProviderOptions], Provider]:
    """The factory of a provider over one boto3 client of ``service`` (``ClientProvider``)."""

    def open_provider(options: ProviderOptions) -> Provider:
        return provider(
            options.client(service),
            parallelism=options.parallelism,
            retry=options.retry,
            progress=options.progress,
            pacer=options.pacer,
        )

    return open_provider


registry.register(ROOM.id, _client_provider(RoomsProvider, ROOM.service), early=True)


def _meetings(options: ProviderOptions) -> Provider:
    from reconciler.providers.meetings import MeetingsProvider

    return _client_provider(MeetingsProvider, MEETING.service)(options)


def _channels(options: ProviderOptions) -> Provider:
    from reconciler.providers.channel_directory import channel_directory
    from reconciler.providers.channels import ChannelsProvider

    directory = channel_directory(options)
    provider = ChannelsProvider(directory, progress=options.progress)
    directory.lists(CHANNEL.id, provider.list_members)  # open in this run: it reads
    return provider


def _moderators(options: ProviderOptions) -> Provider:
    from reconciler.providers.channel_directory import channel_directory
    from reconciler.providers.channel_moderators import ModeratorsProvider

    directory = channel_directory(options)
    provider = ModeratorsProvider(directory, progress=options.progress)
    directory.lists(CHANNEL_MODERATOR.id, provider.list_members)  # the memberships read ahead
    return provider


registry.register(MEETING.id, _meetings)
registry.register(CHANNEL.id, _channels)
registry.register(CHANNEL_MODERATOR.id, _moderators)

__all__ = [
    "EnvironmentId",
    "EnvironmentIds",
    "ItemError",
    "Prefetcher",
    "Provider",
    "ProviderOptions",
    "ReadProgress",
    "Reader",
    "RetryPolicy",
    "RoomsProvider",
    "Writer",
    "call_with_retry",
    "make_client",
    "open_providers",
]
