"""explain's text says when it looked in whole seconds, as the README shows; its JSON
keeps the microseconds, as the JSON plan does (Q-K-4)."""

from __future__ import annotations

import datetime as dt

from reconciler.governance.explain import Explanation, seconds, to_json

MOMENT = dt.datetime(2026, 12, 1, 15, 27, 37, 300335, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def test_the_text_instant_is_whole_seconds_in_utc() -> None:
    assert seconds(MOMENT) == "2026-12-01T14:27:37Z"


def test_the_json_now_keeps_the_microseconds() -> None:
    assert to_json(Explanation("a@example.com", MOMENT, ()))["now"] == "2026-12-01T14:27:37.300335Z"
