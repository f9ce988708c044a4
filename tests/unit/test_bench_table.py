"""bench/table.py: the README's table from harness results (the scenarios themselves are
run by hand: about 35 minutes). Each row names its command and says which targets are met."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import harness, table


def step(wall: float, ideal: float | None, throttled: int = 0, problems: Any = ()) -> Any:
    return {
        "wall_s": wall,
        "ideal_s": ideal,
        "vs_ideal": wall / ideal if ideal else None,
        "phases_s": {"load": 0.5, "read": wall - 1},
        "calls_total": 10,
        "lower_bound_total": 10,
        "throttled": throttled,
        "peak_rss_mb": 80.0,
        "problems": list(problems),
    }


def test_every_scenario_is_a_valid_harness_command() -> None:
    for s in table.SCENARIOS:
        harness.parser().parse_args(list(s.argv))  # exits on an unknown option


def test_a_quota_row_checks_the_ratio_and_the_429s() -> None:
    [channels] = [s for s in table.SCENARIOS if s.key == "channels"]
    result = {"plan": step(10.5, 10.0), "apply": step(12.0, 10.0, throttled=2)}
    lines = table.row(channels, result)
    assert len(lines) == 2 and "`bench/harness.py --channels 100" in lines[0]
    assert "plan 1.05x ideal <= 1.1x: yes" in lines[0]
    assert "apply 1.20x ideal <= 1.1x: **no**" in lines[0]
    assert "apply 2 throttled: **no**" in lines[0]
    assert "| apply | 12.0 | 10.0 (1.20x) |" in lines[1]


def test_the_naive_speedup_target_and_a_failed_naive_script() -> None:
    [network] = [s for s in table.SCENARIOS if s.key == "network"]
    result = {
        "plan": step(2.0, 1.5),
        "apply": step(10.0, 9.0),
        "naive": {"wall_s": 85.0, "calls_total": 12, "throttled": 0, "error": "Boom: no"},
        "apply_speedup_vs_naive": 8.5,
    }
    lines = table.row(network, result)
    assert "apply 8.5x faster than naive >= 8x: yes" in lines[0]
    assert "naive script (failed: Boom: no)" in lines[2]


def test_unknown_scenarios_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        table.main(["--only", "rooms,nope"])
    assert "unknown scenario(s) nope, rooms" in capsys.readouterr().err


def test_four_bearers_are_checked_on_the_read_phase_against_one() -> None:
    one = {"plan": step(120.0, 112.0)}
    one["plan"]["phases_s"]["read"] = 112.0
    four = {"plan": step(35.0, 28.0)}
    four["plan"]["phases_s"]["read"] = 28.0
    [line] = table.row(table.bearers(4, one), four)
    assert "--bearers 4`" in line
    assert "read 4.0x faster than with 1 bearer >= 3.5x: yes" in line
    assert "(the whole plan command: 3.4x);" in line


def test_the_bench_readme_lists_every_only_key() -> None:
    # QA-GC Q-GC-3: bench/README.md's list left out channels-4
    readme = " ".join(
        (Path(__file__).resolve().parents[2] / "bench" / "README.md").read_text().split()
    )
    listed = readme.split("`--only KEY,...` for some: ", 1)[1].split("; `--json FILE`", 1)[0]
    assert [k.strip(" `") for k in listed.split(",")] == table.only_keys()
