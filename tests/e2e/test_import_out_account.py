"""import --out DIR takes the default account from DIR's own settings.yaml, as the
channels do and as the files written there are read (QA-GO Q-GO-3): it imported the
--desired directory's account (or, with none there, every account) into a DIR whose
settings.yaml names another. The real CLI against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC1 = "11111111-2222-3333-4444-555555555555"
ACC2 = "22222222-2222-3333-4444-555555555555"
NO_CHANGES = "No changes. Chime memberships match the desired state."


def _account(acc: str, rooms: list[str]) -> dict[str, Any]:
    alice = {"member": "alice@example.com", "role": "Administrator"}
    return {
        "id": acc,
        "name": f"Account {acc[:1]}",
        "users": [{"id": f"alice-{acc[:1]}", "email": "alice@example.com"}],
        "rooms": [
            {"id": f"r{acc[:1]}-{name}", "name": name, "memberships": [alice]} for name in rooms
        ],
    }


@pytest.mark.parametrize("desired_settings", [f"account: '{ACC1}'\n", "prune: false\n"])
def test_import_out_takes_the_account_of_the_out_directorys_settings(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    workdir: Path,
    desired_settings: str,
) -> None:
    emulator.reset({"accounts": [_account(ACC1, ["a", "b", "c"]), _account(ACC2, ["z"])]})
    write_desired({"settings.yaml": desired_settings})
    team = workdir / "team"
    team.mkdir()
    (team / "settings.yaml").write_text(f"account: '{ACC2}'\n")

    run = cli("import", "--out", "team")
    planned = cli("--desired", "team", "plan")

    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[0].startswith(f"Imported 1 room (1 membership) from account {ACC2}."), (
        run.lines
    )
    assert sorted(p.name for p in (team / "rooms").iterdir()) == ["z.yaml"]
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert NO_CHANGES in planned.stdout


def test_import_out_without_settings_still_takes_the_desired_account(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, workdir: Path
) -> None:
    emulator.reset({"accounts": [_account(ACC1, ["a"]), _account(ACC2, ["z"])]})
    write_desired({"settings.yaml": f"account: '{ACC1}'\n"})

    run = cli("import", "--out", "fresh")

    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[0].startswith(f"Imported 1 room (1 membership) from account {ACC1}.")
    assert (workdir / "fresh" / "settings.yaml").read_text().find(ACC1) >= 0
