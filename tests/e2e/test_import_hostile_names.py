"""`import` prints live values only through render/safe.py: a room name with an escape
sequence, a carriage return, a line break or U+202E reaches the terminal as visible
escapes, and the YAML it writes reads back as the same name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reconciler.channel_import import ImportedChannel, channels_document
from reconciler.cli.main import cli
from reconciler.emulator import EmulatorServer
from reconciler.importer import scalar

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
EVIL = "ops\x1b[2J\r\u202eevil\nRoom"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]")
ENV = {"CHIME_RECONCILER_RETRY_BASE_MS": "1", "CHIME_RECONCILER_RETRY_CAP_MS": "5"}


@pytest.fixture
def hostile(emulator: EmulatorServer) -> EmulatorServer:
    member = [{"member": "u0@example.com", "role": "Administrator"}]
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACC,
                    "name": "Corp",
                    "users": [{"id": "uid-0", "email": "u0@example.com"}],
                    "rooms": [
                        {"id": "r-evil", "name": EVIL, "memberships": member},
                        {"id": "r-web", "name": "web", "memberships": member},
                    ],
                }
            ]
        }
    )
    return emulator


def run(emulator: EmulatorServer, desired: Path, *args: str) -> Any:
    argv = ["--endpoint-url", emulator.url, "--desired", str(desired), *args]
    return CliRunner(env=ENV).invoke(cli, argv, catch_exceptions=False)


def test_import_to_stdout_writes_hostile_names_escaped_and_reads_them_back(
    hostile: EmulatorServer, tmp_path: Path
) -> None:
    result = run(hostile, tmp_path / "none", "import", "--account", ACC)
    assert result.exit_code == 0, result.stderr
    assert not RAW.search(result.stdout + result.stderr)
    assert set(yaml.safe_load(result.stdout)["rooms"]) == {EVIL, "web"}


def test_import_lists_the_rooms_it_leaves_with_visible_escapes(
    hostile: EmulatorServer, tmp_path: Path
) -> None:
    out = tmp_path / "desired-state"
    first = run(hostile, out, "import", "--account", ACC, "--out", str(out))
    assert first.exit_code == 0, first.stderr
    again = run(hostile, out, "import", "--account", ACC, "--out", str(tmp_path / "desired-state"))
    assert again.exit_code == 0, again.stderr
    assert not RAW.search(again.stdout + again.stderr)
    assert "ops\\x1b[2J\\r\\u202eevil\\nRoom (" in again.stdout


def test_scalars_and_comments_with_format_characters_are_escaped_and_read_back() -> None:
    for text in (EVIL, "a\u202eb", "tab\there", "plain name", "caf\u00e9"):
        written = scalar(text)
        assert not RAW.search(written)
        assert yaml.safe_load(f"k: {written}")["k"] == text
    assert scalar("caf\u00e9") == "caf\u00e9"  # letters stay as they are
    doc = channels_document(
        [ImportedChannel(EVIL, "arn:aws:chime:us-east-1:1:app-instance/a/channel/c", (), (), True)],
        "arn:aws:chime:us-east-1:1:app-instance/a",
        None,
    )
    assert not RAW.search(doc)
    assert yaml.safe_load(doc) == {"channels": {}}  # the name stays in its comment line


def test_ids_that_are_numbers_to_yaml_1_2_are_quoted_so_import_then_plan_has_no_changes(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    """QA-EZ Q-EZ-1: the desired state reads numbers as YAML 1.2 does, but `import` chose
    plain or quoted by PyYAML's YAML 1.1 dumper, so a room id `1e3` or `0o17` was written
    plain, read back as 1000.0 or 15, and the files it wrote failed to load."""
    member = [{"member": "u0@example.com", "role": "Administrator"}]
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACC,
                    "name": "Corp",
                    "users": [{"id": "uid-0", "email": "u0@example.com"}],
                    "rooms": [
                        {"id": room_id, "name": "ops", "memberships": member}
                        for room_id in ("1e3", "0o17", "1.0e3")
                    ],
                }
            ]
        }
    )
    desired = tmp_path / "ds"
    imported = run(emulator, tmp_path / "none", "import", "--account", ACC, "--out", str(desired))
    assert imported.exit_code == 0, imported.output
    assert 'id: "1e3"  # name: ops' in (desired / "rooms" / "ops-1e3.yaml").read_text()

    planned = run(emulator, desired, "plan", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.stdout
