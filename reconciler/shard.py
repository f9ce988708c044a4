"""``--shard K/N``: a stable partition of the declared targets, so that a very large estate
is planned and applied by N jobs (a CI matrix), each with its own share.

A target's shard is a hash of its scope (account, app instance, ...) and its name, the key
it has in the YAML files: ``1 + int(sha256(scope + "\\0" + name)[:16 hex digits]) % N``.
Not its position, its kind or anything read from Chime, so a target stays in its shard
whatever else is added, removed or reordered, and on every machine; a channel's
memberships and its moderators (two kinds, one scope and name) are always in the same
shard. Renaming a target (its YAML key) may move it to another shard. Pure.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from reconciler.errors import UsageError
from reconciler.refs import TargetKey

MAX_SHARDS = 1000  # a matrix of more jobs than that is a mistake (GitHub allows 256)
_FORM = re.compile(r"^\s*(\d{1,6})\s*/\s*(\d{1,6})\s*$", re.ASCII)  # ASCII digits only (Q-GV-2)


def shard_of(key: TargetKey, count: int) -> int:
    """The shard (1..count) that the target ``key`` belongs to."""
    digest = hashlib.sha256(f"{key.scope}\0{key.name}".encode()).hexdigest()
    return 1 + int(digest[:16], 16) % count


@dataclass(frozen=True, order=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based, as a CI matrix counts)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS or not 1 <= self.index <= self.count:
            raise ValueError(f"not a shard: {self.index}/{self.count}")

    @classmethod
    def parse(cls, text: str, option: str = "--shard") -> Shard:
        """``K/N`` with 1 <= K <= N <= 1000; UsageError (exit 1) otherwise."""
        found = _FORM.match(text)
        if found is None:
            raise UsageError(
                f"{option} takes K/N, shard K of N counted from 1 (e.g. {option} 2/3), not {text!r}"
            )
        index, count = int(found[1]), int(found[2])
        if not 1 <= count <= MAX_SHARDS:
            raise UsageError(f"{option} {text}: the number of shards N must be 1 to {MAX_SHARDS}")
        if not 1 <= index <= count:
            raise UsageError(f"{option} {text}: the shard K must be 1 to {count} (K/N, from 1)")
        return cls(index, count)

    def holds(self, key: TargetKey) -> bool:
        return shard_of(key, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
