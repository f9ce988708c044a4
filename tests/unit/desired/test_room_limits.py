"""A room declaring more members than AWS's quota of 1,000 memberships per room is an error
at the room's file and line from `validate` and `plan`, before any call, as for channels
and meetings: apply used to add 1,000 and fail the rest, run after run (QA3 Q15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

SETTINGS = "account: 11111111-2222-3333-4444-555555555555\n"


def emails(n: int, start: int = 0) -> str:
    return ", ".join(f"u{i}@example.com" for i in range(start, start + n))


def run(tmp_path: Path, rooms: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "settings.yaml").write_text(SETTINGS)
    (ds / "r.yaml").write_text(rooms)
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(cli, ["--desired", "ds", *args], catch_exceptions=False)


def test_a_room_of_1001_members_is_an_error_at_the_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # administrators and members together count against the room's 1,000
    rooms = f"rooms:\n  big:\n    administrators: [{emails(1)}]\n    members: [{emails(1000, 1)}]\n"
    result = run(tmp_path, rooms, monkeypatch, "validate")
    assert result.exit_code == 1
    assert (
        "ds/r.yaml:2: rooms.big: room 'big' declares 1,001 members, more than AWS's maximum "
        "of 1,000: apply would fail for the 1 over it"
    ) in result.output


def test_a_room_of_1000_members_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rooms = f"rooms:\n  big:\n    members: [{emails(1000)}]\n"
    result = run(tmp_path, rooms, monkeypatch, "validate")
    assert result.exit_code == 0, result.output


def test_plan_refuses_it_before_any_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an endpoint nothing listens on: a call would be a connection error, not this message
    monkeypatch.setenv("CHIME_RECONCILER_ENDPOINT_URL", "http://127.0.0.1:9")
    rooms = f"groups:\n  all: [{emails(1001)}]\nrooms:\n  big:\n    members: ['@all']\n"
    result = run(tmp_path, rooms, monkeypatch, "plan")
    assert result.exit_code == 1
    assert "room 'big' declares 1,001 members, more than AWS's maximum of 1,000" in result.output
    assert "127.0.0.1:9" not in result.output
