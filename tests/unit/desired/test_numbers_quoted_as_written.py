"""A number written in another form than Python prints it is quoted back as the file has
it (QA-GV Q-GV-10): ``0x10`` was ``the number 16`` and ``1e3`` ``the number 1000.0``,
next to "quote it", so a user who quoted what the message showed wrote ``'16'``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def validate(root: Path) -> Any:
    return CliRunner().invoke(cli, ["--desired", str(root), "validate"], catch_exceptions=False)


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    (root / "settings.yaml").write_text(f"account: {ACCOUNT}\n")
    return root


def test_a_member_written_as_another_number_is_quoted_as_written(ds: Path) -> None:
    (ds / "r.yaml").write_text(
        "rooms:\n  ops:\n    id: room-ops\n    members: [0x10, 1e3, +5, 0o17, 1.50, 7]\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    at = f"{ds}/r.yaml:4: rooms.ops.members"
    assert result.stderr.splitlines()[:6] == [
        f"{at}[0]: expected a string, got the number 0x10 (quote it)",
        f"{at}[1]: expected a string, got the number 1e3 (quote it)",
        f"{at}[2]: expected a string, got the number +5 (quote it)",
        f"{at}[3]: expected a string, got the number 0o17 (quote it)",
        f"{at}[4]: expected a string, got the number 1.50 (quote it)",
        f"{at}[5]: expected a string, got the number 7 (quote it)",
    ]


def test_an_until_written_as_a_hex_number_is_quoted_as_written(ds: Path) -> None:
    (ds / "r.yaml").write_text(
        "rooms:\n  ops:\n    id: room-ops\n    members:\n"
        "      - {member: bob@example.com, until: 0x10}\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    assert "the number 0x10" in result.stderr
    assert "the number 16" not in result.stderr


def test_a_number_so_written_is_still_the_number_it_says(ds: Path) -> None:
    (ds / "settings.yaml").write_text(f"account: {ACCOUNT}\nsafety:\n  max_removals: 0x10\n")
    (ds / "r.yaml").write_text("rooms:\n  ops:\n    id: room-ops\n    members: [a@example.com]\n")
    result = validate(ds)
    assert result.exit_code == 0, result.stderr
