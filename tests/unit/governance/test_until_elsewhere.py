"""The one rule of "(until set at FILE:LINE)" that explain and the plan share (reread-9)."""

from __future__ import annotations

import datetime as dt

from reconciler.governance.expiry import until_elsewhere, until_set_at
from reconciler.governance.grant import Until
from reconciler.refs import Location

END = dt.datetime(2027, 3, 31, tzinfo=dt.UTC)
MEMBER = Location("rooms/ops.yaml", 4)
ENTRY = Location("rooms/ops.yaml", 2)
GROUP = Location("settings.yaml", 9)


def test_an_until_on_an_outer_entry_is_named() -> None:
    until = Until(END, "2027-03-31", GROUP)
    assert until_elsewhere(until, MEMBER, ENTRY) == GROUP
    assert until_set_at(until, MEMBER, ENTRY) == " (until set at settings.yaml:9)"


def test_an_until_on_the_paths_own_lines_or_nowhere_is_not() -> None:
    for until in (
        Until(END, "2027-03-31", MEMBER),
        Until(END, "2027-03-31", ENTRY),
        Until(END, "2027-03-31"),
        None,
    ):
        assert until_elsewhere(until, MEMBER, ENTRY) is None
        assert until_set_at(until, MEMBER, ENTRY) == ""


def test_a_missing_own_line_does_not_hide_it() -> None:
    until = Until(END, "2027-03-31", GROUP)
    assert until_set_at(until, MEMBER, None) == " (until set at settings.yaml:9)"
