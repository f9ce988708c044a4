"""``bench/percall.py`` on a tiny estate: the calls of one pass at their count, and CPU per
call measured on both sides."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import percall


def test_cpu_per_call_is_measured_on_both_sides() -> None:
    result = percall.measure(rooms=3, members=150, reps=30)  # 180 calls: some ticks of CPU
    assert result["calls_per_pass"] == 3 * 2  # 150 members: two pages of 99 per room
    assert 0 < result["client_cpu_ms_per_call_p10"] <= result["client_cpu_ms_per_call"]
    assert result["emulator_cpu_ms_per_call"] > 0
