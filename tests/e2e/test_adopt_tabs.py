"""QA HE Q-HE-5: ``import --adopt`` re-parsed the files with PyYAML's pure-Python
parser, which refuses a tab that the loader (libyaml) takes before a comment; validate and
plan read the file, plan even said to run ``import --adopt``, which then failed with
PyYAML's five lines. It now parses as the loader does."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ACCOUNT, Cli, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def test_adopt_into_a_file_with_a_tab_before_a_comment(
    emulator: EmulatorServer, write_desired: Any, cli: Cli
) -> None:
    emulator.reset(
        seed_doc(
            users=("alice", "bob", "mallory"),
            rooms={"ops": [("alice", "Administrator"), ("mallory", "Member")]},
        )
    )
    root = write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprune: false\n",
            "rooms.yaml": "rooms:\n  ops:\n    administrators: [alice@example.com]\t# boss\n"
            "    members: [bob@example.com]\n",
        }
    )
    assert "Resolve with `import --adopt`" in cli("plan").stdout
    run = cli("import", "--adopt")
    assert run.exit_code == 0, run.stderr
    assert "  rooms.yaml:4: members += mallory@example.com" in run.stdout.replace(
        "desired-state/", ""
    )
    assert (root / "rooms.yaml").read_text(encoding="utf-8") == (
        "rooms:\n  ops:\n    administrators: [alice@example.com]\t# boss\n"
        "    members: [bob@example.com, mallory@example.com]\n"
    )


def test_adopt_into_a_file_that_starts_with_a_byte_order_mark(
    emulator: EmulatorServer, write_desired: Any, cli: Cli
) -> None:
    """QA HK Q-HK-4: libyaml skips a leading BOM without counting it, so every offset
    was one short and adopt refused the file as its own bug; a Windows editor's file is
    adopted into like any other, and keeps its BOM."""
    emulator.reset(
        seed_doc(
            users=("alice", "bob", "mallory"),
            rooms={"ops": [("alice", "Administrator"), ("mallory", "Member")]},
        )
    )
    root = write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nprune: false\n",
            "rooms.yaml": "rooms:\n  ops:\n    administrators: [alice@example.com]\n"
            "    members: [bob@example.com]\n",
        }
    )
    rooms = root / "rooms.yaml"
    rooms.write_bytes(b"\xef\xbb\xbf" + rooms.read_bytes())
    run = cli("import", "--adopt")
    assert (run.exit_code, run.stderr) == (0, "")
    assert "  rooms.yaml:4: members += mallory@example.com" in run.stdout.replace(
        "desired-state/", ""
    )
    assert rooms.read_bytes() == (
        b"\xef\xbb\xbfrooms:\n  ops:\n    administrators: [alice@example.com]\n"
        b"    members: [bob@example.com, mallory@example.com]\n"
    )
    assert "not in the desired state" not in cli("plan").stdout
