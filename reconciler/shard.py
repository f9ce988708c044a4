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
from dataclasses import dataclass

from reconciler.errors import UsageError
from reconciler.quoted import quoted
from reconciler.refs import TargetKey
from reconciler.typed_number import typed_whole

MAX_SHARDS = 1000  # a matrix of more jobs than that is a mistake (GitHub allows 256)


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
        """``K/N`` with 1 <= K <= N <= 1000; UsageError (exit 1) otherwise. K and N are
        read by the one whole-number rule (``typed_number.typed_whole``: ``+1/3`` as
        ``--parallelism +8``, ASCII digits only, Q-GV-2) and the value quoted by the one
        quoting rule, cut when long (QA-LF Q-LF-7: a 10,000-character value was whole)."""
        numbers = _numbers(text)
        if numbers is None:
            raise UsageError(
                f"{option} takes K/N, shard K of N counted from 1 (e.g. {option} 2/3), "
                f"not {quoted(text)}"
            )
        index, count = numbers
        shown = quoted(text)  # bare, a CR typed about it split the error (QA-HI Q-HI-2)
        if count is None or not 1 <= count <= MAX_SHARDS:
            raise UsageError(f"{option} {shown}: the number of shards N must be 1 to {MAX_SHARDS}")
        if index is None or not 1 <= index <= count:
            raise UsageError(f"{option} {shown}: the shard K must be 1 to {count} (K/N, from 1)")
        return cls(index, count)

    def holds(self, key: TargetKey) -> bool:
        return shard_of(key, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def _numbers(text: str) -> tuple[int | None, int | None] | None:
    """K and N of ``K/N`` (None for one of more than ``MAX_DIGITS`` digits: out of range),
    or None when ``text`` is not two whole numbers about one ``/``."""
    parts = text.split("/")
    if len(parts) != 2:
        return None
    numbers: list[int | None] = []
    for part in parts:
        try:
            numbers.append(typed_whole(part))
        except OverflowError:
            numbers.append(None)
        except ValueError:
            return None
    return numbers[0], numbers[1]
