"""The origin of a merged plan (``reconciler.merge_origin``), from the shards' origins."""

from __future__ import annotations

import pytest

from reconciler.merge_origin import merged_origin
from reconciler.plan_merge import MergeError

ONE = {"desired": "d", "endpoint_url": "http://127.0.0.1:1", "region": "eu-west-1"}


def test_the_earliest_made_at_is_the_merged_plans() -> None:
    origin, notes = merged_origin(
        [
            ("a", {**ONE, "made_at": "2026-12-02T07:00:01.5Z"}),
            ("b", {**ONE, "made_at": "2026-12-02T06:59:59Z"}),  # planned first
            ("c", {**ONE, "made_at": "2026-12-02T07:00:00Z"}),
        ]
    )
    assert origin == {**ONE, "now": None, "made_at": "2026-12-02T06:59:59Z"}
    assert notes == []


def test_a_file_without_an_origin_leaves_the_merged_one_unknown_and_says_so() -> None:
    # a shard saved as `plan --format json > FILE` records none
    origin, notes = merged_origin([("a", {**ONE, "made_at": "2026-12-02T07:00:00Z"}), ("b", {})])
    assert origin == {
        **dict.fromkeys(("desired", "endpoint_url", "region", "now", "made_at")),
        "differs": ["desired", "endpoint_url", "region"],  # apply FILE needs each option
    }
    assert notes[0] == (
        "Note: the shards' plans were made with different --desired (a: d; b: none): the "
        "merged plan records none; give --desired to apply it."
    )
    assert len(notes) == 3


def test_one_now_for_every_shard_is_kept() -> None:
    origin, _ = merged_origin(
        [("a", {**ONE, "now": "2099-01-01"}), ("b", {**ONE, "now": "2099-01-01"})]
    )
    assert origin["now"] == "2099-01-01"


def test_a_made_at_that_is_no_moment_is_refused_naming_the_file() -> None:
    with pytest.raises(MergeError) as info:
        merged_origin([("a", {"made_at": "yesterday"})])
    assert str(info.value).startswith("a: origin.made_at: expected a date")


def test_an_endpoint_with_a_secret_is_shown_redacted() -> None:
    _, notes = merged_origin(
        [("a", {"endpoint_url": "http://u:pw@127.0.0.1:1/"}), ("b", {"endpoint_url": "http://x/"})]
    )
    assert "pw" not in notes[0] and "http://***@127.0.0.1:1/" in notes[0]
