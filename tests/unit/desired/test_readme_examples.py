"""The README's desired-state examples work as written: copied into a fresh directory,
split into their files at their `# desired-state/FILE` headings, `validate` accepts them
(Q-CY-3, Q-CY-4), and a message the README quotes for them is the one the tool prints
(Q-CY-5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

README = (Path(__file__).resolve().parents[3] / "README.md").read_text()
HEADING = re.compile(r"^# (?:desired-state/)?(\S+\.yaml)(?:\s|$)")  # a file's first line
NOW = "2027-01-15"  # before every `until:` of the examples: no expiry warnings either way


def example(holding: str) -> str:
    """The text of the one README ```yaml block that holds this text."""
    blocks = re.findall(r"^```yaml\n(.*?)^```$", README, flags=re.M | re.S)
    (found,) = [b for b in blocks if holding in b]
    return str(found)


def files_of(block: str) -> dict[str, str]:
    """The block's files, by their path in desired-state/, each from its heading on."""
    files: dict[str, str] = {}
    name = ""
    for line in block.splitlines(keepends=True):
        heading = HEADING.match(line)
        if heading:
            name = heading.group(1)
        assert name, f"no file heading before: {line}"
        files[name] = files.get(name, "") + line
    return files


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "desired-state" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def validate(root: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(root)  # messages name desired-state/..., as in the README
    return CliRunner().invoke(
        cli, ["--now", NOW, "--desired", "desired-state", "validate"], catch_exceptions=False
    )


FIRST_SETTINGS = "# desired-state/settings.yaml (optional;"
FIRST_FILE = "# desired-state/teams/sre/sre.yaml (any other file"


def test_the_first_example_validates_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, files_of(example(FIRST_SETTINGS)) | files_of(example(FIRST_FILE)))

    result = validate(tmp_path, monkeypatch)

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Desired state is valid: 3 rooms, 9 memberships in 2 files.\n"


def test_the_governance_example_validates_beside_the_first_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # its settings.yaml holds the governance keys only: beside account: and the others
    files = files_of(example("require_reason: true"))
    first = files_of(example(FIRST_SETTINGS))["settings.yaml"]
    files["settings.yaml"] = first + files["settings.yaml"]
    write(tmp_path, files)

    result = validate(tmp_path, monkeypatch)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Desired state is valid: 1 room, 5 memberships in 2 files.\n"


def test_the_governance_example_s_max_grant_days_refuses_grants_without_until_as_it_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = files_of(example("require_reason: true"))
    first = files_of(example(FIRST_SETTINGS))["settings.yaml"]
    on = files["settings.yaml"].replace("# max_grant_days: 90 ", "max_grant_days: 90 ", 1)
    assert "(as @sre's below)" in on
    files["settings.yaml"] = first + on
    write(tmp_path, files)

    result = validate(tmp_path, monkeypatch)

    assert result.exit_code == 1
    assert "dave@example.com has no `until:`" in result.stderr


def test_the_channel_restriction_message_quoted_is_the_one_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the README's restrictions.yaml, and channel 'ops' in teams/web/chat.yaml, a name
    # its rule does not allow
    write(
        tmp_path,
        {
            "restrictions.yaml": example('restrictions:\n  - {path: "teams/sre/**"'),
            "settings.yaml": "app_instances:\n  chat: {arn: "
            '"arn:aws:chime:us-east-1:111122223333:app-instance/chat", bearer: user:bot}\n',
            "teams/web/chat.yaml": "channels:\n  ops:\n    members: [alice@example.com]\n",
        },
    )

    result = validate(tmp_path, monkeypatch)

    assert result.exit_code == 1
    (message, _) = result.stderr.splitlines()
    assert message.startswith("desired-state/teams/web/chat.yaml:2: channels.ops: channel")
    assert f"`{message}`" in " ".join(README.split())  # as the README quotes it, wrapped
