"""Where a room, a channel and a meeting share a name, `--target`'s "did you mean" and
shell completion offer the kind-qualified forms that plan accepts, never the bare name
that is refused as naming several kinds (QA-HJ Q-HJ-5). The real CLI and the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_target_kind_qualified import shared

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["shared"]  # the fixture, imported for these tests

FORMS = ["channel:incident-chat", "meeting:incident-chat", "room:incident-chat"]


def completed(workdir: Path, word: str) -> list[str]:
    env = {
        **os.environ,
        "_CHIME_RECONCILER_COMPLETE": "bash_complete",
        "COMP_WORDS": f"chime-reconciler --desired desired-state plan --target {word}",
        "COMP_CWORD": "5",
    }
    run = subprocess.run(
        [sys.executable, "-m", "reconciler"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line.partition(",")[2] for line in run.stdout.splitlines()]


def test_did_you_mean_offers_a_value_plan_accepts(shared: EmulatorServer, cli: Any) -> None:
    typo = cli("plan", "--target", "Room:incident-chat")
    assert typo.exit_code == 1
    assert typo.lines[0].startswith(
        "Error: --target: no target named 'Room:incident-chat' is declared "
        "(did you mean 'room:incident-chat'?)"
    )
    assert cli("plan", "--target", "room:incident-chat").exit_code == 0


def test_completion_offers_the_qualified_forms(shared: EmulatorServer, workdir: Path) -> None:
    every = completed(workdir, "")
    assert "incident-chat" not in every
    assert [w for w in every if ":" in w] == FORMS
    assert completed(workdir, "channel:") == ["channel:incident-chat"]


def test_the_start_of_a_shared_name_completes_its_qualified_forms(
    shared: EmulatorServer, workdir: Path
) -> None:
    """QA-HL Q-HL-1: ``--target inc<TAB>`` completed nothing, as no qualified form starts
    with ``inc``."""
    assert completed(workdir, "inc") == FORMS
    assert completed(workdir, "incident-chat") == FORMS
    assert not any(completed(workdir, "incx"))  # nothing (an empty line)
