"""`audit` on a terminal (QA-FK Q-FK-7): the channels' and meetings' sections are tables
fitted to its width as the rooms' table is, wrapped and never cut (a NOTE was ``decla…``
at 60 columns, and the channel rows ~120 columns wide, broken mid-word by the terminal).
This repository's example (desired-state/, the demo seed) and a meeting, each run as a
child on a pseudo-terminal of 80 and 60 columns."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import WriteDesired
from rich.cells import cell_len
from test_cli_terminal import on_pty, plain

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
MEETING = "6f1c2a9e-0000-4000-8000-000000000031"


def _column(table: list[str], name: str) -> str:
    """The text of the column ``name`` of a terminal table (its header first), cells
    joined, without white space: a word folded over two lines reads whole."""
    names = [cell.strip() for cell in table[0].split("┃")]
    at = names.index(name)
    cells = [line.split("│")[at] for line in table[2:] if "│" in line]
    return "".join("".join(cells).split())


@pytest.mark.parametrize("columns", [80, 60])
def test_the_channels_section_fits_the_terminal(
    emulator: EmulatorServer, cli: Any, workdir: Path, columns: int
) -> None:
    emulator.reset(load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"))
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state")
    lines = plain(on_pty(cli, ["--no-color", "audit", "dave@example.com"], columns))
    assert all(cell_len(line) <= columns for line in lines), [
        line for line in lines if cell_len(line) > columns
    ]
    assert not any("…" in line for line in lines)  # nothing cut
    at = lines.index("dave@example.com in Chime SDK messaging channels:")
    section = [line for line in lines[at + 1 :] if line]
    assert "┃" in section[0] and "CHANNEL" in section[0]  # a table, as the rooms'
    assert "declared,notinChime:planaddsit" in _column(section, "NOTE")
    assert "Moderatorvia@sre-leadsat" in _column(section, "WHERE")


def test_the_meetings_section_fits_the_terminal(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Any
) -> None:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "m31",
                    "attendees": [{"external_user_id": "a@example.com"}],
                }
            ]
        }
    )
    write_desired(
        {
            "m.yaml": f"meetings:\n  m:\n    meeting_id: {MEETING}\n"
            "    attendees: {a@example.com: viewer}\n"
        }
    )
    lines = plain(on_pty(cli, ["--no-color", "audit", "a@example.com"], 60))
    assert all(cell_len(line) <= 60 for line in lines)
    at = lines.index("a@example.com in meetings:")
    assert "┃" in lines[at + 1]
    note = _column([line for line in lines[at + 1 :] if line], "NOTE")
    assert "planchangesthecapabilitiestoaudioReceive,videoReceive,contentReceive" in note


@pytest.mark.parametrize("columns", [40, 50])
def test_a_narrow_terminal_shows_each_room_as_a_block(
    emulator: EmulatorServer, cli: Any, workdir: Path, columns: int
) -> None:
    """QA-HE Q-HE-3: at 40 columns the table kept ``Administrator`` whole and left the
    ROOM, NOTE and WHERE columns no width (no room named at all); at 50 its headers were
    cut (``ROO``/``M``). Too narrow for a table, each row is a block: the room, its id,
    then each column's header and value."""
    emulator.reset(load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"))
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state")
    lines = plain(on_pty(cli, ["--no-color", "audit", "dave@example.com"], columns))
    assert all(cell_len(line) <= columns for line in lines)
    assert not any("┃" in line or "│" in line for line in lines)  # no squeezed table
    at = lines.index("Leadership")
    assert lines[at + 1 : at + 5] == [
        "  ROOM ID: room-leadership",
        "  LIVE: Administrator",
        "  DECLARED: Administrator",
        "  NOTE: declared",
    ]
    where = "".join(line.strip() + " " for line in lines[at + 5 : at + 8])
    assert "WHERE: Administrator via @leads > @sre-leads at" in where
    assert "desired-state/teams/sre/sre.yaml:6" in where
    assert "incident-response" in lines and "incident-chat" in lines
