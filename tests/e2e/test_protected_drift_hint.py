"""A protected member (settings.yaml `protected:`) in a room without `prune: true` is drift,
as before (`plan --detailed-exitcode` exits 2, the counts are the same), but the hint no
longer says that `prune: true` removes it (QA round two, D16): pruning keeps it and lists it
as protected. Text, Markdown, JSON and a saved plan shown again; the CLI, the real boto3
client and the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ADOPT = "Resolve with `import --adopt` (into the files) or `prune: true`"


def desired(write_desired: Callable[..., Path], prune: bool = False) -> None:
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                protected: [glass@example.com]
                """,
            "rooms.yaml": f"""
                rooms:
                  releases:
                    prune: {str(prune).lower()}
                    administrators: [dave@example.com]
                """,
        }
    )


def seed(emulator: EmulatorServer, *others: tuple[str, str]) -> None:
    members = [("dave", "Administrator"), ("glass", "Administrator"), *others]
    emulator.reset(seed_doc(users=("dave", "glass", "erin"), rooms={"releases": members}))


def test_protected_drift_is_not_said_to_be_removed_by_prune(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, tmp_path: Path
) -> None:
    seed(emulator)
    desired(write_desired)
    run = cli("plan", "--detailed-exitcode")
    assert run.exit_code == 2  # still drift: the contract is unchanged
    assert run.lines == [
        f"# room releases (account {ACCOUNT}, id room-releases)",
        "    not in the desired state: glass@example.com (Administrator)",
        "",
        "Not in the desired state: 1 administrator in 1 room.",
        f"{ADOPT} (keeps it: settings.yaml protects it; it is then listed as protected, "
        "not as drift).",
        "",
        "No changes, but Chime has 1 member the desired state does not declare.",
    ]
    markdown = cli("plan", "--format", "markdown").stdout
    assert f"> {ADOPT} (keeps it: settings.yaml protects it;" in markdown
    doc = json.loads(cli("plan", "--format", "json").stdout)
    assert doc["drift"] == {"members": 1, "elevated": 1}
    [glass] = doc["targets"][0]["unmanaged"]
    assert (glass["member"], glass["protected"]) == ("glass@example.com", True)
    saved = cli("plan", "--out", str(tmp_path / "plan.json"))
    assert saved.exit_code == 0, saved.stdout + saved.stderr
    shown = cli("show", str(tmp_path / "plan.json"))
    assert shown.lines[4] == run.lines[4]
    # what the hint says: with prune, it is kept and listed as protected, not as drift
    desired(write_desired, prune=True)
    pruned = cli("plan", "--detailed-exitcode")
    assert pruned.exit_code == 0, pruned.stdout + pruned.stderr
    assert "    protected: glass@example.com (Administrator), left unchanged" in pruned.lines
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert emulator.backend.room_members(ACCOUNT, "room-releases") == {
        "uid-dave": "Administrator",
        "uid-glass": "Administrator",
    }


def test_protected_and_unprotected_drift_together(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator, ("erin", "Member"))
    desired(write_desired)
    run = cli("plan", "--detailed-exitcode")
    assert run.exit_code == 2
    assert run.lines[-4:-2] == [
        "Not in the desired state: 1 administrator, 1 member in 1 room.",
        f"{ADOPT} (removes them, but keeps the 1 that settings.yaml protects).",
    ]
    desired(write_desired, prune=True)
    pruned = cli("plan")
    assert pruned.exit_code == 0, pruned.stdout + pruned.stderr
    assert pruned.lines[1:3] == [
        "  - erin@example.com (Member)",
        "    protected: glass@example.com (Administrator), left unchanged",
    ]
