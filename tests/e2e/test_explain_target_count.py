"""QA-GT-3: `explain MEMBER --target T`'s closing count is of the targets --target gave,
and says so: it said "Of the desired state's targets, bot:Solo is declared in 0 and live
in 0" where the bot was live in another room of the desired state. The CLI, the real
boto3 client and the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

A = "11111111-2222-3333-4444-555555555555"
OUTSIDE = "(audit reads the rooms and channels outside them too)."
# under --target, the targets left out are the desired state's own (Q-RR-16)
OTHERS = "(explain without --target reads the others)."


@pytest.fixture(autouse=True)
def twins(emulator: EmulatorServer, write_desired: Any) -> None:
    admin = {"member": "a@example.com", "role": "Administrator"}
    emulator.reset(
        {
            "accounts": [
                {
                    "id": A,
                    "name": "Example Corp",
                    "users": [{"id": "u1", "email": "a@example.com"}],
                    "bots": [{"id": "b1", "name": "Pager"}, {"id": "b3", "name": "Solo"}],
                    "rooms": [
                        {"id": "r1", "name": "one", "memberships": [admin, {"member": "b3"}]},
                        {"id": "r2", "name": "two", "memberships": [admin, {"member": "b1"}]},
                        {"id": "r3", "name": "three", "memberships": [admin]},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: '{A}'\n",
            "rooms.yaml": "rooms:\n"
            "  one: {prune: false, administrators: [a@example.com]}\n"
            "  two: {prune: false, administrators: [a@example.com]}\n"
            "  three: {prune: false, administrators: [a@example.com]}\n",
        }
    )


def test_the_count_names_the_targets_given(cli: Any) -> None:
    run = cli(*UNPACED, "explain", "bot:Solo", "--target", "two")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == (
        f"Of the 1 target selected by --target, bot:Solo is declared in 0 and live in 0 {OTHERS}"
    )
    run = cli(*UNPACED, "explain", "bot:Solo", "--target", "two", "--target", "one")
    assert run.lines[-1] == (
        f"Of the 2 targets selected by --target, bot:Solo is declared in 0 and live in 1 {OTHERS}"
    )
    run = cli(*UNPACED, "explain", "bot:Solo")  # without --target: every declared one
    assert run.lines[-1] == (
        f"Of the desired state's targets, bot:Solo is declared in 0 and live in 1 {OUTSIDE}"
    )


def test_a_target_selection_of_every_target_points_at_audit_not_the_others(cli: Any) -> None:
    """QA-HB Q-HB-5: --target naming every target said "(explain without --target reads
    the others)", where there are none; and "neither declared nor live" pointed nowhere,
    though the member may be in a room outside the desired state."""
    every = ("--target", "one", "--target", "two", "--target", "three")
    run = cli(*UNPACED, "explain", "a@example.com", *every)
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == (
        "Of the 3 targets selected by --target, a@example.com is declared in 3 and live in 3 "
        f"{OUTSIDE}"
    )
    nobody = cli(*UNPACED, "explain", "nobody@example.com")
    assert nobody.exit_code == 0, nobody.stderr
    assert nobody.lines[-1] == (
        f"nobody@example.com is neither declared nor live in any declared target {OUTSIDE}"
    )
