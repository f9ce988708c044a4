"""Providers by kind id: how the CLI opens the provider of each kind a run needs.

A provider module registers a factory for its kind (``register("room", factory)``); the
factory gets ``ProviderOptions`` (how to make a boto3 client for a service, parallelism,
progress callback, the run's pacer) and returns a ``Provider``. The CLI never builds a
provider itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace
from typing import Any

from reconciler.desired.model import DesiredState
from reconciler.errors import UsageError
from reconciler.pacing import Pacer
from reconciler.providers.base import Provider, ReadProgress
from reconciler.providers.retry import RetryPolicy
from reconciler.shard import Shard

ClientFactory = Callable[[str], Any]  # service name ("chime") -> a boto3 client
# (service name, region) -> a boto3 client in that region (an app instance's, from its ARN)
RegionalClients = Callable[[str, str], Any]


@dataclass(frozen=True)
class ProviderOptions:
    client: ClientFactory
    parallelism: int = 8
    progress: ReadProgress | None = None
    retry: RetryPolicy | None = None
    pacer: Pacer | None = None  # one per run, shared by every provider: quota buckets
    desired: DesiredState | None = None  # the run's: settings a provider needs (bearers)
    shard: Shard | None = None  # --shard K/N: a provider may keep to its share of a quota
    # clients in another region than ``client``'s (None: every call in ``client``'s)
    regional: RegionalClients | None = None

    def of(self, desired: DesiredState) -> ProviderOptions:
        """These options for ``desired``, in the same run: what the run's providers keep on
        them kept too (the channels' directory: its ListChannels, DescribeChannel, bans and
        bots), so that a provider opened now reuses what one opened before found (audit's
        plan-wide read of what its finders found: QA-FP Q-FP-5)."""
        out = replace(self, desired=desired)
        named = {f.name for f in fields(self)}
        for key, value in vars(self).items():
            if key not in named:
                object.__setattr__(out, key, value)  # frozen: the run's caches, as set
        return out


ProviderFactory = Callable[[ProviderOptions], Provider]

_FACTORIES: dict[str, ProviderFactory] = {}
_EARLY: set[str] = set()  # factories that need no desired state (``open_early``)


def register(kind_id: str, factory: ProviderFactory, *, early: bool = False) -> None:
    """``early``: the factory does not use ``ProviderOptions.desired``, so the provider
    may be opened while the desired state loads (to read ahead: ``base.Prefetcher``)."""
    _FACTORIES[kind_id] = factory
    if early:
        _EARLY.add(kind_id)
    else:
        _EARLY.discard(kind_id)


def unregister(kind_id: str) -> None:
    _FACTORIES.pop(kind_id, None)
    _EARLY.discard(kind_id)


def open_early(kind_id: str, options: ProviderOptions) -> Provider | None:
    """The kind's provider, opened before the desired state is known; None where its
    factory needs it (or there is none)."""
    return _FACTORIES[kind_id](options) if kind_id in _EARLY else None


def open_providers(kind_ids: Iterable[str], options: ProviderOptions) -> dict[str, Provider]:
    """One provider per kind id (each opened once). A kind without a provider is a
    usage error naming it."""
    out: dict[str, Provider] = {}
    for kind_id in sorted(set(kind_ids)):
        factory = _FACTORIES.get(kind_id)
        if factory is None:
            raise UsageError(f"no provider is available for {kind_id!r} targets")
        out[kind_id] = factory(options)
    return out
