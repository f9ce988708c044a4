"""import with the demo's desired state, whose one channel is declared already: with --out,
no empty `channels: {}` file, and it says the channel was left as it is (as it says for
rooms); a preview to stdout has the channel, as it has the rooms declared already. The
real CLI against the emulator seeded with reconciler/demo/seed.yaml."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
LEFT = "Left 1 channel as it is, declared already: incident-chat (desired-state/chat.yaml:4)."


@pytest.fixture
def demo(emulator: EmulatorServer, workdir: Path) -> Path:
    emulator.reset(load_seed(ROOT / "reconciler" / "demo" / "seed.yaml"))
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state")
    return workdir / "desired-state"


def test_import_into_a_directory_declaring_the_channel_writes_no_channel_file(
    demo: Path, cli: Any
) -> None:
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert not (demo / "channels").exists()
    assert not any("channel file" in line for line in run.lines)
    assert run.lines[2:4] == [  # after the rooms left as they are
        LEFT,
        "Next: chime-reconciler --desired desired-state plan   (expect: no changes to the "
        "rooms written)",
    ]


def test_import_preview_prints_declared_channels_as_it_prints_declared_rooms(
    demo: Path, cli: Any
) -> None:
    """Q-M-3: a preview to stdout left out incident-chat ("Left 1 channel as it is") but
    printed the rooms the files declare already; README: channels are left "as rooms are",
    and rooms are left only with --out DIR. The preview now has both kinds, declared or not,
    and names nothing as left."""
    run = cli(*UNPACED, "import")
    assert run.exit_code == 0, run.stderr
    doc = yaml.safe_load(run.stdout)
    assert {"incident-response", "watercooler"} <= set(doc["rooms"])  # declared, and not
    assert list(doc["channels"]) == ["incident-chat"]  # declared in chat.yaml
    assert doc["channels"]["incident-chat"]["members"] == [
        "alice@example.com",
        "mallory@example.com",
    ]
    assert not any(line.startswith("Left ") for line in run.err_lines), run.err_lines


def test_import_of_a_room_by_name_imports_that_room_only_and_reads_no_channel(
    demo: Path, cli: Any, calls: Callable[[], dict[str, int]]
) -> None:
    """--room is "only this room" (--help): no channel is read, named or written, though
    settings.yaml names an app instance (it read and named them all before)."""
    run = cli(*UNPACED, "import", "--room", "watercooler")
    assert run.exit_code == 0, run.stderr
    assert "channel" not in run.stdout + run.stderr
    assert run.stdout.startswith("# Imported from Chime") and "watercooler" in run.stdout
    written = cli(*UNPACED, "import", "--room", "watercooler", "--out", "imported")
    assert written.exit_code == 0, written.stderr
    assert "channel" not in written.stdout + written.stderr
    assert sorted(p.name for p in Path("imported").iterdir()) == ["rooms", "settings.yaml"]
    made = calls()
    assert not any("Channel" in op or "AppInstance" in op for op in made), made
    everything = cli(*UNPACED, "import")  # without --room: the channels too
    assert "\nchannels:\n  incident-chat:\n" in everything.stdout
    assert calls()["ListChannels"] == 2  # PUBLIC, then PRIVATE


ACCOUNT = "11111111-2222-3333-4444-555555555555"
ROOMS = f"5 rooms (20 memberships; 1 webhook left out) from account {ACCOUNT}"
CHANNEL = "1 channel (3 memberships, 1 moderator; the bearer left out) from 1 app instance"


def test_import_counts_the_channels_it_imports_with_the_rooms(demo: Path, cli: Any) -> None:
    """QA-FK Q-FK-4: the summary counted the rooms only, though stdout had the channel too;
    with --out the channel's own line came first and counted nothing it imported."""
    run = cli(*UNPACED, "import")
    assert run.exit_code == 0, run.stderr
    assert run.err_lines == [f"Imported {ROOMS} and {CHANNEL}."]
    fresh = Path("fresh")
    fresh.mkdir()
    shutil.copy(demo / "settings.yaml", fresh / "settings.yaml")
    written = cli(*UNPACED, "--desired", "fresh", "import", "--out", "fresh")
    assert written.exit_code == 0, written.stderr
    assert written.lines[0] == (
        f"Imported {ROOMS} and {CHANNEL}. Wrote 5 room files under fresh (kept "
        "fresh/settings.yaml) and 1 channel file (fresh/channels/chat.yaml)."
    )
    assert not any(line.startswith("Wrote ") for line in written.lines)


def test_import_room_naming_a_channel_says_rooms_only(demo: Path, cli: Any) -> None:
    """QA-FK Q-FK-6: `import --room incident-chat` (a channel the desired state declares)
    said only that no room has that name. The closest room is offered too (QA-LF
    Q-LF-3), as for any name no room has."""
    run = cli(*UNPACED, "import", "--room", "incident-chat")
    assert (run.exit_code, run.stdout, run.err_lines) == (
        1,
        "",
        [
            f"Error: no Chime room named 'incident-chat' in account {ACCOUNT}: ListRooms lists "
            "none of that name or id (names and ids are matched exactly, case included: did "
            "you mean 'incident-response'?): --room imports "
            "rooms only; the channels are imported by `import` without --room"
        ],
    )
