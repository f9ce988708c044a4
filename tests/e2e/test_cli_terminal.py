"""Output on a real pseudo-terminal of 80 and 60 columns: plans fit the width, progress
shows only for a step that takes noticeable time, labelled, and --no-color / NO_COLOR
drop every cursor movement."""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")
CURSOR = re.compile(r"\x1b\[\?25[lh]|\x1b\[\d*[AK]|\x1b\[2K")  # hide/show, up, erase line


def on_pty(cli: Any, args: list[str], columns: int, env: dict[str, str] | None = None) -> str:
    """``python -m reconciler ARGS`` with stdout and stderr on a terminal of ``columns``
    columns (stdin: /dev/null); everything it wrote, escape sequences included."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    environ = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "CI")}
    environ.update({"TERM": "xterm-256color", **(env or {})})
    child = subprocess.Popen(
        [sys.executable, "-m", "reconciler", *cli.argv(args)],
        cwd=cli.workdir,
        env=environ,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError as exc:  # EIO: the child closed the terminal
                if exc.errno != errno.EIO:
                    raise
                break
            if not data:
                break
            chunks.append(data)
        child.wait(timeout=60)
    finally:
        os.close(master)
        if child.poll() is None:
            child.kill()
    return b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def plain(output: str) -> list[str]:
    return [ANSI.sub("", line).rstrip() for line in output.replace("\r", "\n").split("\n")]


def test_a_plan_fits_80_columns_as_printed_everywhere(ops: Any, cli: Any) -> None:
    output = on_pty(cli, ["plan"], 80)
    lines = plain(output)
    assert all(len(line) <= 80 for line in lines)
    assert [line for line in lines if line] == [line for line in ops.plan if line]


def test_at_60_columns_headers_put_their_details_on_the_next_line(ops: Any, cli: Any) -> None:
    lines = [line for line in plain(on_pty(cli, ["plan"], 60)) if line]
    assert all(len(line) <= 60 for line in lines)
    assert lines == [
        "# room incident",
        f"    account {ACCOUNT},",
        "    id room-incident",
        "  + bot:PagerBot (Member)",
        "  + dave@example.com (Member)",
        "  ~ alice@example.com: Member -> Administrator",
        "  - carol@example.com (Member)",
        "    unmanaged: webhook:Alerts (Member)",
        "    protected: bob@example.com (Administrator), left",
        "      unchanged",
        "# room releases",
        f"    account {ACCOUNT},",
        "    id room-releases",
        "  + frank@example.com (Member)",
        "    not in the desired state: erin@example.com (Member)",
        "1 room unchanged.",
        "Not in the desired state: 1 member in 1 room.",
        "Resolve with `import --adopt` (into the files) or `prune:",
        "  true` (removes them).",
        "Plan: 3 to add, 1 to change, 1 to remove.",
    ]


@pytest.mark.parametrize("env", [{}, {"COLUMNS": "60"}])
def test_a_dumb_terminal_s_width_is_its_own_or_columns(
    ops: Any, cli: Any, env: dict[str, str]
) -> None:
    """QA-HE Q-HE-8: with TERM=dumb rich took every terminal as 80 columns, whatever the
    terminal or COLUMNS said: the plan's headers were not fitted to 60."""
    columns = 80 if env else 60
    lines = plain(on_pty(cli, ["plan"], columns, {"TERM": "dumb", **env}))
    assert all(len(line) <= 60 for line in lines)
    assert lines[:3] == ["# room incident", f"    account {ACCOUNT},", "    id room-incident"]


def test_long_lines_wrap_at_words_on_a_terminal_and_stay_whole_in_a_pipe(
    ops: Any, cli: Any, write_desired: Any
) -> None:
    write_desired(
        {
            "rooms.yaml": f"rooms:\n  quiet:\n    account: '{ACCOUNT}'\n"
            "    administrators: [frank@example.com, nobody@example.com]\n"
        }
    )
    lines = plain(on_pty(cli, ["plan"], 60))
    assert all(len(line) <= 60 for line in lines)
    error = [line for line in lines if line.startswith("Error:")]
    index = lines.index(error[0])
    assert lines[index : index + 3] == [
        "Error: desired-state/rooms.yaml:4: no Chime user with e-mail",
        "  nobody@example.com in account",
        f"  {ACCOUNT}",
    ]
    piped = cli("plan")
    assert (
        f"Error: desired-state/rooms.yaml:4: no Chime user with e-mail nobody@example.com "
        f"in account {ACCOUNT}"
    ) in piped.lines  # a file gets whole lines


def test_a_quick_plan_shows_no_progress(ops: Any, cli: Any) -> None:
    output = on_pty(cli, ["plan"], 80)
    assert "Reading memberships" not in output
    assert not CURSOR.search(output)


def test_a_slow_step_shows_a_labelled_bar(ops: Any, cli: Any) -> None:
    ops.emulator.set_faults(latency_ms=250)
    output = on_pty(cli, ["--parallelism", "1", "apply", "--auto-approve"], 80)
    assert "Reading memberships" in output
    assert "Applying changes" in output  # verification re-reads each room meanwhile
    assert CURSOR.search(output)  # a live bar, redrawn in place
    assert "Apply complete! Memberships: 3 added, 1 changed, 1 removed." in plain(output)


def test_a_slow_audit_shows_a_labelled_bar(ops: Any, cli: Any) -> None:
    # Q-AD-2: audit reads every room the member is in, as plan reads its rooms
    ops.emulator.set_faults(latency_ms=700)  # the room's listing outlasts the bar's delay
    output = on_pty(cli, ["audit", "bob@example.com"], 80)
    assert "Listing the member's rooms" in output  # ListRooms' pages: a step of its own
    assert "Reading memberships" in output
    assert CURSOR.search(output)  # a live bar, redrawn in place
    assert any("incident" in line and "Administrator" in line for line in plain(output))


@pytest.mark.parametrize("how", ["--no-color", "NO_COLOR", "TERM=dumb"])
def test_no_color_drops_cursor_movement_and_says_what_took_time_in_plain_lines(
    how: str, ops: Any, cli: Any
) -> None:
    """TERM=dumb is run as NO_COLOR (QA-HE Q-HE-8: a slow step left only an empty line
    on stderr, rich drawing no bar there and the plain line not written)."""
    ops.emulator.set_faults(latency_ms=250)
    args = ["--parallelism", "1", "apply", "--auto-approve"]
    env = {"NO_COLOR": "1"} if how == "NO_COLOR" else {"TERM": "dumb"} if "=" in how else {}
    output = on_pty(cli, [how, *args] if how.startswith("--") else args, 80, env)
    assert "\x1b[" not in output  # no colour and no cursor movement at all
    steps = [line.split(" in ")[0] for line in plain(output) if " in " in line and ": " in line]
    assert "Reading memberships: 3/3" in steps
    assert "Applying changes: 5/5" in steps
    assert "Apply complete! Memberships: 3 added, 1 changed, 1 removed." in plain(output)


def test_no_color_set_empty_leaves_colour_on(ops: Any, cli: Any) -> None:
    """Q-P-5: an empty NO_COLOR is unset (no-color.org: "present and not an empty
    string"; as rich reads it, and as this tool reads every variable set empty)."""
    assert "\x1b[" in on_pty(cli, ["plan"], 80, {"NO_COLOR": ""})


def test_audit_table_is_usable_at_60_columns(ops: Any, cli: Any, workdir: Path) -> None:
    lines = plain(on_pty(cli, ["audit", "bob@example.com"], 60))
    assert all(len(line) <= 60 for line in lines)
    assert any("incident" in line and "Administrator" in line for line in lines)


@pytest.mark.parametrize("forcing", [{"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}])
def test_a_variable_that_forces_a_terminal_leaves_files_and_pipes_plain(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch, forcing: dict[str, str]
) -> None:
    """FORCE_COLOR and TTY_COMPATIBLE, often set for a whole CI job, made rich take a pipe
    for a terminal: colour, lines wrapped at its width and a progress bar in the log
    (QA-B Q-B-1). A terminal is the stream's own answer: piped, the plan is plain and
    whole, and a slow step draws no bar."""
    for name, value in {**forcing, "COLUMNS": "40"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CI", raising=False)
    ops.emulator.set_faults(latency_ms=300)  # reading takes over the bar's half second
    run = cli("--parallelism", "1", "plan")
    assert run.exit_code == 0
    assert "\x1b" not in run.stdout + run.stderr
    assert run.lines == ops.plan  # whole lines, not wrapped at 40 columns
    assert run.stderr == ""


WIDE_BOT = "長い名前のボット" * 5  # 40 characters, 80 columns
WIDE_ROOMS = ("plain-room", "日本語チーム", "e\u0301e\u0301-combining", "会議室" * 12)


@pytest.fixture
def wide_names(seed: Any, write_desired: Any) -> None:
    """Rooms and a bot whose names take more columns than characters (CJK: two each) or
    fewer (a combining accent: none)."""
    seed(
        users=("alice", "bob"),
        bots=(WIDE_BOT,),
        rooms={name: [("alice", "Administrator")] for name in WIDE_ROOMS},
    )
    rooms = "".join(
        f"  {name}:\n    account: '{ACCOUNT}'\n    administrators: [alice@example.com]\n"
        f"    members: [bob@example.com, 'bot:{WIDE_BOT}']\n"
        for name in WIDE_ROOMS
    )
    write_desired({"rooms.yaml": f"rooms:\n{rooms}"})


def test_wide_names_are_cut_to_the_terminal_by_columns(wide_names: None, cli: Any) -> None:
    """Q-P-2: a line was measured in characters, so a CJK name went past the edge (97
    columns on 60), where the terminal wrapped it without the hanging indent."""
    lines = [line for line in plain(on_pty(cli, ["plan"], 60)) if line]
    assert max(cell_len(line) for line in lines) <= 60
    at = lines.index("    bot:長い名前のボット長い名前のボット長い名前のボット長い")  # 60 columns
    assert lines[at - 1 : at + 2] == ["  +", lines[at], "    名前のボット長い名前のボット (Member)"]


def test_audit_columns_line_up_with_wide_names(wide_names: None, cli: Any) -> None:
    """Q-P-2: audit's plain table padded by characters: a row moved right one column per
    CJK character and left one per combining accent."""
    run = cli("audit", "alice@example.com")
    assert run.exit_code == 0, run.stderr
    header = next(line for line in run.lines if line.startswith("ROOM "))
    at = cell_len(header[: header.index("ROOM ID")])
    rows = [line for line in run.lines if any(line.startswith(n) for n in WIDE_ROOMS)]
    assert len(rows) == len(WIDE_ROOMS)
    for row in rows:
        cells = 0
        for i, char in enumerate(row):  # the character at display column ``at``
            if cells == at:
                assert row[i:].startswith("room-"), row
                break
            cells += cell_len(char)
        else:
            raise AssertionError(f"no column {at} in {row!r}")
