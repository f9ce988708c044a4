"""The calls `audit` makes where the plan's change of the member is refused (a room's
only administrator demoted or removed): the room is read in full and planned, by the id
audit found it by, so that the account's rooms are listed once (ListRooms), not again
for the room's name. Through the CLI, boto3 and the emulator, counted by the emulator."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

pytestmark = pytest.mark.e2e

SEED = seed_doc(
    users=("alice", "bob", "carol"),
    rooms={
        "ops": [("bob", "Administrator"), ("carol", "Member")],  # bob: its one administrator
        "web": [("bob", "Member"), ("alice", "Administrator")],
        "lobby": [("alice", "Member")],
    },
)
REFUSED = (
    "not declared: plan removes it (prune), but the plan is refused: [ops] Would leave 0 "
    "administrators (now 1), fewer than the minimum of 1 (safety.min_administrators)"
)


def _desired(write_desired: Any, by_id: bool = False) -> None:
    indent = "\n" + " " * 20  # the next line's, in the text below
    ops, web = (f"id: room-ops{indent}", f"id: room-web{indent}") if by_id else ("", "")
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"""
                rooms:
                  ops:
                    {ops}prune: true
                    members: [carol@example.com]
                  web:
                    {web}administrators: [alice@example.com]
                    members: [bob@example.com]
                """,
        }
    )


@pytest.mark.parametrize(
    ("by_id", "listings"),
    [
        # bob's rooms (ListRooms with MemberId), then the account's (web is declared by
        # name: is the name one room's?); ops planned by the id found: not listed again
        (False, 2),
        (True, 1),  # by id: bob's rooms only
    ],
    ids=["by-name", "by-id"],
)
def test_audit_of_a_refused_removal_lists_the_account_rooms_once(
    emulator: Any, write_desired: Any, cli: Any, by_id: bool, listings: int
) -> None:
    emulator.reset(SEED)
    _desired(write_desired, by_id)
    emulator.reset_calls()
    run = cli("audit", "bob@example.com")
    assert (run.exit_code, run.stderr) == (0, "")
    assert REFUSED in run.stdout
    # ListRoomMemberships: ops and web for bob's role (one page each), then ops and web
    # in full to plan them (ops's rules refuse the removal; the plan-wide max_removals
    # counts every room's removals: Q-EE-1); ListUsers: bob's id
    assert emulator.calls() == {
        "ListUsers": 1,
        "ListRooms": listings,
        "ListRoomMemberships": 4,
    }


def test_audit_reads_no_room_again_where_no_rule_refuses(
    emulator: Any, write_desired: Any, cli: Any
) -> None:
    """alice leaves lobby (not declared, prune off: kept) and is declared in web as she
    is: nothing to plan again, the lower bound of the rows themselves."""
    emulator.reset(SEED)
    _desired(write_desired)
    emulator.reset_calls()
    run = cli("audit", "alice@example.com")
    assert (run.exit_code, run.stderr) == (0, "")
    assert emulator.calls() == {"ListUsers": 1, "ListRooms": 2, "ListRoomMemberships": 2}
