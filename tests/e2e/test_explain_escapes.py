"""`explain` shows names from files and live state with visible escapes (Q-H-12): a room
key with an escape sequence and U+202E, and a desired-state file whose name holds a
newline and ESC, reach neither the text (no raw control character, no forged line) nor
the JSON raw. Through the CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

NOW = ("--now", "2027-03-20")
ACCOUNT = "11111111-2222-3333-4444-555555555555"
ROOM = "ops\x1b[2J\u202eevil"
FILE = "web\nforged\x1b[31m.yaml"


@pytest.fixture
def hostile(seed: Any, write_desired: Any) -> None:
    seed(users=["alice"], rooms={"ops": [("alice", "Member")]})
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            FILE: 'rooms:\n  "ops\\e[2J\\u202eevil":\n'
            "    {id: room-ops, members: [alice@example.com]}\n",
        }
    )


def test_text_shows_room_and_file_names_escaped(hostile: None, cli: Any) -> None:
    run = cli(*NOW, "explain", "alice@example.com")
    assert run.exit_code == 0, run.stderr
    at = "desired-state/web\\nforged\\x1b[31m.yaml"
    assert run.lines == [
        "Explaining alice@example.com as of 2027-03-20T00:00:00Z.",
        "",
        f"# room ops\\x1b[2J\\u202eevil (account {ACCOUNT}, id room-ops)",
        f"  declared in {at}:2",
        "  role: Member",
        f"    Member at {at}:3",
        "  live: Member",
        "  plan: in sync: no change",
        "",
        (
            "Of the desired state's targets, alice@example.com is declared in 1 and live in 1 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]


def test_json_escapes_them_and_keeps_the_names(hostile: None, cli: Any) -> None:
    run = cli(*NOW, "explain", "alice@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert "\x1b" not in run.stdout and "\u202e" not in run.stdout
    [room] = json.loads(run.stdout)["targets"]  # the same values, escaped in the text
    assert (room["name"], room["paths"][0]["file"]) == (ROOM, f"desired-state/{FILE}")
