"""The API rate quotas the tool paces itself to: names, AWS's documented defaults, and
the overrides a user gives (``rates:`` in settings.yaml, ``--rate NAME=N`` on the command
line). Pure data; the pacer (``pacer.py``) enforces them.

A quota is named here once; a call names the quotas it counts against as ``QuotaKey``s
(the quota's name and its scope: a bearer ARN, a channel ARN, an operation name, or ``""``
for the whole AWS account). Defaults are from AWS's quota pages
(``shared/CHIME_SDK.md``); where they differ by region (``Quota.regional``), a bucket whose
scope is an ARN is paced at its ARN's region's (``QuotaKey.region``), whatever --region.
The Amazon Chime API (``chime``: rooms, users, bots) publishes no default request rate, so
that quota is unknown until the service answers 429, and the pacer finds it (see
``bucket.py``).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler.desired.written import IT_READS, number_words
from reconciler.errors import UsageError
from reconciler.quoted import cut, quoted
from reconciler.typed_number import number_text

OFF = "off"  # an override meaning "no known quota": unpaced until a 429 says otherwise
# The slowest rate a user may configure: one call every 1,000 s (~17 minutes). Well below
# the adaptive pacer's own floor (``bucket.FLOOR``, 0.2/s), so a deliberately slow quota is
# still possible, but a rate whose next call would wait hours or days (a typo such as
# 1e-7, which made plan wait ~115 days, silently) is refused.
MIN_RATE = 0.001


@dataclass(frozen=True)
class Quota:
    name: str
    rate: float | None  # requests per second, AWS's default; None: none documented
    scope: str  # what one bucket of this quota covers
    regional: Mapping[str, float] = field(default_factory=dict)  # region -> default there
    # the wider quota every call counted against this one also counts against (a
    # channel's quotas: its bearer's), in the same call's keys; None: the widest
    within: str | None = None

    def default(self, region: str | None) -> float | None:
        return self.regional.get(region or "", self.rate)


QUOTAS: tuple[Quota, ...] = (
    Quota("chime", None, "the AWS account (Amazon Chime API: rooms, users, bots)"),
    Quota(
        "messaging.bearer",
        10.0,
        "a bearer (ChimeBearer): every chime-sdk-messaging call",
        {"eu-central-1": 5.0},
    ),
    Quota(
        "messaging.channel-batch",
        1.0,
        "a channel: BatchCreateChannelMembership",
        within="messaging.bearer",
    ),
    Quota(
        "messaging.channel-write",
        15.0,
        "a channel: membership, moderator and ban creates and deletes",
        {"eu-central-1": 10.0},
        within="messaging.bearer",
    ),
    Quota(
        "messaging.channel-list",
        15.0,
        "a channel: its membership, moderator, ban lists",
        within="messaging.bearer",
    ),
    Quota(
        "messaging.user-list",
        15.0,
        "an AppInstanceUser: the channels it is in or moderates",
        within="messaging.bearer",
    ),
    Quota(
        "messaging.list-channels", 10.0, "an app instance: ListChannels", within="messaging.bearer"
    ),
    Quota("identity", 50.0, "the AWS account: chime-sdk-identity calls"),
    Quota("identity.list-users", 10.0, "the AWS account: ListAppInstanceUsers", within="identity"),
    Quota("meetings", 10.0, "an operation: chime-sdk-meetings meeting and attendee calls"),
)
BY_NAME: dict[str, Quota] = {q.name: q for q in QUOTAS}

Rates = Mapping[str, float | None]  # quota name -> requests per second (None: unknown)


@dataclass(frozen=True, order=True)
class QuotaKey:
    """One bucket: a quota and the scope it is counted in (``""``: the whole account)."""

    quota: str
    scope: str = ""

    def __str__(self) -> str:
        return f"{self.quota}[{self.scope}]" if self.scope else self.quota

    @property
    def region(self) -> str | None:
        """The region of a scope that is an ARN (a bearer, channel, user or app instance:
        its app instance's region, where its calls go); None for any other scope."""
        return arn_region(self.scope)


def arn_region(text: str) -> str | None:
    """The region of an ARN (``arn:aws:chime:REGION:...``); None if ``text`` is not one."""
    if not text.startswith("arn:"):
        return None
    parts = text.split(":", 4)
    return parts[3] if len(parts) == 5 and parts[3] else None


def unknown_quota(name: str) -> str | None:
    """An error message if ``name`` is not a quota, with a suggestion; else None."""
    if name in BY_NAME:
        return None
    close = difflib.get_close_matches(name, list(BY_NAME), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown quota {name!r}{hint}; known: {', '.join(BY_NAME)}"


def check_rate(value: float | None, none: str = "null", written: str = "") -> str | None:
    """An error message if ``value`` is not a usable rate (finite and at least
    ``MIN_RATE``, or None, which is written ``none``); ``written``: the text it was read
    from, if known (``--rate``)."""
    if value is None or (math.isfinite(value) and value >= MIN_RATE):
        return None
    if math.isfinite(value) and value > 0:
        return (
            f"a rate is at least {MIN_RATE:g} requests per second (one call every ~17 "
            f"minutes) or {none}, not {_shown(value, written)}"
        )
    return (
        f"a rate is a positive number of requests per second or {none}, "
        f"not {_shown(value, written)}"
    )


def _shown(value: float, written: str) -> str:
    """``value`` as it was written (``1e400`` was refused as ``inf``, a text the command
    line did not hold: QA-GE; ``0.00099999999`` as ``:g`` rounds it, ``0.001``, the bound
    it is below: QA-GV Q-GV-4), in the words of every number so refused where it reads as
    another (``number_words``: QA-LE Q-LE-2); ``written``: the command line's text, else
    the file's (a ``WrittenFloat``'s); else every digit Python needs to read it back."""
    if written:
        return number_words(written, value, IT_READS)
    in_file = getattr(value, "written", "")
    if in_file:
        return number_words(in_file, value)
    return repr(value) if math.isfinite(value) else f"{value:g}"


def parse_rate_option(text: str) -> tuple[str, float | None]:
    """``NAME=N`` or ``NAME=off`` (as ``--rate`` takes it); UsageError otherwise."""
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise UsageError(
            f"--rate takes QUOTA=N (requests per second) or QUOTA=off, not {quoted(text)}"
        )
    given = cut(text)  # a long one: its first 80 characters and its length
    problem = unknown_quota(name)
    if problem:
        raise UsageError(f"--rate {given}: {problem}")
    if value.lower() == OFF:
        return name, None
    try:
        rate: float | None = float(number_text(value))  # not ٨ (QA-LE Q-LE-4)
    except ValueError:
        raise UsageError(
            f"--rate {given}: {quoted(value)} is not a number of requests per second"
        ) from None
    problem = check_rate(rate, OFF, value)
    if problem:
        raise UsageError(f"--rate {given}: {problem}")
    return name, rate


def resolve_rates(region: str | None, *overrides: Rates) -> dict[str, float | None]:
    """Every quota's rate: AWS's default for ``region``, then each mapping of overrides in
    turn (settings.yaml, then the command line): the last one naming a quota wins."""
    rates: dict[str, float | None] = {q.name: q.default(region) for q in QUOTAS}
    for layer in overrides:
        for name, rate in layer.items():
            if name not in BY_NAME:
                raise UsageError(unknown_quota(name) or name)
            rates[name] = rate
    return rates


def describe(rates: Rates) -> Iterable[str]:
    """One line per quota, for ``--help`` and logs: ``messaging.bearer 10/s (a bearer ...)``."""
    for q in QUOTAS:
        rate = rates.get(q.name, q.rate)
        shown = f"{rate:g}/s" if rate is not None else "unknown"
        yield f"{q.name} {shown} per {q.scope}"
