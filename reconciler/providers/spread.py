"""Which bearer works on which channel, when an app instance has several (settings.yaml's
``bearers:``). Pure; thread-safe.

Each channel is given to exactly one bearer for the whole run, the first time it is seen,
so its per-channel quotas (``messaging.channel-list``, ``-write``, ``-batch``) are only
ever spent by that bearer, and each bearer's own quota (``messaging.bearer``, 10 requests/s)
carries an equal share of the work: channels are handed out largest first (by an estimate
of their calls), each to the bearer with the least work so far (ties: the first listed).
The same channels with the same estimates always go to the same bearers.

``audit`` spreads its listings the same way: each listing of what one user is in or
moderates is a unit given to one bearer (``providers/channel_finder.py``); it makes no call on a
channel.

Under ``--shard K/N`` with at least N bearers, shard K uses only every N-th bearer from
the K-th (``share``): the N jobs of a CI matrix, running at once, then never spend one
bearer's quota together. With fewer bearers than shards, every shard uses them all (and
the pacer slows down on the 429s of the quota they share).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from reconciler.shard import Shard

T = TypeVar("T")


def share(bearers: Sequence[str], shard: Shard | None) -> list[str]:
    """The bearers shard ``shard`` calls as: every ``count``-th from the ``index``-th when
    there are enough for each shard to have its own; else all of them."""
    if shard is None or len(bearers) < shard.count:
        return list(bearers)
    return list(bearers[shard.index - 1 :: shard.count])


class Spread:
    def __init__(self, bearers: Sequence[str]) -> None:
        if not bearers:
            raise ValueError("at least one bearer")
        self.bearers = tuple(bearers)
        self._load = [0] * len(self.bearers)
        self._of: dict[str, int] = {}
        self._lock = threading.Lock()

    def assign(self, work: Iterable[tuple[str, int]]) -> None:
        """Give each channel of ``work`` (channel ARN, estimated calls) not yet given to a
        bearer to the least loaded one, largest first."""
        with self._lock:
            new = {c: max(1, w) for c, w in work if c not in self._of}
            for channel, weight in sorted(new.items(), key=lambda cw: (-cw[1], cw[0])):
                self._give(channel, weight)

    def _give(self, channel: str, weight: int) -> int:
        index = min(range(len(self._load)), key=lambda i: (self._load[i], i))
        self._of[channel] = index
        self._load[index] += weight
        return index

    def bearer(self, channel: str) -> str:
        """The bearer of ``channel`` (given now, with an estimate of one call, if new)."""
        with self._lock:
            index = self._of.get(channel)
            if index is None:
                index = self._give(channel, 1)
            return self.bearers[index]

    def interleave(self, items: Sequence[T], channel_of: Callable[[T], str]) -> list[T]:
        """``items`` reordered so that consecutive ones belong to different bearers (the
        first of each bearer's, then the second of each, ...): a pool of threads taking
        them in order keeps every bearer busy at once."""
        by_bearer: dict[str, list[T]] = {}
        for item in items:
            by_bearer.setdefault(self.bearer(channel_of(item)), []).append(item)
        queues = [by_bearer.get(b, []) for b in self.bearers]
        longest = max((len(q) for q in queues), default=0)
        return [q[i] for i in range(longest) for q in queues if i < len(q)]
