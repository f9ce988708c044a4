"""Q-EU-1: two Chime bots of one name in an account (AWS allows it: CreateBot's
DisplayName is not unique). A room's ``bot:NAME`` that names both is a plan error at its
line, naming the bots, and the room is not planned (no bot picked, none pruned), whatever
rooms are in scope, as for a channel (``reconciler.bot_names``). It was an error only when
no room's listing showed a bot of that name: otherwise the listing's bot was taken (the
full plan added it, a room holding one of them was in sync, a room holding both kept one
and pruned the other), while `plan --target` refused the same entry.

The CLI in process, the real boto3 client, the emulator over HTTP (whose seed now holds
two bots of one name, each with its id)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

WHY = (
    f"2 Chime bots named 'Pager' in account {ACCOUNT} (b1, b2): bot names are not unique, "
    "and a room names a bot by its name only: Chime cannot rename a bot (UpdateBot only "
    "disables it): declare one whose name is its own"
)
ROOMS = """
    rooms:
      ops:
        prune: true
        administrators: [alice@example.com]
        members: ["bot:Pager"]
      ops2:
        prune: true
        administrators: [alice@example.com]
        members: ["bot:Pager"]
    """


def seed(*in_ops2: dict[str, str]) -> dict[str, Any]:
    alice = {"member": "alice@example.com", "role": "Administrator"}
    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "Example Corp",
                "users": [{"id": "ua", "email": "alice@example.com"}],
                "bots": [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}],
                "rooms": [
                    {"id": "r1", "name": "ops", "memberships": [alice]},
                    {"id": "r2", "name": "ops2", "memberships": [alice, *in_ops2]},
                ],
            }
        ]
    }


def holds(emulator: EmulatorServer) -> dict[str, dict[str, str]]:
    """What each room holds in the emulator: member id -> role."""
    return {room: emulator.backend.room_members(ACCOUNT, room) for room in ("r1", "r2")}


def errors(run: Any) -> list[str]:
    return [x for x in run.lines if x.startswith("Error:")]


@pytest.mark.parametrize(
    "in_ops2",
    [
        [{"member": "b2"}],  # one of them in the other room: the full plan took it
        [{"member": "b2"}, {"member": "b1", "role": "Administrator"}],  # both: one pruned
    ],
)
def test_a_bot_name_two_bots_share_is_a_located_error_whatever_rooms_are_in_scope(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, in_ops2: list[dict[str, str]]
) -> None:
    emulator.reset(seed(*in_ops2))
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "rooms.yaml": ROOMS})
    before = holds(emulator)

    for scope, lines in (((), (5, 9)), (("--target", "ops"), (5,)), (("--target", "ops2"), (9,))):
        planned = cli("plan", *scope)
        shown = planned.stdout + planned.stderr
        assert planned.exit_code == 1, shown
        assert errors(planned) == [f"Error: desired-state/rooms.yaml:{n}: {WHY}" for n in lines]
        assert not [
            x for x in planned.lines if x.lstrip().startswith(("+ bot:", "~ bot:", "- bot:"))
        ]
        assert "No changes planned, but the plan is incomplete" in shown, shown

    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert "Nothing was applied" in applied.stdout + applied.stderr
    assert holds(emulator) == before
