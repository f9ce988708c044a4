"""What `import --help` says of `prune:` is what import does with it: `--prune` writes
`prune: true` in the channel files too (QA-LF Q-LF-1: "in every room"). The real CLI and
boto3 against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED
from import_refresh import SETTINGS, seed

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
