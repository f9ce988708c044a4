"""A room declaring more members than AWS's quota of 1,000 memberships per room is an error
at the room's file and line from `validate` and `plan`, before any call, as for channels
and meetings: apply used to add 1,000 and fail the rest, run after run (QA3 Q15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

ACCOUNT = "11111111-2222-3333-4444-555555555555"
SETTINGS = f"account: {ACCOUNT}\n"


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


# AWS's quota "Memberships per profile: 1,000" (docs.aws.amazon.com/general/latest/gr/chime.html):
# one user or bot is in at most 1,000 rooms of its account (Q-FF-1)
OTHER = "99999999-2222-3333-4444-555555555555"


def rooms_of(n: int, entry: str = "members: ['@everyone']") -> str:
    return "".join(f"  r{i:04d}:\n    {entry}\n" for i in range(n))


def test_a_member_in_1001_rooms_of_an_account_is_an_error_at_the_1001st(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # through a group or directly, in any role; located at its entry in room r1000 (line 2005)
    rooms = "groups:\n  everyone: [alice@example.com]\nrooms:\n" + rooms_of(1000)
    rooms += "  r1000:\n    administrators: [bob@example.com, Alice@Example.com]\n"
    result = run(tmp_path, rooms, monkeypatch, "validate")
    assert result.exit_code == 1
    assert (
        "ds/r.yaml:2005: rooms.r1000: Alice@Example.com is declared in 1,001 rooms of account "
        f"{ACCOUNT}, more than AWS's maximum of 1,000: apply would fail for the 1 over it"
    ) in result.output
    assert "bob@example.com" not in result.output


def test_a_member_in_1000_rooms_of_an_account_is_valid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the quota is per account: a 1,001st room in another account is valid
    rooms = "groups:\n  everyone: [alice@example.com]\nrooms:\n" + rooms_of(1000)
    rooms += f"  other:\n    account: {OTHER}\n    members: [alice@example.com]\n"
    result = run(tmp_path, rooms, monkeypatch, "validate")
    assert result.exit_code == 0, result.output


def test_plan_refuses_a_member_in_1001_rooms_before_any_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_ENDPOINT_URL", "http://127.0.0.1:9")
    rooms = "rooms:\n" + rooms_of(1001, "members: [bot:Pager]")
    result = run(tmp_path, rooms, monkeypatch, "plan")
    assert result.exit_code == 1
    assert (
        "ds/r.yaml:2003: rooms.r1000: bot:Pager is declared in 1,001 rooms of account "
        f"{ACCOUNT}, more than AWS's maximum of 1,000: apply would fail for the 1 over it"
    ) in result.output
    assert "127.0.0.1:9" not in result.output


def test_rooms_where_its_entries_expired_do_not_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rooms = "groups:\n  everyone: [alice@example.com]\nrooms:\n" + rooms_of(1000)
    rooms += "  r1000:\n    members: [{member: alice@example.com, until: 2020-01-01}]\n"
    result = run(tmp_path, rooms, monkeypatch, "validate")
    assert result.exit_code == 0, result.output


def test_the_error_is_at_the_first_room_over_the_maximum_after_expired_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Q-FG-1: an expired entry before it does not count, so r1000 is alice's 1,000th room
    # (within the quota) and r1001 her 1,001st (line 2005), not r1000 (line 2003)
    rooms = "rooms:\n  r_old:\n    members: [{member: alice@example.com, until: 2020-01-01}]\n"
    rooms += "".join(f"  r{i:04d}:\n    members: [alice@example.com]\n" for i in range(1, 1002))
    result = run(tmp_path, rooms, monkeypatch, "validate")
    assert result.exit_code == 1
    assert (
        "ds/r.yaml:2005: rooms.r1001: alice@example.com is declared in 1,001 rooms of account "
        f"{ACCOUNT}, more than AWS's maximum of 1,000: apply would fail for the 1 over it"
    ) in result.output
