"""The scale harness (bench/harness.py) on a tiny estate: the emulator and the CLI in their
own processes, one JSON object with calls at the lower bound, phases, peak RSS, and the
naive script beside it. The full-size scenarios are run by hand (README, Benchmarks)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import harness
from bench.estate import Drift, estate
from bench.world import diff


def test_an_estate_drifts_each_room_by_the_share_asked() -> None:
    assert Drift.of(200, 0.05) == Drift(adds=4, updates=4, removes=2)
    world = estate(4, 20, 0.25)
    for room in world.rooms:
        d = diff(room)
        assert (len(d.adds), len(d.updates), len(d.deletes)) == (2, 2, 1)
    assert world.expected_summary() == {"add": 8, "change": 8, "remove": 4}


def test_the_harness_measures_plan_apply_and_the_naive_script() -> None:
    args = harness.parser().parse_args(["--rooms", "3", "--members", "10", "--drift", "0.5"])
    result = harness.run(args)
    plan, apply, naive = result["plan"], result["apply"], result["naive"]
    assert plan["exit_code"] == 2 and apply["exit_code"] == 0
    assert plan["problems"] == [] and apply["problems"] == []
    assert plan["calls"] == {"ListRoomMemberships": 3, "ListRooms": 1}
    assert plan["calls_total"] == plan["lower_bound_total"] == 4
    # apply: its plan, 3 batches, 2 updates and 1 delete per room, then verification
    assert apply["calls"]["BatchCreateRoomMembership"] == 3
    assert apply["calls"]["UpdateRoomMembership"] == 6
    assert apply["calls"]["DeleteRoomMembership"] == 3
    assert apply["calls_total"] == apply["lower_bound_total"]
    assert set(plan["phases_s"]) == {"load", "read", "plan", "render"}
    assert plan["peak_rss_mb"] > 10
    assert plan["throttled"] == apply["throttled"] == 0
    # the naive script: one create per member added, a lookup per unknown e-mail
    assert naive["calls"]["CreateRoomMembership"] == 6
    assert naive["calls_total"] > apply["calls_total"]


def test_told_the_quota_nothing_is_throttled() -> None:
    args = harness.parser().parse_args(
        ["--rooms", "12", "--members", "4", "--drift", "0", "--tps", "20", "--no-naive"]
    )
    result = harness.run(args)
    assert result["plan"]["throttled"] == 0
    assert result["plan"]["ideal_s"] == 13 / 20
    assert result["plan"]["wall_s"] >= 12 / 20
    assert "apply" in result and result["apply"]["problems"] == []
