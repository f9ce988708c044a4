"""QA-FT Q-FT-5: a room declared by a name several Chime rooms of its account share is the
plan's error: `plan` plans none of them and removes nobody there. audit of a member live in
one says so with the plan's error (`not planned: 2 Chime rooms named dup ...`), and its
plan-wide read (made to ask the safety rules) counts no removal there: no `Too many
removals` the plan does not make. Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
SEVERAL_ROOMS = (
    f"2 Chime rooms named dup in account {ACCOUNT} (room-d1, room-d2): give the room's id"
)


@pytest.fixture
def rooms(emulator: EmulatorServer, write_desired: Any) -> None:
    def m(email: str, role: str) -> dict[str, str]:
        return {"member": email, "role": role}

    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "E",
                    "users": [
                        {"id": "u-a", "email": "alice@example.com", "name": "A"},
                        {"id": "u-b", "email": "bob@example.com", "name": "B"},
                        {"id": "u-c", "email": "carol@example.com", "name": "C"},
                    ],
                    "rooms": [
                        {
                            "id": "room-d1",
                            "name": "dup",
                            "memberships": [
                                m("alice@example.com", "Administrator"),
                                m("bob@example.com", "Member"),
                            ],
                        },
                        {
                            "id": "room-d2",
                            "name": "dup",
                            "memberships": [
                                m("alice@example.com", "Administrator"),
                                m("bob@example.com", "Member"),
                                m("carol@example.com", "Member"),
                            ],
                        },
                        {
                            "id": "room-x",
                            "name": "x",
                            "memberships": [
                                m("carol@example.com", "Administrator"),
                                m("alice@example.com", "Member"),
                            ],
                        },
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": (
                f"account: '{ACCOUNT}'\n"
                "safety: {max_removals: 1, max_removal_fraction: 1.0, min_administrators: 0}\n"
            ),
            "r.yaml": (
                "rooms:\n"
                "  dup: {prune: true, administrators: [alice@example.com]}\n"
                "  x: {prune: true, administrators: [carol@example.com]}\n"
            ),
        }
    )


@pytest.mark.usefixtures("rooms")
def test_audit_counts_no_removals_in_a_room_whose_name_is_shared(
    emulator: EmulatorServer, cli: Any
) -> None:
    plan = cli(*UNPACED, "plan")
    assert SEVERAL_ROOMS in plan.stdout + plan.stderr
    assert "Too many removals" not in plan.stdout + plan.stderr  # 1 removal: alice from x

    run = cli(*UNPACED, "audit", "bob@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    notes = {r["room_id"]: r["note"] for r in json.loads(run.stdout)["rooms"]}
    assert notes == {
        "room-d1": f"not planned: {SEVERAL_ROOMS}",
        "room-d2": f"not planned: {SEVERAL_ROOMS}",
    }

    emulator.reset_calls()
    run = cli(*UNPACED, "audit", "alice@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    # hers (MemberId), and the account's once: the plan's read takes the finder's listing
    assert emulator.calls()["ListRooms"] == 2
    notes = {r["room_id"]: r["note"] for r in json.loads(run.stdout)["rooms"]}
    assert notes["room-x"] == "not declared: plan removes it (prune)"  # the plan's only removal
    several = "declared, but 2 Chime rooms have that name (room-d1, room-d2): plan reports it"
    assert notes["room-d1"] == notes["room-d2"] == several
