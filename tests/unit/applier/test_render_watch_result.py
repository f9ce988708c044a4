"""The JSON of `apply --watch`: a round as one line, and the whole watch so far (a round
whose reading failed is not complete; the counts and changes add up in order)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from test_render_apply_result import ADD, PROMOTE, REMOVE

from reconciler.apply_result import ApplyResult, ChangeResult
from reconciler.refs import MemberRef
from reconciler.render.apply import Timings
from reconciler.render.watch import (
    Round,
    WatchTotals,
    incomplete,
    round_line,
    watch_document,
)

START = datetime(2026, 12, 2, 10, 52, 28, 123000, tzinfo=UTC)
NOT_FOUND = "NotFound"


def rounds() -> list[Round]:
    later = [START + timedelta(seconds=10 * i) for i in range(4)]
    return [
        Round(1, later[0], ApplyResult((ChangeResult(ADD), ChangeResult(PROMOTE))), Timings(1, 2)),
        Round(2, later[1], ApplyResult(()), Timings(3), error="ListAttendees failed: Throttled"),
        Round(3, later[2], ApplyResult((ChangeResult(REMOVE, NOT_FOUND, "gone"),)), Timings(1, 1)),
        Round(4, later[3], ApplyResult(()), Timings(0.5), stopped="until"),
    ]


def test_a_round_is_one_line_with_its_changes_and_its_place_in_the_watch() -> None:
    lines = [round_line(r) for r in rounds()]
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)
    data = [json.loads(line) for line in lines]
    assert [d["watch"] for d in data] == [
        {"round": 1, "at": "2026-12-02T10:52:28.123Z", "error": None, "stopped": None},
        {
            "round": 2,
            "at": "2026-12-02T10:52:38.123Z",
            "error": "ListAttendees failed: Throttled",
            "stopped": None,
        },
        {"round": 3, "at": "2026-12-02T10:52:48.123Z", "error": None, "stopped": None},
        {"round": 4, "at": "2026-12-02T10:52:58.123Z", "error": None, "stopped": "until"},
    ]
    assert [d["complete"] for d in data] == [True, False, False, True]
    assert [d["summary"]["changes"] for d in data] == [2, 0, 1, 0]
    assert {d["verified"] for d in data} == {None}
    assert data[0]["timings"] == {"plan_s": 1, "apply_s": 2, "verify_s": 0, "total_s": 3}


def test_the_whole_watch_adds_the_rounds_up_and_is_complete_once_reads_recover() -> None:
    totals = WatchTotals()
    documents = []
    for r in rounds():
        totals.add(r)
        documents.append(json.loads(watch_document(totals)))
    assert [d["complete"] for d in documents] == [True, False, False, False]  # REMOVE failed
    last = documents[-1]
    assert [c["member"] for c in last["changes"]] == [
        "bob@example.com",
        "bot:PagerBot",
        "Carol@Example.com",
    ]
    assert last["summary"] == {
        "changes": 3,
        "ok": 2,
        "already": 0,
        "failed": 1,
        "skipped": 0,
        "added": 1,
        "changed": 1,
        "removed": 0,
    }
    assert last["timings"] == {"plan_s": 5.5, "apply_s": 3, "verify_s": 0, "total_s": 8.5}
    assert last["watch"] == {
        "started_at": "2026-12-02T10:52:28.123Z",
        "rounds": 4,
        "failed_reads": 1,
        "last_round_at": "2026-12-02T10:52:58.123Z",
        "stopped": "until",
        "made_later": 0,  # the changes (not attempts) that did not succeed (QA3 Q26)
        "not_made": 1,
    }
    recovered = WatchTotals()
    for r in [*rounds()[:2], rounds()[3]]:  # a failed read, then a good round
        recovered.add(r)
    assert json.loads(watch_document(recovered))["complete"] is True
    assert json.loads(watch_document(WatchTotals()))["watch"]["rounds"] == 0


def test_a_watch_incomplete_names_up_to_three_changes_then_says_how_many_more() -> None:
    """ "not made: Carol@Example.com in incident-response." (no "and 0 more"); past three
    changes, "and N more"."""
    one = WatchTotals()
    one.add(rounds()[2])  # REMOVE failed
    assert (incomplete(one) or "").endswith("; not made: Carol@Example.com in incident-response.")
    four = WatchTotals()
    failed = [
        ChangeResult(replace(ADD, member=MemberRef.user(f"u{i}@example.com")), NOT_FOUND, "x")
        for i in range(4)
    ]
    four.add(Round(1, START, ApplyResult(tuple(failed)), Timings(1, 1)))
    assert (incomplete(four) or "").endswith(
        "; not made: u0@example.com in incident-response, u1@example.com in incident-response, "
        "u2@example.com in incident-response and 1 more."
    )
    three = WatchTotals()
    three.add(Round(1, START, ApplyResult(tuple(failed[:3])), Timings(1, 1)))
    assert (incomplete(three) or "").endswith("u2@example.com in incident-response.")
