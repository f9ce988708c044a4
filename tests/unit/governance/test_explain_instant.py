"""explain says when it looked in whole seconds, as the README shows (not microseconds)."""

from __future__ import annotations

import datetime as dt

from reconciler.governance.explain import _instant


def test_the_instant_is_whole_seconds_in_utc() -> None:
    moment = dt.datetime(2026, 12, 1, 15, 27, 37, 300335, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert _instant(moment) == "2026-12-01T14:27:37Z"
