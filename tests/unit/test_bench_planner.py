"""bench/planner.py: the planner alone on the harness's estate, its cost as one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import planner
from bench.estate import estate
from bench.world import diff


def test_planner_bench_plans_the_estates_changes_and_reports_their_cost(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "planner.prof"
    argv = ["--rooms", "4", "--members", "40", "--repeat", "2", "--profile", str(profile)]
    assert planner.main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    expected = 0
    for room in estate(4, 40, 0.05).rooms:
        d = diff(room)
        expected += len(d.adds) + len(d.updates) + len(d.deletes)
    assert expected > 4  # adds, role changes and removals in every room
    assert result["changes"] == expected
    assert result["planner_cpu_s"] >= 0 and result["load_cpu_s"] > 0
    assert profile.stat().st_size > 0
