"""When an entry ends (``until``), why it exists (``reason``, ``ticket``), and durations.

``until`` is a date or a date and time with a zone:

- ``2027-03-31`` (a date) means *through that day, in UTC*: the entry is declared until
  2027-03-31T23:59:59Z and is no longer declared from 2027-04-01T00:00:00Z on;
- ``2027-03-31T18:00:00+02:00`` (or ``...Z``) is that moment exactly;
- a date and time without a zone is refused (it would depend on the machine's zone).

Everything here is pure: callers pass ``now`` (an aware datetime).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from reconciler.desired.written import the_number
from reconciler.quoted import quoted
from reconciler.refs import Location

UTC = dt.UTC
UNTIL_EXAMPLES = "a date (2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z)"
DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:$|[T ])", re.ASCII)  # a date, maybe a time after
DURATION_RE = re.compile(r"^\s*(\d+)\s*([dw])\s*$", re.IGNORECASE | re.ASCII)
MAX_DURATION = 99_999  # days or weeks: a duration has at most 5 digits
DURATION_UNITS = {"d": 1, "w": 7}
DEFAULT_WARNING_DAYS = 14  # settings.yaml expiry_warning_days
FOREVER = dt.datetime.max.replace(tzinfo=UTC)
PAST = dt.datetime.min.replace(tzinfo=UTC) + dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Until:
    """The first moment an entry is no longer declared, with the text people read."""

    instant: dt.datetime  # aware, UTC
    text: str = field(compare=False)  # "2027-03-31" or "2027-03-31T18:00:00+02:00"
    location: Location | None = field(default=None, compare=False)  # the entry's line

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.instant

    def left(self, now: dt.datetime) -> dt.timedelta:
        return self.instant - now

    def __str__(self) -> str:
        return self.text


def parse_until(value: object, location: Location | None = None) -> Until:
    """A YAML value (a date, an aware datetime, or such text) as an Until.

    Raises ValueError with a user-facing message, quoting the text as written."""
    written = getattr(value, "written", None)  # YAML's datetime, with its text (``written``)
    if isinstance(value, str):
        written = value.strip()
        value = _from_text(written)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{quoted(written or value.isoformat())} has no time zone: add one "
                "(2027-03-31T18:00:00Z or +02:00), or give a date"
            )
        text = value.isoformat().replace("+00:00", "Z")
        try:
            return Until(value.astimezone(UTC), text, location)
        except OverflowError:
            raise ValueError(f"'{text}' is out of range in UTC") from None
    if isinstance(value, dt.date):
        if value == dt.date.max:  # through the last day there is: never ends
            return Until(FOREVER, value.isoformat(), location)
        end = dt.datetime.combine(value + dt.timedelta(days=1), dt.time(), tzinfo=UTC)
        return Until(end, value.isoformat(), location)
    raise ValueError(f"expected {UNTIL_EXAMPLES}, got {_describe(value)}")


def _from_text(text: str) -> object:
    """A date (``2027-03-31``) or a date and time (``2027-03-31T18:00:00Z``), written as the
    README shows them: the other spellings Python reads (``20270331``, ``2027-W13``,
    ``2027-W13-1``) are refused as what they are not, rather than read as another moment."""
    if not DATE_SHAPE.match(text):
        raise ValueError(f"expected {UNTIL_EXAMPLES}, got {quoted(text)}")
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
    except ValueError as exc:
        why = date_problem(exc)  # 2027-02-30: day is out of range for month
        raise ValueError(f"expected {UNTIL_EXAMPLES}, got {quoted(text)} ({why})") from None


def date_problem(exc: Exception) -> str:
    """Why a date that looks like one is none, in words: Python's own reason (``day is
    out of range for month``), except for a zone out of range (``+24:00``), where it is
    about timedelta objects."""
    if str(exc).startswith("offset must be a timedelta"):
        return "the zone offset must be between -23:59 and +23:59"
    if str(exc).startswith("Invalid isoformat string"):  # the text again: quoted once
        return "not a date and time in ISO 8601"
    return str(exc)


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):  # 1e400 as written and why (QA-LD Q-LD-2, Q-LE-2)
        return the_number(value)  # long: cut (Q-GE-2)
    return f"a {type(value).__name__}"


def parse_moment(text: str) -> dt.datetime:
    """``--now``: a date (its first moment, UTC) or a date and time with a zone."""
    value = _from_text(text.strip())
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{quoted(text.strip())} has no time zone: add one (Z or +02:00)")
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{text.strip()!r} is out of range in UTC") from None
    assert isinstance(value, dt.date)
    return dt.datetime.combine(value, dt.time(), tzinfo=UTC)


def parse_end(text: str) -> dt.datetime:
    """``apply --watch --until``'s time, read as the rest of the tool reads one: a date
    means through that day in UTC, as an ``until:`` does (the next day's first moment); a
    date and time needs a zone, as ``--now`` does (the same message)."""
    value = _from_text(text.strip())
    if isinstance(value, dt.datetime):
        return parse_moment(text)
    return parse_until(value).instant


def moment_text(moment: dt.datetime) -> str:
    """``moment`` as ``--now`` takes it (``parse_moment`` reads it back to the same
    moment): its date when it is the first moment of a day in UTC, else its UTC instant
    (``2027-03-26``, ``2027-03-26T07:30:00Z``)."""
    utc = moment.astimezone(UTC)
    if utc.time() == dt.time():
        return utc.date().isoformat()
    return utc.replace(tzinfo=None).isoformat() + "Z"


def parse_duration(text: str) -> int:
    """``90d`` or ``12w`` as a number of days (at least 1 day, at most 99999 days or
    weeks). Raises ValueError: one that is no duration says what is expected; one out of
    range says its bound."""
    match = DURATION_RE.match(text)
    if not match:
        raise ValueError(f"expected a duration such as 90d or 12w, got {quoted(text)}")
    digits, unit = match.group(1).lstrip("0"), match.group(2).lower()
    if not digits:
        raise ValueError("must be at least 1 day")
    if len(digits) > len(str(MAX_DURATION)):
        raise ValueError(f"must be at most {MAX_DURATION}{unit}")
    return int(digits) * DURATION_UNITS[unit]


def latest_allowed(now: dt.datetime, days: int) -> dt.datetime:
    """The latest ``until`` a grant of at most ``days`` days may have: the end of the UTC
    day ``days`` days after today (so ``until: <today + 90 days>`` passes a 90-day limit)."""
    today = now.astimezone(UTC).date()
    try:
        return dt.datetime.combine(today + dt.timedelta(days=days + 1), dt.time(), tzinfo=UTC)
    except OverflowError:  # a limit beyond year 9999: no until is too late
        return FOREVER


def days_left(until: Until, now: dt.datetime) -> int:
    """Whole UTC days from today to the last day of the entry (0: it ends today)."""
    last = (max(until.instant, PAST) - dt.timedelta(microseconds=1)).date()
    return (last - now.astimezone(UTC).date()).days


@dataclass(frozen=True)
class Grant:
    """What an entry says besides its member: until when, why, which ticket."""

    until: Until | None = None
    reason: str | None = None
    ticket: str | None = None

    @property
    def empty(self) -> bool:
        return self.until is None and self.reason is None and self.ticket is None

    def describe(self) -> str:
        """``until 2027-03-31, reason: on-call lead, ticket OPS-12`` (empty: "")."""
        parts = []
        if self.until is not None:
            parts.append(f"until {self.until}")
        if self.reason is not None:
            parts.append(f"reason: {self.reason}")
        if self.ticket is not None:
            parts.append(f"ticket {self.ticket}")
        return ", ".join(parts)


NO_GRANT = Grant()


# how a path that is a ``protected:`` group entry (not a grant of a role) is worded,
# wherever a path is described: explain, plan -v, the Markdown details (QA-CJ Q-CJ-4)
PROTECTION = "protected (a `protected:` group entry)"


@dataclass(frozen=True)
class Ending(Grant):
    """A grant that ends (its ``until`` is set): a ``protected:`` group entry's, with the
    reason and ticket written on the way to the member; and the way itself: the group
    chain (outermost first), where the member is written in the innermost group, and the
    ``protected:`` entry naming the outermost (None where not known)."""

    until: Until
    via: tuple[str, ...] = field(default=(), compare=False)
    where: Location | None = field(default=None, compare=False)
    entry: Location | None = field(default=None, compare=False)


def combine(grants: Iterable[Grant]) -> Grant:
    """The grant of a path through groups, outermost entry first: it ends at the earliest
    ``until`` on the way (that entry's location is kept); reasons and tickets are joined
    with "; " (outermost first, each once)."""
    items = list(grants)
    untils = [g.until for g in items if g.until is not None]
    return Grant(
        until=min(untils) if untils else None,
        reason=_join(g.reason for g in items),
        ticket=_join(g.ticket for g in items),
    )


def _join(values: Iterable[str | None]) -> str | None:
    kept = list(dict.fromkeys(v for v in values if v))
    return "; ".join(kept) if kept else None
