"""`--account ""` (a script's `--account "$ACCOUNT"` with `ACCOUNT` unset) is refused by
every command that takes it, as `--desired ""` is (Q-AQ-5): left out, the default reads
every account ListAccounts shows, so `import` wrote an unrelated account's rooms and
`audit` searched every account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import Cli

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
OTHER = "22222222-2222-3333-4444-555555555555"
SEED: dict[str, Any] = {
    "accounts": [
        {
            "id": ACC,
            "name": "Prod",
            "users": [{"id": "u-a", "email": "alice@example.com"}],
            "rooms": [
                {"id": "r-1", "name": "ops", "memberships": [{"member": "alice@example.com"}]}
            ],
        },
        {
            "id": OTHER,
            "name": "Other team",
            "users": [{"id": "u-b", "email": "bob@example.com"}],
            "rooms": [
                {"id": "r-2", "name": "secret", "memberships": [{"member": "bob@example.com"}]}
            ],
        },
    ]
}


@pytest.mark.parametrize("value", ["", "  "])
def test_import_account_empty_is_refused_and_writes_nothing(
    emulator: EmulatorServer, cli: Cli, workdir: Path, value: str
) -> None:
    emulator.reset(SEED)
    before = sorted(p.name for p in workdir.iterdir())
    run = cli("import", "--account", value, "--out", "ds")
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        "Error: --account: an empty value names no account; give an account id, or leave "
        "the option out for the settings.yaml account of --out DIR, else of the --desired "
        "directory, else every account"
    ]
    assert sorted(p.name for p in workdir.iterdir()) == before


def test_import_account_empty_beside_a_real_one_is_refused(
    emulator: EmulatorServer, cli: Cli
) -> None:
    emulator.reset(SEED)
    run = cli("import", "--account", ACC, "--account", "")
    assert run.exit_code == 1
    assert run.stdout == ""


def test_audit_account_empty_is_refused(emulator: EmulatorServer, cli: Cli) -> None:
    emulator.reset(SEED)
    run = cli("audit", "bob@example.com", "--account", "")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "Error: --account: an empty value names no account; give an account id, or leave "
        "the option out for the accounts the desired state names, else every account"
    ]
