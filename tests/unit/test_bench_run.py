"""`make bench` as a user runs it: every module under bench/ imports (a module of
reconciler/ that the bench uses moving elsewhere fails here, not at the next `make bench`),
`bench/run.py --quick --no-write` runs every scaled-down case at its bounds and exits 0,
and the timestamp measurement of the full run works on a tiny world."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import run, scenarios, timestamps  # noqa: E402
from reconciler.emulator import EmulatorServer  # noqa: E402

MODULES = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("module", MODULES)
def test_every_bench_module_imports(module: str) -> None:
    importlib.import_module(f"bench.{module}")


@pytest.mark.e2e
def test_quick_bench_runs_every_case_at_its_bounds(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_CAP_MS", "5")

    status = run.main(["--quick", "--no-write"])

    out, err = capsys.readouterr()
    assert "FAILED" not in err
    assert status == 0
    for key in ("a", "b", "c", "d1", "d8", "d16", "e", "f", "g"):
        assert f"| {key} | apply |" in out


@pytest.mark.e2e
def test_timestamp_measurement_times_a_plan_both_ways(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    world = scenarios.steady(rooms=2, members=3, teams=1)
    desired = world.write_desired(tmp_path / "desired")

    split = timestamps.measure("(tiny)", world, desired, emulator)

    assert split.calls > 0
    assert split.parsed_s > 0 and split.unparsed_s > 0
