"""What `import --help` says of `prune:` is what import does with it: `--prune` writes
`prune: true` in the channel files too (QA-LF Q-LF-1: "in every room"), and `--force`
keeps a hand-written `prune: false` even where the refresh writes one itself (QA-LF
Q-LF-2: "a prune: ... the refresh would not write"). The real CLI and boto3 against the
emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED
from import_refresh import SETTINGS, kept_with_note, seed

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def _help(cli: Any) -> str:
    run = cli("import", "--help")
    assert run.exit_code == 0, run.stderr
    return " ".join(run.stdout.split())


def test_prune_writes_prune_true_in_every_room_and_channel_as_its_help_says(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(seed())
    desired = write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import", "--out", "desired-state", "--prune")
    assert run.exit_code == 0, run.stderr
    for written in ("rooms/ops.yaml", "channels/chat.yaml"):
        lines = (desired / written).read_text(encoding="utf-8").splitlines()
        assert "    prune: true" in lines, (written, lines)
    assert (
        "--prune Write `prune: true` in every room and channel it writes (`prune: false` "
        "where it leaves a member out), so that later plans remove undeclared members."
    ) in _help(cli)


def test_force_keeps_a_hand_written_prune_false_where_import_writes_one_as_its_help_says(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """Room ops has a bot import leaves out (two bots are named Pager), so import writes
    `prune: false` there itself, with its comment; the same line without that comment is
    a hand edit, kept by --force with a Note, as --help lists it."""
    seeded = seed()
    account = seeded["accounts"][0]
    account["bots"] = [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}]
    account["rooms"][0]["memberships"].append({"member": "b1"})
    emulator.reset(seeded)
    desired = write_desired({"settings.yaml": SETTINGS})
    assert cli(*UNPACED, "import", "--out", "desired-state").exit_code == 0
    ops = desired / "rooms" / "ops.yaml"
    edited = ops.read_text(encoding="utf-8").replace(
        "prune: false  # 1 member(s) left out below: pruning would remove them", "prune: false"
    )
    assert "    prune: false" in edited.splitlines()
    kept_with_note(cli, desired, "rooms/ops.yaml", edited, "the prune: of room ops")
    text = _help(cli)
    assert (
        "a group entry, a prune: false without import's comment, a prune: true without "
        "--prune, an id: (arn:) the refresh would not write under that key): it is kept"
    ) in text
    assert "the refresh would not write)" not in text
