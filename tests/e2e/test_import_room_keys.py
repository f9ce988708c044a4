"""The key `import` gives a room must be one the files can hold and plan can match:
a name two live rooms share gets `id:` even when `--room` picks only one of them
(Q-AQ-1), and a name longer than a key may be is written keyed by the room's id, with
`id:` (Q-AQ-3). Either way importing and then planning gives `No changes.`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import Cli, WriteDesired

from reconciler.desired.spec_base import MAX_NAME_LENGTH
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
NO_CHANGES = "No changes. Chime memberships match the desired state."
LONG = "Q3 planning " + "x" * 290


def _seed(*rooms: tuple[str, str, str]) -> dict[str, Any]:
    users = [{"id": "u-a", "email": "alice@example.com"}, {"id": "u-b", "email": "bob@example.com"}]
    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "E",
                "users": users,
                "rooms": [
                    {"id": rid, "name": name, "memberships": [{"member": who}]}
                    for rid, name, who in rooms
                ],
            }
        ]
    }


DUP = _seed(("r-dup1", "dup", "alice@example.com"), ("r-dup2", "dup", "bob@example.com"))


def _plans_no_changes(cli: Cli) -> None:
    after = cli("plan", "--detailed-exitcode")
    assert (after.exit_code, after.stderr) == (0, ""), after.stdout + after.stderr
    assert after.stdout.splitlines()[-1] == NO_CHANGES


def test_import_room_by_id_of_a_shared_name_writes_its_id_and_plans_no_changes(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, workdir: Path
) -> None:
    emulator.reset(DUP)
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n"})
    done = cli("import", "--room", "r-dup2", "--out", "desired-state")
    assert done.exit_code == 0, done.stdout + done.stderr
    (written,) = (workdir / "desired-state/rooms").iterdir()
    rooms = yaml.safe_load(written.read_text())["rooms"]
    assert rooms == {"dup (r-dup2)": {"id": "r-dup2", "administrators": [], "members": [
        "bob@example.com"
    ]}}  # fmt: skip
    _plans_no_changes(cli)


def test_import_room_by_id_of_a_shared_name_to_stdout_writes_its_id(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator.reset(DUP)
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n"})
    done = cli("import", "--room", "r-dup1")
    assert done.exit_code == 0, done.stdout + done.stderr
    rooms = yaml.safe_load(done.stdout)["rooms"]
    assert list(rooms) == ["dup (r-dup1)"]
    assert rooms["dup (r-dup1)"]["id"] == "r-dup1"


def test_a_room_name_longer_than_a_key_is_imported_keyed_by_its_id(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, workdir: Path
) -> None:
    assert len(LONG) > MAX_NAME_LENGTH
    emulator.reset(
        _seed(("r-long", LONG, "alice@example.com"), ("r-ops", "ops", "bob@example.com"))
    )
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n"})
    done = cli("import", "--out", "desired-state")
    assert (done.exit_code, done.stderr) == (0, ""), done.stdout + done.stderr
    rooms: dict[str, Any] = {}
    for path in sorted((workdir / "desired-state/rooms").iterdir()):
        rooms.update(yaml.safe_load(path.read_text())["rooms"])
    assert sorted(rooms) == ["ops", "r-long"]
    assert rooms["r-long"]["id"] == "r-long"
    assert cli("validate").exit_code == 0
    _plans_no_changes(cli)
