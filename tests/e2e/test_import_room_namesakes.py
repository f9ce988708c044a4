"""import --out where two live rooms of an account share a name and the directory declares
that name by name (QA-LD Q-LD-7): the entry declares neither (the plan refuses it), but
import said "Left 2 rooms as they are, declared already: ops (...:2), ops (...:2)", wrote
neither, and exited 0. Now, as for channels (Q-FP-11), both are written with `id:` and a
label, the entry is named to be removed, and no `No changes.` is promised. The real CLI
against the emulator over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def _seed() -> dict[str, Any]:
    users = [
        {"id": "u-a", "email": "alice@example.com"},
        {"id": "u-b", "email": "bob@example.com"},
        {"id": "u-c", "email": "carol@example.com"},
    ]
    rooms = [
        ("r-ops1", "ops", ["alice@example.com", "carol@example.com"]),
        ("r-ops2", "ops", ["bob@example.com"]),
    ]
    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "E",
                "users": users,
                "rooms": [
                    {"id": rid, "name": name, "memberships": [{"member": w} for w in who]}
                    for rid, name, who in rooms
                ],
            }
        ]
    }


NOTE = (
    "Note: desired-state/ops.yaml:2: room ops is declared by name, and 2 rooms of account "
    f"{ACCOUNT} have that name (r-ops1, r-ops2): it declares none of them, {{}}. Remove that "
    "entry (or give it the id: of a room written and delete that room's new file) before plan."
)
NEXT = "Next: fix the entries named above, then: chime-reconciler --desired desired-state plan"


def _rooms(workdir: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for f in sorted((workdir / "desired-state" / "rooms").glob("*.yaml")):
        found |= yaml.safe_load(f.read_text(encoding="utf-8"))["rooms"]
    return found


@pytest.fixture
def ops(emulator: EmulatorServer, write_desired: WriteDesired) -> Path:
    emulator.reset(_seed())
    return write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "ops.yaml": "rooms:\n  ops:\n    members: [alice@example.com]\n",
        }
    )


def test_an_entry_by_a_shared_room_name_declares_neither_and_both_are_written(
    ops: Path, cli: Cli, workdir: Path
) -> None:
    plan = cli("plan")  # what the plan says of that entry
    assert "2 Chime rooms named ops in account" in plan.stderr + plan.stdout
    run = cli("import", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert not any(line.startswith("Left ") for line in run.lines), run.lines
    assert NOTE.format("so both are written, each with its own id:") in run.lines
    assert not any("No changes" in line for line in run.lines), run.lines
    assert run.lines[-1] == NEXT
    assert _rooms(workdir) == {
        "ops (r-ops1)": {
            "id": "r-ops1",
            "administrators": [],
            "members": ["alice@example.com", "carol@example.com"],
        },
        "ops (r-ops2)": {"id": "r-ops2", "administrators": [], "members": ["bob@example.com"]},
    }
    (ops / "ops.yaml").unlink()  # as the note says
    after = cli("plan", "--detailed-exitcode")
    assert after.exit_code == 0, after.stdout + after.stderr
    assert after.stdout.splitlines()[-1] == "No changes. Chime memberships match the desired state."


def test_with_room_by_id_only_that_room_is_written_and_the_entry_named(
    ops: Path, cli: Cli, workdir: Path
) -> None:
    run = cli("import", "--room", "r-ops2", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert NOTE.format("so r-ops2 is written with its own id:") in run.lines
    assert run.lines[-1] == NEXT
    assert list(_rooms(workdir)) == ["ops (r-ops2)"]


def test_importing_again_with_both_declared_by_id_still_names_the_entry(
    ops: Path, cli: Cli
) -> None:
    # QA-GE Q-GE-4: the entry is still in the way of the plan though no room is written
    # this time, so the note and the Next line that says so come again
    assert cli("import", "--out", "desired-state").exit_code == 0
    run = cli("import", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        "Note: desired-state/ops.yaml:2: room ops is declared by name, and 2 rooms of account "
        f"{ACCOUNT} have that name (r-ops1, r-ops2): it declares none of them, and each is "
        "declared by id: already. Remove that entry before plan."
    ) in run.lines, run.lines
    assert not any("No changes" in line for line in run.lines), run.lines
    assert run.lines[-1] == NEXT
    plan = cli("plan")  # which the plan refuses, as said
    assert "2 Chime rooms named ops in account" in plan.stderr + plan.stdout


def test_the_notes_other_way_gives_a_valid_directory(ops: Path, cli: Cli, workdir: Path) -> None:
    """Q-GF-4: the Note's alternative "(or give it one room's id:)" gave an invalid
    directory, the room being written with that id: in its new file too ("room id 'r-ops1'
    is already declared"); now it says to delete that room's new file, which gives a
    valid one."""
    assert cli("import", "--out", "desired-state").exit_code == 0
    (ops / "ops.yaml").write_text(
        "rooms:\n  ops:\n    id: r-ops1\n    members: [alice@example.com]\n", encoding="utf-8"
    )
    (new,) = [
        f for f in (ops / "rooms").glob("*.yaml") if "id: r-ops1" in f.read_text(encoding="utf-8")
    ]
    new.unlink()  # as the note says now
    validated = cli("validate")
    assert validated.exit_code == 0, validated.stdout + validated.stderr
