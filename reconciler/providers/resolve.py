"""Resolving e-mail addresses to Chime user ids with as few ListUsers calls as possible
(and, by the same rule, ``resolve_cheapest``: checking that channel members exist with
ListAppInstanceUsers pages or DescribeAppInstanceUser lookups).

Two ways exist: one ``ListUsers(UserEmail=...)`` call per address (k calls for k
addresses), or one sweep of the account's users, 200 per page (at most P = ceil(U/200)
calls for U users, fewer when every address turns up early). The cheaper one depends on U,
which no API tells in advance, so the resolver decides page by page:

    Rule: while r addresses remain unresolved after p sweep pages (p = 0 at the start),
    look the r addresses up one by one as soon as r <= max(p, 1); otherwise read the
    next page. The sweep stops when every address is found or the pages end (then the
    rest do not exist: no lookups follow). This is the ski-rental break-even: switch
    once the lookups left cost no more than the pages already spent.

Cost, against the lower bound L = min(k, P):
  - k = 1: one lookup (= L);
  - an account of at most 400 users (P <= 2): exactly L calls;
  - when the sweep is never abandoned it costs at most L calls;
  - when it is abandoned after p pages it costs p + r <= 2p calls, and then L >= p,
    so never more than 2L calls.

``resolve_cheapest`` applies the rule to any keys, with costs that need not be one call
each (``Costs``): checking channel users weighs a ListAppInstanceUsers page and a
DescribeAppInstanceUser lookup by the TIME each takes at their quotas (pages are
sequential at 10/s, lookups run in parallel within 50/s: a page costs five lookups), and
the rule compares the r lookups' cost with the pages' cost: r * lookup <= max(p, 1) * page.
It may also know that the listing holds at least n entries (the users the channel
listings already showed exist, besides the k wanted): then a full sweep has at least
N = ceil((n + k) / page size) pages, and the users not found yet may be anywhere in
them (nothing orders a listing by what we want). While p < N the r lookups are taken only
when they cost less than the N - p pages left (a tie goes to the pages: the same time in
fewer calls), never by the break-even above, which would give up one page before the page
that finds them all; from page N on, the listing is longer than known and the break-even
decides, a tie at page N itself going to the pages too (the ones left may be just past
the known length: QA-DA Q-DA-2). So the cost is never more than a full sweep's N pages
while N decides, and never more than twice the pages read after. With unit costs and no
n (e-mails for rooms) the rule is the one above, to the call.

Against hindsight (knowing where the keys are listed: ``bench/channel_bounds.py``) the
rule is off when the keys it looks up before reading any page sit on the first pages:
at most page size x lookup / page times the time (10x at the identity quotas: 50 keys
listed first are 50 lookups, 1 s, where one page shows them in 0.1 s; QA-HG Q-HG-1).
Reading a page first would find those, and cost a page more wherever they are not on it
(every harness estate of one channel with 6 new users or more), and the order of a
listing is not documented: so the rule takes the least time in the worst case and, with
the keys as likely anywhere in the listing, on average.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from reconciler.providers.chime_api import User
from reconciler.refs import email_key

T = TypeVar("T")
R = TypeVar("R")
K = TypeVar("K")
Q = TypeVar("Q")
V = TypeVar("V")

# A parallel map (ThreadPoolExecutor.map) or the builtin map.
Mapper = Callable[[Callable[[T], R], Iterable[T]], Iterator[R]]


class UserSource(Protocol):
    def find_user_by_email(self, account: str, email: str) -> User | None: ...

    def user_pages(self, account: str) -> Iterator[tuple[list[User], bool]]: ...


def switch_to_lookups(pages_read: int, remaining: int) -> bool:
    """The rule above: look the remaining addresses up one by one now?"""
    return remaining <= max(pages_read, 1)


@dataclass(frozen=True)
class Costs:
    """What one listing page and one lookup cost (calls, or seconds at their quotas), and
    how many entries the listing is known to hold at least besides the wanted ones
    (``listed``) in pages of ``page_size``."""

    page: float = 1.0
    lookup: float = 1.0
    listed: int = 0
    page_size: int = 1

    def switch(self, pages_read: int, remaining: int, wanted: int) -> bool:
        """Look the ``remaining`` keys up one by one now, after ``pages_read`` pages of a
        listing that holds at least ``listed`` + ``wanted`` entries?"""
        lookups = remaining * self.lookup
        full = -(-(self.listed + wanted) // self.page_size) if self.listed else 0
        if pages_read < full:
            return _cheaper(lookups, (full - pages_read) * self.page)
        if full and pages_read == full:  # a tie reads on here too (QA-DA Q-DA-2)
            return _cheaper(lookups, pages_read * self.page)
        return lookups <= max(pages_read, 1) * self.page


def _cheaper(a: float, b: float) -> bool:
    """``a < b``, a tie (within float rounding: 60 x 0.02 against 12 x 0.1) not counted."""
    return a < b and not math.isclose(a, b)


UNIT = Costs()  # a call each, nothing known of the listing: ``switch_to_lookups``


def resolve_cheapest(
    wanted: Mapping[K, Q],
    pages: Iterator[tuple[Iterable[tuple[K, V]], bool]],
    lookup: Callable[[Q], V | None],
    pmap: Mapper[K, V | None] = map,
    costs: Costs = UNIT,
) -> dict[K, V]:
    """The rule above for any key: ``wanted`` maps each key to what ``lookup`` takes;
    ``pages`` (lazy: a page is read only when asked for) gives each page's ``(key, value)``
    pairs and whether more pages follow; ``costs`` weighs a page against a lookup. Keys
    found nowhere are absent from the result."""
    remaining = dict(wanted)
    found: dict[K, V] = {}
    if not remaining:
        return found
    if not costs.switch(0, len(remaining), len(wanted)):
        for read, (pairs, more) in enumerate(pages, start=1):
            for key, value in pairs:
                if key in remaining:
                    found[key] = value
                    del remaining[key]
            if not remaining or not more:
                return found
            if costs.switch(read, len(remaining), len(wanted)):
                break
    keys = list(remaining)
    for key, looked_up in zip(keys, pmap(lambda k: lookup(remaining[k]), keys), strict=True):
        if looked_up is not None:
            found[key] = looked_up
    return found


def resolve_emails(
    api: UserSource,
    account: str,
    emails: Mapping[str, str],
    pmap: Mapper[str, User | None] = map,
) -> dict[str, User]:
    """Resolve ``emails`` (``email_key`` -> address as written) to users, by key.
    Addresses with no user are absent from the result."""
    pages = (
        ([(email_key(u.email), u) for u in users], more) for users, more in api.user_pages(account)
    )
    return resolve_cheapest(
        dict(sorted(emails.items())),
        pages,
        lambda address: api.find_user_by_email(account, address),
        pmap,
    )
