"""A meeting declaring more attendees than AWS allows (250, not adjustable) is an error at
the meeting's file and line from `validate`, before any call, instead of one failure per
attendee over the limit at apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"


def attendees(n: int) -> str:
    return ", ".join(f"u{i:03d}@example.com: viewer" for i in range(n))


def validate(tmp_path: Path, n: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "bridge.yaml").write_text(
        f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    attendees: {{{attendees(n)}}}\n"
    )
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(cli, ["--desired", "ds", "validate"], catch_exceptions=False)


def test_two_hundred_and_fifty_one_attendees_is_an_error_at_the_meeting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = validate(tmp_path, 251, monkeypatch)
    assert result.exit_code == 1
    assert (
        "ds/bridge.yaml:2: meetings.bridge: meeting 'bridge' declares 251 attendees, more than "
        "AWS's maximum of 250: apply would fail for the 1 over it"
    ) in result.output


def test_two_hundred_and_fifty_attendees_are_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = validate(tmp_path, 250, monkeypatch)
    assert result.exit_code == 0, result.output


def test_an_attendee_still_declared_by_one_path_counts_though_another_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-GQ Q-GQ-6: 251 attendees declared; u000 is also brought by @former, whose entry
    for it ended (2020-01-01). Its own entry still declares it, so it counts: 251, over
    the maximum. An attendee counts as gone only when every path to it has ended."""
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "bridge.yaml").write_text(
        "groups:\n"
        "  former:\n"
        "    - {member: u000@example.com, until: 2020-01-01}\n"
        f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
        f'    attendees: {{"@former": viewer, {attendees(251)}}}\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["--desired", "ds", "validate"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert (
        "ds/bridge.yaml:5: meetings.bridge: meeting 'bridge' declares 251 attendees, more than "
        "AWS's maximum of 250: apply would fail for the 1 over it"
    ) in result.output
