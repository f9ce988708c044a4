"""Q-DN-4: the advice for a file whose extension is not lower case (``rooms.YAML``) works
when followed. Before, with ``rooms.yaml`` there too, it said "rename it to rooms.yaml"
(overwriting that file's rooms), and for ``Settings.YML`` it said "rename it to
Settings.yml", which is read as a rooms file, not as the settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from reconciler.cli.main import cli

READ = "only names ending in .yaml or .yml (lower case) are read"


def validate(root: Path) -> Any:
    return CliRunner().invoke(cli, ["--desired", str(root), "validate"], catch_exceptions=False)


def test_when_the_lower_case_name_exists_too_it_says_so_rather_than_to_rename(
    tmp_path: Path,
) -> None:
    (tmp_path / "settings.yaml").write_text("account: acc\n")
    (tmp_path / "rooms.yaml").write_text("rooms: {a: {members: [a@example.com]}}\n")
    (tmp_path / "rooms.YAML").write_text("rooms: {b: {members: [b@example.com]}}\n")
    result = validate(tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}/rooms.YAML:1: {READ}, and rooms.yaml exists too: merge this file into "
        "it, or rename it to another name ending in .yaml (not rooms.yaml: that would "
        "overwrite it)",
        "Desired state is invalid: 1 error.",
    ]


def test_a_settings_file_in_another_case_is_told_the_name_read_as_settings(
    tmp_path: Path,
) -> None:
    (tmp_path / "Settings.YML").write_text("account: acc\n")
    (tmp_path / "Restrictions.Yaml").write_text("rooms: {}\n")
    result = validate(tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}/Restrictions.Yaml:1: {READ}: rename it to restrictions.yaml",
        f"{tmp_path}/Settings.YML:1: {READ}: rename it to settings.yml",
        "Desired state is invalid: 2 errors.",
    ]


def test_the_advised_settings_name_is_read_as_the_settings_once_renamed(tmp_path: Path) -> None:
    (tmp_path / "Settings.YML").write_text("account: acc\n")
    (tmp_path / "rooms.yaml").write_text("rooms: {a: {members: [a@example.com]}}\n")
    advice = validate(tmp_path).stderr.splitlines()[0]
    renamed = advice.rpartition("rename it to ")[2]
    (tmp_path / "Settings.YML").rename(tmp_path / renamed)
    result = validate(tmp_path)
    assert result.exit_code == 0, result.stderr


def test_below_the_top_a_settings_name_is_a_rooms_file_and_keeps_its_stem(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text("account: acc\n")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "Settings.YML").write_text("rooms: {}\n")
    result = validate(tmp_path)
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path}/team/Settings.YML:1: {READ}: rename it to Settings.yml"
    )


def test_a_settings_file_in_another_case_beside_the_settings_is_told_to_merge(
    tmp_path: Path,
) -> None:
    (tmp_path / "settings.yaml").write_text("account: acc\n")
    (tmp_path / "Settings.YML").write_text("protected: [a@example.com]\n")
    result = validate(tmp_path)
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path}/Settings.YML:1: {READ}, and settings.yaml exists too: merge this file "
        "into it (keep one settings file)"
    )
