"""Ordered tables and NextToken pagination, as the Chime list operations page.

A ``Table`` keeps records by id in insertion order; each record gets a sequence number
when first inserted. A page is "up to N records after sequence S", so a NextToken stays
valid while the table changes between pages: nothing is skipped or repeated except what
was added or removed meanwhile.

NextTokens are opaque to clients (base64 of a small JSON document naming the listing
they belong to); a token from another listing, or garbage, is a BadRequestException.
"""

from __future__ import annotations

import base64
import binascii
import json
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from reconciler.emulator.errors import BadRequestError

V = TypeVar("V")


@dataclass(frozen=True)
class PageLimit:
    """MaxResults bounds of one list operation (from the botocore model) and its default."""

    minimum: int
    maximum: int
    default: int


# From the botocore `chime` model (tests/emulator check these against it). Defaults: the
# API reference says "Defaults to 100" for ListAccounts and ListUsers; for the others,
# which document no default, the emulator uses the maximum.
ACCOUNTS_PAGE = PageLimit(1, 200, 100)
USERS_PAGE = PageLimit(1, 200, 100)
BOTS_PAGE = PageLimit(1, 99, 99)
ROOMS_PAGE = PageLimit(1, 99, 99)
MEMBERSHIPS_PAGE = PageLimit(1, 99, 99)


class Table(Generic[V]):
    """Records by id, listed in insertion order, paged by sequence number."""

    __slots__ = ("_ids", "_next", "_rows", "_seqs")

    def __init__(self) -> None:
        self._rows: dict[str, tuple[int, V]] = {}
        self._seqs: list[int] = []
        self._ids: dict[int, str] = {}
        self._next = 0

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def get(self, key: str) -> V | None:
        row = self._rows.get(key)
        return row[1] if row else None

    def seq(self, key: str) -> int:
        return self._rows[key][0]

    def values(self) -> Iterator[V]:
        return (row[1] for row in self._rows.values())

    def put(self, key: str, value: V) -> None:
        """Insert at the end, or replace in place (keeping the position) if present."""
        row = self._rows.get(key)
        if row is not None:
            self._rows[key] = (row[0], value)
            return
        seq = self._next
        self._next += 1
        self._rows[key] = (seq, value)
        self._seqs.append(seq)
        self._ids[seq] = key

    def pop(self, key: str) -> V | None:
        row = self._rows.pop(key, None)
        if row is None:
            return None
        seq = row[0]
        index = bisect_right(self._seqs, seq) - 1
        del self._seqs[index]
        del self._ids[seq]
        return row[1]

    def page(self, after: int | None, limit: int) -> tuple[list[V], int | None]:
        """Up to ``limit`` records after sequence ``after``; and the cursor of the next page."""
        start = 0 if after is None else bisect_right(self._seqs, after)
        chunk = self._seqs[start : start + limit]
        more = start + limit < len(self._seqs)
        values = [self._rows[self._ids[s]][1] for s in chunk]
        return values, (chunk[-1] if more and chunk else None)


def page_of(
    rows: Sequence[tuple[int, V]], after: int | None, limit: int
) -> tuple[list[V], int | None]:
    """Like ``Table.page`` for an already filtered list of ``(seq, value)`` sorted by seq."""
    start = 0 if after is None else bisect_right([s for s, _ in rows], after)
    chunk = rows[start : start + limit]
    more = start + limit < len(rows)
    return [v for _, v in chunk], (chunk[-1][0] if more and chunk else None)


def check_max_results(value: int | None, limit: PageLimit) -> int:
    """The page size to use; BadRequestException if MaxResults is out of the model's range."""
    if value is None:
        return limit.default
    if not limit.minimum <= value <= limit.maximum:
        raise BadRequestError(
            f"MaxResults must be between {limit.minimum} and {limit.maximum}, got {value}."
        )
    return value


def encode_token(scope: str, after: int) -> str:
    raw = json.dumps({"s": scope, "a": after}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, scope: str) -> int | None:
    """The cursor in ``token``; BadRequestException unless it was issued for ``scope``."""
    if token is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        doc = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):  # RecursionError: nested too deep
        doc = None
    if (
        not isinstance(doc, dict)
        or doc.get("s") != scope
        or not isinstance(doc.get("a"), int)
        or isinstance(doc.get("a"), bool)
    ):
        raise BadRequestError("The NextToken is invalid or belongs to another listing.")
    after: int = doc["a"]
    return after
