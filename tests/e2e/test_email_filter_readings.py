"""QA-CX Q-CX-1: AWS does not say whether ListUsers' and ListAccounts' ``UserEmail``
filter ignores case. The emulator answers either way (an account's ``email_filter:`` in
its seed, ANY_CASE or EXACT); a member written ``Carol@Example.com`` must resolve to
carol@example.com under both, whether the plan looks its e-mail up (one address) or
sweeps the account's users (eight), and ``audit`` must find her rooms. The real CLI
against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

READINGS = pytest.mark.parametrize("reading", ["ANY_CASE", "EXACT"])
OTHERS = [f"user{i}" for i in range(7)]


def seed(reading: str) -> dict[str, Any]:
    doc = seed_doc(users=["carol", *OTHERS], rooms={"watercooler": [("carol", "Member")]})
    doc["accounts"][0]["email_filter"] = reading
    doc["accounts"][0]["rooms"].append({"id": "room-empty", "name": "empty", "memberships": []})
    return doc


@READINGS
@pytest.mark.parametrize("others", [0, 7], ids=["lookup", "sweep"])
def test_a_mixed_case_address_finds_its_user_under_either_reading(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    reading: str,
    others: int,
) -> None:
    emulator.reset(seed(reading))
    members = ", ".join(["Carol@Example.com", *(f"{u}@example.com" for u in OTHERS[:others])])
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": f"rooms: {{empty: {{members: [{members}]}}}}",
        }
    )
    run = cli("plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "  + Carol@Example.com (Member)" in run.lines
    assert f"Plan: {1 + others} to add, 0 to change, 0 to remove." in run.lines
    # one lookup as written, and one in lower case only where the filter is exact
    lookups = {"ANY_CASE": 1, "EXACT": 2}[reading] if not others else 1
    assert calls()["ListUsers"] == lookups


@READINGS
def test_audit_finds_the_rooms_of_a_mixed_case_address_under_either_reading(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, reading: str
) -> None:
    emulator.reset(seed(reading))
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n",
            "rooms.yaml": "rooms: {watercooler: {members: [carol@example.com]}}",
        }
    )
    run = cli("audit", "Carol@Example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[0] == f"Carol@Example.com: user id uid-carol in account {ACCOUNT}"
    assert (
        "Carol@Example.com is in 1 room in Chime; the desired state declares it in 1 room."
    ) in run.lines


@READINGS
def test_audit_without_accounts_finds_the_account_of_a_mixed_case_address(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    reading: str,
) -> None:
    """No account named anywhere: ListAccounts filtered by the e-mail finds carol's."""
    emulator.reset(seed(reading))
    write_desired({"rooms.yaml": "rooms: {}"})
    run = cli("audit", "Carol@Example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[0] == f"Carol@Example.com: user id uid-carol in account {ACCOUNT}"
    assert calls()["ListAccounts"] == {"ANY_CASE": 1, "EXACT": 2}[reading]


def test_an_exact_filter_is_kept_in_the_state_and_refused_when_misspelt(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed("EXACT"))
    state = emulator.state()
    assert state["accounts"][0]["email_filter"] == "EXACT"
    emulator.reset(state)
    assert emulator.backend.list_users(ACCOUNT, user_email="Carol@Example.com")[0] == []
    assert len(emulator.backend.list_users(ACCOUNT, user_email="carol@example.com")[0]) == 1
    emulator.reset(seed("ANY_CASE"))
    assert "email_filter" not in emulator.state()["accounts"][0]
    assert len(emulator.backend.list_users(ACCOUNT, user_email="Carol@Example.com")[0]) == 1
