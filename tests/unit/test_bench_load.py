"""bench/load.py: the harness's desired state loaded alone, its cost as one JSON object."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import load


def test_load_reports_the_memberships_it_loaded_and_their_cost(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    profile = tmp_path / "load.prof"
    assert load.main(["--rooms", "3", "--members", "4", "--profile", str(profile)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["memberships"] == 12
    assert result["cpu_s"] >= 0 and result["peak_rss_mb"] > 0
    assert profile.stat().st_size > 0
