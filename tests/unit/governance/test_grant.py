"""Parsing `until:` and durations, and evaluating expiry against a given clock."""

from __future__ import annotations

import datetime as dt

import pytest

from reconciler.governance.grant import (
    Grant,
    Until,
    combine,
    days_left,
    latest_allowed,
    parse_duration,
    parse_moment,
    parse_until,
)
from reconciler.refs import Location

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_a_date_lasts_through_that_day_in_utc() -> None:
    until = parse_until(dt.date(2027, 3, 31))
    assert until.text == "2027-03-31"
    assert until.instant == dt.datetime(2027, 4, 1, tzinfo=UTC)
    assert not until.expired(at("2027-03-31T23:59:59.999999+00:00"))
    assert until.expired(at("2027-04-01T00:00:00+00:00"))


def test_a_date_ends_at_utc_midnight_whatever_the_clock_zone() -> None:
    until = parse_until("2027-03-31")
    # 2027-04-01 01:30 in Paris is still 2027-03-31 in UTC
    assert not until.expired(at("2027-04-01T01:30:00+02:00"))
    assert until.expired(at("2027-04-01T02:00:00+02:00"))


def test_a_datetime_with_a_zone_is_that_moment() -> None:
    until = parse_until(at("2027-03-31T18:00:00+02:00"))
    assert until.instant == dt.datetime(2027, 3, 31, 16, tzinfo=UTC)
    assert until.text == "2027-03-31T18:00:00+02:00"
    assert not until.expired(at("2027-03-31T15:59:59+00:00"))
    assert until.expired(at("2027-03-31T16:00:00+00:00"))


def test_utc_is_written_with_z() -> None:
    assert parse_until("2027-03-31T18:00:00Z").text == "2027-03-31T18:00:00Z"
    assert parse_until(at("2027-03-31T18:00:00+00:00")).text == "2027-03-31T18:00:00Z"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            dt.datetime(2027, 3, 31, 18),
            "'2027-03-31T18:00:00' has no time zone: add one (2027-03-31T18:00:00Z or "
            "+02:00), or give a date",
        ),
        (  # text is quoted as written (QA-B Q-B-3)
            "2027-03-31 18:00",
            "'2027-03-31 18:00' has no time zone: add one (2027-03-31T18:00:00Z or "
            "+02:00), or give a date",
        ),
        # the other spellings Python's fromisoformat reads are no date the README shows:
        # refused as written, not read as another moment (QA-B Q-B-3)
        *(
            (
                text,
                "expected a date (2027-03-31) or a date and time with a zone "
                f"(2027-03-31T18:00:00Z), got {text!r}",
            )
            for text in ("20270331", "2027-W13", "2027-W13-1", "20270331T180000Z")
        ),
        (
            "next tuesday",
            "expected a date (2027-03-31) or a date and time with a zone "
            "(2027-03-31T18:00:00Z), got 'next tuesday'",
        ),
        (
            "2027-02-30",
            "expected a date (2027-03-31) or a date and time with a zone "
            "(2027-03-31T18:00:00Z), got '2027-02-30' (day is out of range for month)",
        ),
        (
            20270331,
            "expected a date (2027-03-31) or a date and time with a zone "
            "(2027-03-31T18:00:00Z), got the number 20270331",
        ),
        (
            None,
            "expected a date (2027-03-31) or a date and time with a zone "
            "(2027-03-31T18:00:00Z), got nothing",
        ),
    ],
)
def test_bad_until_values_say_what_is_expected(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_until(value)
    assert str(info.value) == message


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("1d", 1), ("12w", 84), (" 30D ", 30)])
def test_durations_in_days_or_weeks(text: str, days: int) -> None:
    assert parse_duration(text) == days


@pytest.mark.parametrize("text", ["90", "3m", "d", "-5d", "1.5d", "", "\u0665d"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a duration such as 90d or 12w"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0d", "must be at least 1 day"),
        ("000w", "must be at least 1 day"),
        ("100000d", "must be at most 99999d"),
        ("100000w", "must be at most 99999w"),
        ("9" * 5000 + "d", "must be at most 99999d"),  # no int() of 5,000 digits
    ],
)
def test_durations_out_of_range_say_their_bound(text: str, message: str) -> None:
    """A duration out of range is one (QA3 Q16): its bound is said, not "expected a
    duration"."""
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert str(info.value) == message


def test_the_longest_durations_are_taken() -> None:
    assert (parse_duration("99999d"), parse_duration("99999w"), parse_duration("007d")) == (
        99_999,
        699_993,
        7,
    )


def test_latest_allowed_is_the_end_of_the_day_n_days_from_today() -> None:
    now = at("2027-01-01T15:00:00+00:00")
    limit = latest_allowed(now, 90)
    assert parse_until("2027-04-01").instant <= limit  # 90 days after 2027-01-01
    assert parse_until("2027-04-02").instant > limit


def test_days_left_counts_to_the_last_day() -> None:
    now = at("2027-03-29T12:00:00+00:00")
    assert days_left(parse_until("2027-03-31"), now) == 2
    assert days_left(parse_until("2027-03-29"), now) == 0
    assert days_left(parse_until("2027-03-30T00:00:00Z"), now) == 0  # ends at midnight


def test_a_path_through_groups_ends_at_its_earliest_until() -> None:
    outer = Grant(parse_until("2027-06-30", Location("rooms.yaml", 4)), "on call", "OPS-1")
    inner = Grant(parse_until("2027-03-31", Location("groups.yaml", 2)), "contractor", None)
    combined = combine([outer, inner, Grant(reason="on call")])
    assert combined.until == Until(dt.datetime(2027, 4, 1, tzinfo=UTC), "")
    assert combined.until is not None and combined.until.location == Location("groups.yaml", 2)
    assert combined.reason == "on call; contractor"
    assert combined.ticket == "OPS-1"
    assert combine([Grant(), Grant()]).empty


def test_grant_describe() -> None:
    grant = Grant(parse_until("2027-03-31"), "on call", "https://t/OPS-1")
    assert grant.describe() == "until 2027-03-31, reason: on call, ticket https://t/OPS-1"
    assert Grant().describe() == ""


def test_the_ends_of_the_calendar_are_errors_or_for_ever_never_a_crash() -> None:
    now = at("2027-01-01T00:00:00+00:00")
    last_day = parse_until("9999-12-31")
    assert last_day.instant == dt.datetime.max.replace(tzinfo=UTC)
    assert not last_day.expired(now)
    assert days_left(last_day, now) == (dt.date(9999, 12, 31) - dt.date(2027, 1, 1)).days
    for text in ("0001-01-01T00:00:00+02:00", "9999-12-31T23:59:59-05:00"):
        with pytest.raises(ValueError, match="is out of range in UTC"):
            parse_until(text)
    assert parse_until("0001-01-01T00:00:00Z").expired(now)
    assert days_left(parse_until("0001-01-01T00:00:00Z"), now) < 0
    assert latest_allowed(now, 10**9) == dt.datetime.max.replace(tzinfo=UTC)
    with pytest.raises(ValueError, match="is out of range in UTC"):
        parse_moment("0001-01-01T00:00:00+02:00")


@pytest.mark.parametrize("text", ["20270325", "2027-W13", "2027-W13-1"])
def test_now_takes_only_the_dates_until_takes(text: str) -> None:
    """``--now 20270325`` was refused for having no time zone, and ``2027-W13-1`` read as
    2027-03-29 (QA-B Q-B-3): --now reads what ``until:`` reads."""
    with pytest.raises(ValueError) as info:
        parse_moment(text)
    assert str(info.value) == (
        "expected a date (2027-03-31) or a date and time with a zone "
        f"(2027-03-31T18:00:00Z), got {text!r}"
    )
