"""QA-DO Q-DO-1: under an exact ``UserEmail`` filter (the emulator's ``email_filter:
EXACT``, one reading of what AWS leaves undocumented), a user Chime stores as
``Carol@Example.com`` is found by neither lookup of ``carol@example.com`` (as written, in
lower case). The tool then settles the address by the account's ListUsers listing
(which ignores case, as the sweep does), read once a run and shared by every address
that missed, so ``plan``, ``audit`` and ``explain`` find her whether the file writes one
address or eight. The real CLI against the emulator over HTTP, counting the calls."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

READINGS = pytest.mark.parametrize("reading", ["ANY_CASE", "EXACT"])
SETTINGS = f"account: '{ACCOUNT}'\n"


def seed(reading: str, others: int = 7) -> dict[str, Any]:
    doc = seed_doc(users=[f"user{i}" for i in range(others)])
    account = doc["accounts"][0]
    account["email_filter"] = reading
    account["users"].append({"id": "uid-carol", "email": "Carol@Example.com", "name": "Carol"})
    account["rooms"] = [
        {"id": "room-w", "name": "watercooler", "memberships": [{"member": "uid-carol"}]},
        {"id": "room-e", "name": "empty", "memberships": []},
    ]
    return doc


@READINGS
@pytest.mark.parametrize(
    ("written", "exact_calls"),
    [("carol@example.com", 2), ("CAROL@EXAMPLE.COM", 3)],
    ids=["lower", "upper"],
)
def test_one_address_finds_the_user_stored_with_other_capitals(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    reading: str,
    written: str,
    exact_calls: int,
) -> None:
    emulator.reset(seed(reading))
    write_desired(
        {"settings.yaml": SETTINGS, "rooms.yaml": f"rooms: {{empty: {{members: [{written}]}}}}"}
    )
    run = cli("plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert f"  + {written} (Member)" in run.lines
    assert "Plan: 1 to add, 0 to change, 0 to remove." in run.lines
    # the lookups as written (and in lower case), then, under EXACT, one page of the listing
    assert calls()["ListUsers"] == {"ANY_CASE": 1, "EXACT": exact_calls}[reading]


@READINGS
def test_audit_finds_the_rooms_of_a_user_stored_with_other_capitals(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, reading: str
) -> None:
    emulator.reset(seed(reading))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms.yaml": "rooms: {watercooler: {members: [carol@example.com]}}",
        }
    )
    run = cli("audit", "carol@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[0] == f"carol@example.com: user id uid-carol in account {ACCOUNT}"
    assert (
        "carol@example.com is in 1 room in Chime; the desired state declares it in 1 room."
    ) in run.lines


@READINGS
def test_explain_finds_a_user_stored_with_other_capitals(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, reading: str
) -> None:
    emulator.reset(seed(reading))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms.yaml": "rooms: {empty: {members: [carol@example.com]}}",
        }
    )
    run = cli("explain", "carol@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "  plan: the plan adds it as Member" in run.lines
    assert "no such member" not in run.stdout


@READINGS
def test_audit_without_accounts_finds_the_account_of_a_user_stored_with_other_capitals(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    reading: str,
) -> None:
    """ListAccounts filtered by the address misses under EXACT: then every account's
    listing (ListAccounts unfiltered, a ListUsers page) settles it."""
    emulator.reset(seed(reading))
    write_desired({"rooms.yaml": "rooms: {}"})
    run = cli("audit", "carol@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[0] == f"carol@example.com: user id uid-carol in account {ACCOUNT}"
    assert "carol@example.com is in 1 room in Chime" in run.stdout
    counted = calls()
    assert counted["ListAccounts"] == {"ANY_CASE": 1, "EXACT": 2}[reading]


@READINGS
def test_addresses_no_user_has_cost_the_listing_once_for_all_of_them(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    reading: str,
) -> None:
    """401 users: 3 pages. Two addresses no one has: the sweep reads 2 pages, looks both
    up (2 calls), both miss, and the listing (3 pages) is read once for the two: 7."""
    emulator.reset(seed(reading, others=400))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms.yaml": "rooms: {empty: {members: [nobody1@example.com, nobody2@example.com]}}",
        }
    )
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    for who in ("nobody1", "nobody2"):
        assert f"no Chime user with e-mail {who}@example.com in account {ACCOUNT}" in run.stdout
    assert calls()["ListUsers"] == 7
