"""demo's apply step prints what the command it names prints, typed by a person against
the same Chime and desired state (QA-EH Q-EH-3): it printed nothing when there was nothing
to change, and only the outcome, under `apply --auto-approve`, which prints the plan too.
The step is `apply --auto-approve --quiet` (the plan is the one printed above it)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).parents[2]
SEED = ROOT / "reconciler" / "demo" / "seed.yaml"
APPLY = "$ chime-reconciler apply --auto-approve --quiet"


def _apply_step(demo: Any) -> list[str]:
    """The lines demo printed under its apply step's heading (its blank line aside)."""
    assert demo.exit_code == 0, demo.stderr
    lines = demo.lines
    start = lines.index(APPLY)
    end = lines.index("$ chime-reconciler plan", start)
    assert lines[start + 1] == "" and lines[end - 1] == ""
    return lines[start + 2 : end - 1]


def _typed(emulator: EmulatorServer, cli: Any) -> list[str]:
    """``apply --auto-approve --quiet`` typed against the demo's seed."""
    emulator.reset(load_seed(SEED))
    run = cli("apply", "--auto-approve", "--quiet")
    assert (run.exit_code, run.stderr) == (0, "")
    return run.lines


def test_demo_apply_step_prints_what_apply_prints_with_changes(
    emulator: EmulatorServer, workdir: Path, cli: Any
) -> None:
    shutil.copytree(ROOT / "desired-state", workdir / "desired-state")
    shown = _apply_step(cli.raw("--desired", "desired-state", "demo"))
    assert shown == ["Apply complete! Memberships: 7 added, 3 changed, 3 removed."]
    assert shown == _typed(emulator, cli)


def test_demo_apply_step_with_nothing_to_change_prints_what_apply_prints(
    emulator: EmulatorServer, workdir: Path, cli: Any
) -> None:
    emulator.reset(load_seed(SEED))
    imported = cli("import", "--out", "desired-state")  # a desired state in sync with it
    assert imported.exit_code == 0, imported.stderr
    demo = cli.raw("--desired", "desired-state", "demo", "--seed", str(SEED))
    shown = _apply_step(demo)
    assert shown == ["No changes. Chime memberships match the desired state."]
    assert shown == _typed(emulator, cli)
