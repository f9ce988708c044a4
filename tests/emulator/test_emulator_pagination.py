"""NextToken pagination and MaxResults limits, through the real boto3 client."""

from __future__ import annotations

from typing import Any

import pytest
from emulator_seeds import ACCOUNT, account_seed, bot_id, room_id, user_id

from reconciler.emulator import EmulatorServer


def pages(call: Any, key: str, **params: Any) -> list[list[dict[str, Any]]]:
    """Every page of a listing, following NextToken."""
    found = []
    token = None
    while True:
        extra: dict[str, Any] = {"NextToken": token} if token else {}
        response = call(**params, **extra)
        found.append(response[key])
        token = response.get("NextToken")
        if not token:
            return found


def member_seed(count: int) -> dict[str, Any]:
    return account_seed(
        users=count, rooms=1, members={room_id(0): [(user_id(i), "Member") for i in range(count)]}
    )


@pytest.mark.parametrize(
    ("count", "max_results", "sizes"),
    [
        (98, None, [98]),
        (99, None, [99]),
        (100, None, [99, 1]),
        (199, None, [99, 99, 1]),
        (100, 99, [99, 1]),
        (25, 10, [10, 10, 5]),
        (0, None, [0]),
    ],
)
def test_room_memberships_page_at_the_99_boundary(
    emulator: EmulatorServer, chime: Any, count: int, max_results: int | None, sizes: list[int]
) -> None:
    emulator.reset(member_seed(count))
    params: dict[str, Any] = {"AccountId": ACCOUNT, "RoomId": room_id(0)}
    if max_results:
        params["MaxResults"] = max_results
    found = pages(chime.list_room_memberships, "RoomMemberships", **params)
    assert [len(p) for p in found] == sizes
    ids = [m["Member"]["MemberId"] for page in found for m in page]
    assert ids == [user_id(i) for i in range(count)]
    assert emulator.calls() == {"ListRoomMemberships": len(sizes)}


@pytest.mark.parametrize(("count", "sizes"), [(98, [98]), (99, [99]), (100, [99, 1])])
def test_rooms_page_at_the_99_boundary(
    emulator: EmulatorServer, chime: Any, count: int, sizes: list[int]
) -> None:
    emulator.reset(account_seed(rooms=count))
    found = pages(chime.list_rooms, "Rooms", AccountId=ACCOUNT, MaxResults=99)
    assert [len(p) for p in found] == sizes
    assert [r["RoomId"] for page in found for r in page] == [room_id(i) for i in range(count)]


@pytest.mark.parametrize(("count", "sizes"), [(98, [98]), (99, [99]), (100, [99, 1])])
def test_bots_page_at_the_99_boundary(
    emulator: EmulatorServer, chime: Any, count: int, sizes: list[int]
) -> None:
    emulator.reset(account_seed(bots=count))
    found = pages(chime.list_bots, "Bots", AccountId=ACCOUNT)
    assert [len(p) for p in found] == sizes
    assert [b["BotId"] for page in found for b in page] == [bot_id(i) for i in range(count)]


@pytest.mark.parametrize(
    ("count", "max_results", "sizes"),
    [
        (199, 200, [199]),
        (200, 200, [200]),
        (201, 200, [200, 1]),
        (201, None, [100, 100, 1]),
        (200, None, [100, 100]),
    ],
)
def test_users_page_at_the_200_boundary_and_default_to_100(
    emulator: EmulatorServer, chime: Any, count: int, max_results: int | None, sizes: list[int]
) -> None:
    emulator.reset(account_seed(users=count))
    params: dict[str, Any] = {"AccountId": ACCOUNT}
    if max_results:
        params["MaxResults"] = max_results
    found = pages(chime.list_users, "Users", **params)
    assert [len(p) for p in found] == sizes
    assert [u["UserId"] for page in found for u in page] == [user_id(i) for i in range(count)]


def test_accounts_page_with_next_token(emulator: EmulatorServer, chime: Any) -> None:
    seed = {"accounts": [{"id": f"acct-{i}", "name": f"Corp {i}"} for i in range(5)]}
    emulator.reset(seed)
    found = pages(chime.list_accounts, "Accounts", MaxResults=2)
    assert [[a["AccountId"] for a in page] for page in found] == [
        ["acct-0", "acct-1"],
        ["acct-2", "acct-3"],
        ["acct-4"],
    ]


def test_rooms_of_a_member_page_in_room_order(emulator: EmulatorServer, chime: Any) -> None:
    members = {room_id(i): [(user_id(0), "Member")] for i in range(0, 150, 1) if i % 3 != 1}
    emulator.reset(account_seed(users=1, rooms=150, members=members))
    found = pages(chime.list_rooms, "Rooms", AccountId=ACCOUNT, MemberId=user_id(0))
    assert [len(p) for p in found] == [99, 1]
    assert [r["RoomId"] for page in found for r in page] == [
        room_id(i) for i in range(150) if i % 3 != 1
    ]


def test_deleting_members_between_pages_skips_nothing_that_remains(
    emulator: EmulatorServer, chime: Any
) -> None:
    emulator.reset(member_seed(30))
    room = {"AccountId": ACCOUNT, "RoomId": room_id(0)}
    first = chime.list_room_memberships(**room, MaxResults=10)
    for i in (5, 12):  # one already listed, one not yet listed
        chime.delete_room_membership(**room, MemberId=user_id(i))
    rest = pages(
        chime.list_room_memberships, "RoomMemberships", **room, NextToken=first["NextToken"]
    )
    ids = [m["Member"]["MemberId"] for m in first["RoomMemberships"]]
    ids += [m["Member"]["MemberId"] for page in rest for m in page]
    assert ids == [user_id(i) for i in range(30) if i != 12]
