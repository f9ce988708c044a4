"""A channel declaring more members than AWS allows (10,000; 1,000 moderators) is an error
at the channel's file and line from `validate` and `plan`, before any call, instead of
one failure per member over the limit at apply. A group counts by the members it brings,
and entries that have expired do not count."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

SETTINGS = (
    "app_instances:\n"
    "  chat: {arn: 'arn:aws:chime:us-east-1:111122223333:app-instance/chat', bearer: 'user:r'}\n"
)


def users(n: int, start: int = 0) -> str:
    return ", ".join(f"user:u{i:05d}" for i in range(start, start + n))


def validate(tmp_path: Path, chat: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "settings.yaml").write_text(SETTINGS)
    (ds / "chat.yaml").write_text(chat)
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(cli, ["--desired", "ds", "validate"], catch_exceptions=False)


def test_ten_thousand_and_one_members_is_an_error_at_the_channel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 9,990 members and 11 hidden: AWS counts both types against the channel's 10,000
    chat = f"channels:\n  ops:\n    members: [{users(9_990)}]\n    hidden: [{users(11, 9_990)}]\n"
    result = validate(tmp_path, chat, monkeypatch)
    assert result.exit_code == 1
    assert (
        "ds/chat.yaml:2: channels.ops: channel 'ops' declares 10,001 members (members: and "
        "hidden: together), more than AWS's maximum of 10,000: apply would fail for the 1 "
        "over it"
    ) in result.output


def test_ten_thousand_members_are_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = validate(tmp_path, f"channels:\n  ops:\n    members: [{users(10_000)}]\n", monkeypatch)
    assert result.exit_code == 0, result.output


def test_a_group_counts_by_its_members_and_moderators_by_their_own_maximum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emails = ", ".join(f"u{i}@example.com" for i in range(10_005))
    chat = (
        f"groups:\n  everyone: [{emails}]\n"
        "channels:\n"
        "  ops:\n"
        "    members: ['@everyone']\n"
        f"    moderators: [{users(1_001)}]\n"
    )
    result = validate(tmp_path, chat, monkeypatch)
    assert result.exit_code == 1
    assert "ds/chat.yaml:4: channels.ops: channel 'ops' declares 10,005 members" in result.output
    assert (
        "ds/chat.yaml:4: channels.ops: channel moderators 'ops' declares 1,001 moderators, "
        "more than AWS's maximum of 1,000: apply would fail for the 1 over it"
    ) in result.output


def test_expired_entries_do_not_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expired = "{member: user:gone, until: 2020-01-01}"
    chat = f"channels:\n  ops:\n    members: [{users(10_000)}, {expired}]\n"
    result = validate(tmp_path, chat, monkeypatch)
    assert result.exit_code == 0, result.output
