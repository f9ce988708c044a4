"""What each operation answers, through the real boto3 client."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

import pytest
from emulator_seeds import ACCOUNT, account_seed, room_id, small_seed, user_id

from reconciler.emulator import EmulatorServer

ROOM = {"AccountId": ACCOUNT, "RoomId": "room-0000"}


@pytest.fixture
def seeded(emulator: EmulatorServer) -> EmulatorServer:
    emulator.reset(small_seed())
    return emulator


def members(chime: Any, room: str = "room-0000") -> list[tuple[str, str, str]]:
    listed = chime.list_room_memberships(AccountId=ACCOUNT, RoomId=room)["RoomMemberships"]
    return [(m["Member"]["MemberId"], m["Member"]["MemberType"], m["Role"]) for m in listed]


def test_room_memberships_describe_users_bots_and_webhooks(
    seeded: EmulatorServer, chime: Any
) -> None:
    listed = chime.list_room_memberships(**ROOM)["RoomMemberships"]
    assert [m["Member"] for m in listed] == [
        {
            "MemberId": "alice-id",
            "MemberType": "User",
            "Email": "Alice@Example.com",
            "FullName": "Alice",
            "AccountId": ACCOUNT,
        },
        {
            "MemberId": "bob-id",
            "MemberType": "User",
            "Email": "bob@example.com",
            "FullName": "Bob",
            "AccountId": ACCOUNT,
        },
        {"MemberId": "pager-id", "MemberType": "Bot", "FullName": "PagerBot", "AccountId": ACCOUNT},
        {
            "MemberId": "hook-id",
            "MemberType": "Webhook",
            "FullName": "Alerts",
            "AccountId": ACCOUNT,
        },
    ]
    assert [(m["RoomId"], m["Role"], m["InvitedBy"]) for m in listed] == [
        ("room-0000", "Administrator", "alice-id"),
        ("room-0000", "Member", "alice-id"),
        ("room-0000", "Member", "alice-id"),
        ("room-0000", "Member", "alice-id"),
    ]
    assert all(isinstance(m["UpdatedTimestamp"], datetime) for m in listed)
    assert "NextToken" not in chime.list_room_memberships(**ROOM)


def test_list_users_filters_by_email_case_insensitively(seeded: EmulatorServer, chime: Any) -> None:
    users = chime.list_users(AccountId=ACCOUNT, UserEmail="ALICE@example.COM")["Users"]
    assert [(u["UserId"], u["PrimaryEmail"], u["DisplayName"]) for u in users] == [
        ("alice-id", "Alice@Example.com", "Alice")
    ]
    assert chime.list_users(AccountId=ACCOUNT, UserEmail="nobody@example.com")["Users"] == []


def test_get_user_get_account_and_list_bots(seeded: EmulatorServer, chime: Any) -> None:
    user = chime.get_user(AccountId=ACCOUNT, UserId="bob-id")["User"]
    assert (user["UserId"], user["AccountId"], user["PrimaryEmail"]) == (
        "bob-id",
        ACCOUNT,
        "bob@example.com",
    )
    account = chime.get_account(AccountId=ACCOUNT)["Account"]
    assert (account["AccountId"], account["Name"], account["AccountStatus"]) == (
        ACCOUNT,
        "Example Corp",
        "Active",
    )
    bots = chime.list_bots(AccountId=ACCOUNT)["Bots"]
    assert [(b["BotId"], b["DisplayName"], b["BotType"], b["Disabled"]) for b in bots] == [
        ("pager-id", "PagerBot", "ChatBot", False)
    ]
    assert bots[0]["UserId"] != "pager-id"


def test_list_accounts_filters_by_name_prefix_and_user_email(
    emulator: EmulatorServer, chime: Any
) -> None:
    emulator.reset(
        {
            "accounts": [
                {"id": "a1", "name": "Example Corp", "users": [{"email": "x@example.com"}]},
                {"id": "a2", "name": "Examples Ltd", "users": [{"email": "y@example.com"}]},
                {"id": "a3", "name": "Other"},
            ]
        }
    )
    by_name = chime.list_accounts(Name="Example")["Accounts"]
    assert [a["AccountId"] for a in by_name] == ["a1", "a2"]
    by_email = chime.list_accounts(UserEmail="Y@example.com")["Accounts"]
    assert [a["AccountId"] for a in by_email] == ["a2"]


def test_list_rooms_filters_by_member(seeded: EmulatorServer, chime: Any) -> None:
    assert [r["RoomId"] for r in chime.list_rooms(AccountId=ACCOUNT)["Rooms"]] == [
        "room-0000",
        "room-0001",
    ]
    assert [
        r["RoomId"] for r in chime.list_rooms(AccountId=ACCOUNT, MemberId="bob-id")["Rooms"]
    ] == ["room-0000"]
    chime.delete_room_membership(**ROOM, MemberId="bob-id")
    chime.create_room_membership(AccountId=ACCOUNT, RoomId="room-0001", MemberId="bob-id")
    assert [
        r["RoomId"] for r in chime.list_rooms(AccountId=ACCOUNT, MemberId="bob-id")["Rooms"]
    ] == ["room-0001"]
    room = chime.get_room(AccountId=ACCOUNT, RoomId="room-0000")["Room"]
    assert (room["RoomId"], room["Name"], room["AccountId"]) == (
        "room-0000",
        "incident-response",
        ACCOUNT,
    )


def test_create_room_membership_answers_201_with_the_membership(
    seeded: EmulatorServer, chime: Any
) -> None:
    response = chime.create_room_membership(**ROOM, MemberId="carol-id", Role="Administrator")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    created = response["RoomMembership"]
    assert (created["RoomId"], created["Member"]["MemberId"], created["Role"]) == (
        "room-0000",
        "carol-id",
        "Administrator",
    )
    assert members(chime)[-1] == ("carol-id", "User", "Administrator")


def test_new_members_default_to_the_member_role(seeded: EmulatorServer, chime: Any) -> None:
    chime.create_room_membership(AccountId=ACCOUNT, RoomId="room-0001", MemberId="pager-id")
    assert members(chime, "room-0001") == [("pager-id", "Bot", "Member")]


def test_update_room_membership_changes_a_users_role(seeded: EmulatorServer, chime: Any) -> None:
    response = chime.update_room_membership(**ROOM, MemberId="bob-id", Role="Administrator")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["RoomMembership"]["Role"] == "Administrator"
    assert ("bob-id", "User", "Administrator") in members(chime)


def test_delete_room_membership_answers_204_and_removes(seeded: EmulatorServer, chime: Any) -> None:
    response = chime.delete_room_membership(**ROOM, MemberId="hook-id")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [m[0] for m in members(chime)] == ["alice-id", "bob-id", "pager-id"]


def test_batch_create_reports_per_item_errors_and_applies_the_rest(
    seeded: EmulatorServer, chime: Any
) -> None:
    response = chime.batch_create_room_membership(
        **ROOM,
        MembershipItemList=[
            {"MemberId": "carol-id", "Role": "Administrator"},
            {"MemberId": "bob-id", "Role": "Member"},
            {"MemberId": "ghost-id"},
            {"MemberId": "hook-id"},
            {"MemberId": "carol-id"},
            {"MemberId": "pager-id", "Role": "Owner"},
        ],
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert response["Errors"] == [
        {
            "MemberId": "bob-id",
            "ErrorCode": "Conflict",
            "ErrorMessage": "Member bob-id is already a member of room room-0000.",
        },
        {
            "MemberId": "ghost-id",
            "ErrorCode": "NotFound",
            "ErrorMessage": f"Member ghost-id not found in account {ACCOUNT} "
            "(a member is a user id or a bot id).",
        },
        {
            "MemberId": "hook-id",
            "ErrorCode": "NotFound",
            "ErrorMessage": f"Member hook-id not found in account {ACCOUNT} "
            "(a member is a user id or a bot id).",
        },
        {
            "MemberId": "carol-id",
            "ErrorCode": "Conflict",
            "ErrorMessage": "Member carol-id is already a member of room room-0000.",
        },
        {
            "MemberId": "pager-id",
            "ErrorCode": "BadRequest",
            "ErrorMessage": "Role must be Administrator or Member, got 'Owner'.",
        },
    ]
    assert members(chime)[-1] == ("carol-id", "User", "Administrator")
    assert len(members(chime)) == 5


def test_batch_create_adds_up_to_50_members(emulator: EmulatorServer, chime: Any) -> None:
    emulator.reset(account_seed(users=51, rooms=1))
    room = {"AccountId": ACCOUNT, "RoomId": room_id(0)}
    items = [{"MemberId": user_id(i), "Role": "Member"} for i in range(51)]
    assert chime.batch_create_room_membership(**room, MembershipItemList=items[:50])["Errors"] == []
    assert len(emulator.backend.room_members(ACCOUNT, room_id(0))) == 50


def test_batch_create_of_51_items_is_rejected_whole(emulator: EmulatorServer, chime: Any) -> None:
    emulator.reset(account_seed(users=51, rooms=1))
    items = [{"MemberId": user_id(i), "Role": "Member"} for i in range(51)]
    with pytest.raises(chime.exceptions.BadRequestException) as info:
        chime.batch_create_room_membership(
            AccountId=ACCOUNT, RoomId=room_id(0), MembershipItemList=items
        )
    assert info.value.response["Error"]["Message"] == (
        "MembershipItemList has 51 items; at most 50 are allowed."
    )
    assert emulator.backend.room_members(ACCOUNT, room_id(0)) == {}


def test_bots_and_webhooks_can_be_removed(seeded: EmulatorServer, chime: Any) -> None:
    chime.delete_room_membership(**ROOM, MemberId="pager-id")
    chime.delete_room_membership(**ROOM, MemberId="hook-id")
    assert seeded.backend.room_members(ACCOUNT, "room-0000") == {
        "alice-id": "Administrator",
        "bob-id": "Member",
    }


def test_a_client_reuses_one_keep_alive_connection(seeded: EmulatorServer, chime: Any) -> None:
    for _ in range(20):
        chime.list_rooms(AccountId=ACCOUNT)
    chime.delete_room_membership(**ROOM, MemberId="hook-id")  # 204: empty body, still reused
    for _ in range(5):
        chime.list_rooms(AccountId=ACCOUNT)
    assert seeded.connections_accepted == 1


def test_concurrent_writers_leave_consistent_state(
    emulator: EmulatorServer, chime_client: Any
) -> None:
    emulator.reset(account_seed(users=400, rooms=4))
    errors: list[BaseException] = []

    def work(worker: int, client: Any) -> None:
        room = {"AccountId": ACCOUNT, "RoomId": room_id(worker % 4)}
        try:
            for start in range(worker * 50, worker * 50 + 50, 25):
                items = [{"MemberId": user_id(i)} for i in range(start, start + 25)]
                assert (
                    client.batch_create_room_membership(**room, MembershipItemList=items)["Errors"]
                    == []
                )
            for i in range(worker * 50, worker * 50 + 50, 2):
                client.delete_room_membership(**room, MemberId=user_id(i))
        except BaseException as exc:  # reported below
            errors.append(exc)

    clients = [chime_client() for _ in range(8)]  # sessions are not thread-safe; clients are
    threads = [threading.Thread(target=work, args=(w, clients[w])) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for r in range(4):
        expected = {
            user_id(i): "Member" for w in range(r, 8, 4) for i in range(w * 50 + 1, w * 50 + 50, 2)
        }
        assert emulator.backend.room_members(ACCOUNT, room_id(r)) == expected
    assert emulator.calls() == {"BatchCreateRoomMembership": 16, "DeleteRoomMembership": 200}
