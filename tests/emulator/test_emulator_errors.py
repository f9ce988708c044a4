"""Every error the emulator answers reaches boto3 as the modelled exception class, with
Error.Code (the exception name), the modelled Code field, the message and the HTTP status."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from emulator_http import request
from emulator_seeds import ACCOUNT, account_seed, bot_id, room_id, small_seed, user_id

from reconciler.emulator import EmulatorServer

ROOM = {"AccountId": ACCOUNT, "RoomId": "room-0000"}


def raised(call: Any, **params: Any) -> ClientError:
    with pytest.raises(ClientError) as info:
        call(**params)
    return info.value


def summary(error: ClientError) -> tuple[str, str, str, int]:
    response: Any = error.response
    return (
        response["Error"]["Code"],
        response["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


@pytest.fixture
def seeded(emulator: EmulatorServer) -> EmulatorServer:
    emulator.reset(small_seed())
    return emulator


def test_unknown_account_is_not_found(seeded: EmulatorServer, chime: Any) -> None:
    error = raised(chime.get_account, AccountId="nope")
    assert isinstance(error, chime.exceptions.NotFoundException)
    assert summary(error) == ("NotFoundException", "NotFound", "Account nope not found.", 404)


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("get_room", {"RoomId": "nope"}, f"Room nope not found in account {ACCOUNT}."),
        ("list_room_memberships", {"RoomId": "nope"}, f"Room nope not found in account {ACCOUNT}."),
        ("get_user", {"UserId": "nope"}, f"User nope not found in account {ACCOUNT}."),
        (
            "create_room_membership",
            {"RoomId": "room-0000", "MemberId": "nope"},
            f"Member nope not found in account {ACCOUNT} (a member is a user id or a bot id).",
        ),
        (
            "update_room_membership",
            {"RoomId": "room-0000", "MemberId": "carol-id", "Role": "Administrator"},
            "Member carol-id is not a member of room room-0000.",
        ),
        (
            "delete_room_membership",
            {"RoomId": "room-0000", "MemberId": "carol-id"},
            "Member carol-id is not a member of room room-0000.",
        ),
    ],
)
def test_missing_things_are_not_found(
    seeded: EmulatorServer, chime: Any, operation: str, params: dict[str, Any], message: str
) -> None:
    error = raised(getattr(chime, operation), AccountId=ACCOUNT, **params)
    assert isinstance(error, chime.exceptions.NotFoundException)
    assert summary(error) == ("NotFoundException", "NotFound", message, 404)


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("list_rooms", {"MaxResults": 100}, "MaxResults must be between 1 and 99, got 100."),
        ("list_bots", {"MaxResults": 100}, "MaxResults must be between 1 and 99, got 100."),
        (
            "list_room_memberships",
            {"RoomId": "room-0000", "MaxResults": 100},
            "MaxResults must be between 1 and 99, got 100.",
        ),
        ("list_users", {"MaxResults": 201}, "MaxResults must be between 1 and 200, got 201."),
        (
            "list_rooms",
            {"NextToken": "not-a-token"},
            "The NextToken is invalid or belongs to another listing.",
        ),
        (
            "update_room_membership",
            {"RoomId": "room-0000", "MemberId": "pager-id", "Role": "Administrator"},
            "Only members of type User can have their role updated; pager-id is a Bot.",
        ),
        (
            "update_room_membership",
            {"RoomId": "room-0000", "MemberId": "hook-id", "Role": "Administrator"},
            "Only members of type User can have their role updated; hook-id is a Webhook.",
        ),
        (
            "create_room_membership",
            {"RoomId": "room-0000", "MemberId": "carol-id", "Role": "Owner"},
            "Role must be Administrator or Member, got 'Owner'.",
        ),
    ],
)
def test_bad_requests_are_rejected(
    seeded: EmulatorServer, chime: Any, operation: str, params: dict[str, Any], message: str
) -> None:
    error = raised(getattr(chime, operation), AccountId=ACCOUNT, **params)
    assert isinstance(error, chime.exceptions.BadRequestException)
    assert summary(error) == ("BadRequestException", "BadRequest", message, 400)


def test_max_results_below_one_is_rejected_by_the_server_too(
    seeded: EmulatorServer, chime_client: Any
) -> None:
    unvalidated = chime_client(parameter_validation=False)
    error = raised(unvalidated.list_accounts, MaxResults=0)
    assert summary(error) == (
        "BadRequestException",
        "BadRequest",
        "MaxResults must be between 1 and 200, got 0.",
        400,
    )


def test_next_token_of_another_room_is_rejected(emulator: EmulatorServer, chime: Any) -> None:
    members = {room_id(r): [(user_id(i), "Member") for i in range(3)] for r in range(2)}
    emulator.reset(account_seed(users=3, rooms=2, members=members))
    token = chime.list_room_memberships(AccountId=ACCOUNT, RoomId=room_id(0), MaxResults=1)[
        "NextToken"
    ]
    error = raised(
        chime.list_room_memberships, AccountId=ACCOUNT, RoomId=room_id(1), NextToken=token
    )
    assert summary(error)[2] == "The NextToken is invalid or belongs to another listing."


def test_adding_a_member_twice_is_a_conflict(seeded: EmulatorServer, chime: Any) -> None:
    error = raised(chime.create_room_membership, **ROOM, MemberId="bob-id")
    assert isinstance(error, chime.exceptions.ConflictException)
    assert summary(error) == (
        "ConflictException",
        "Conflict",
        "Member bob-id is already a member of room room-0000.",
        409,
    )


def test_a_room_holds_at_most_1000_members(emulator: EmulatorServer, chime: Any) -> None:
    members = {room_id(0): [(user_id(i), "Member") for i in range(1000)]}
    emulator.reset(account_seed(users=1001, rooms=1, members=members))
    room = {"AccountId": ACCOUNT, "RoomId": room_id(0)}
    error = raised(chime.create_room_membership, **room, MemberId=user_id(1000))
    assert isinstance(error, chime.exceptions.ResourceLimitExceededException)
    assert summary(error) == (
        "ResourceLimitExceededException",
        "ResourceLimitExceeded",
        "Room room-0000 already has the maximum of 1000 memberships.",
        400,
    )
    batch = chime.batch_create_room_membership(
        **room, MembershipItemList=[{"MemberId": user_id(1000)}]
    )
    assert batch["Errors"] == [
        {
            "MemberId": user_id(1000),
            "ErrorCode": "ResourceLimitExceeded",
            "ErrorMessage": "Room room-0000 already has the maximum of 1000 memberships.",
        }
    ]
    chime.delete_room_membership(**room, MemberId=user_id(0))
    chime.create_room_membership(**room, MemberId=user_id(1000))
    assert len(emulator.backend.room_members(ACCOUNT, room_id(0))) == 1000


@pytest.mark.parametrize("member", [user_id(0), bot_id(0)])
def test_a_user_or_bot_is_in_at_most_1000_rooms(
    emulator: EmulatorServer, chime: Any, member: str
) -> None:
    # AWS's quota "Memberships per profile: 1,000" (general/latest/gr/chime.html)
    members = {room_id(i): [(member, "Member")] for i in range(1000)}
    emulator.reset(account_seed(users=1, bots=1, rooms=1001, members=members))
    room = {"AccountId": ACCOUNT, "RoomId": room_id(1000)}
    message = f"Member {member} is already in the maximum of 1000 rooms."
    error = raised(chime.create_room_membership, **room, MemberId=member)
    assert isinstance(error, chime.exceptions.ResourceLimitExceededException)
    assert summary(error) == (
        "ResourceLimitExceededException",
        "ResourceLimitExceeded",
        message,
        400,
    )
    batch = chime.batch_create_room_membership(**room, MembershipItemList=[{"MemberId": member}])
    assert batch["Errors"] == [
        {"MemberId": member, "ErrorCode": "ResourceLimitExceeded", "ErrorMessage": message}
    ]
    assert emulator.backend.room_members(ACCOUNT, room_id(1000)) == {}
    chime.delete_room_membership(AccountId=ACCOUNT, RoomId=room_id(0), MemberId=member)
    chime.create_room_membership(**room, MemberId=member)
    assert emulator.backend.room_members(ACCOUNT, room_id(1000)) == {member: "Member"}


def test_throttling_is_a_429_throttled_client_exception(seeded: EmulatorServer, chime: Any) -> None:
    seeded.set_faults(throttle_rate=1.0)
    error = raised(chime.list_rooms, AccountId=ACCOUNT)
    assert isinstance(error, chime.exceptions.ThrottledClientException)
    assert summary(error) == ("ThrottledClientException", "Throttled", "Rate exceeded.", 429)


def test_server_errors_are_503_and_500_exceptions(seeded: EmulatorServer, chime: Any) -> None:
    seeded.set_faults(error_rate=1.0, seed=3)
    seen = {}
    for _ in range(12):
        error = raised(chime.list_rooms, AccountId=ACCOUNT)
        seen[type(error).__name__] = summary(error)
    assert seen == {
        "ServiceUnavailableException": (
            "ServiceUnavailableException",
            "ServiceUnavailable",
            "The service is unavailable (injected fault).",
            503,
        ),
        "ServiceFailureException": (
            "ServiceFailureException",
            "ServiceFailure",
            "The service failed (injected fault).",
            500,
        ),
    }


def test_unknown_routes_get_an_aws_shaped_404(seeded: EmulatorServer) -> None:
    status, headers, body = request(seeded.url, "PUT", "/accounts/x/rooms")
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")
    assert body == {
        "Code": "NotFound",
        "Message": "No Chime API operation at PUT /accounts/x/rooms.",
    }
    assert seeded.calls() == {}


def test_malformed_json_body_is_a_bad_request(seeded: EmulatorServer) -> None:
    path = f"/accounts/{ACCOUNT}/rooms/room-0000/memberships"
    status, headers, body = request(seeded.url, "POST", path, raw=b"[1, 2]")
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert body == {"Code": "BadRequest", "Message": "The request body must be a JSON object."}


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("get_account", {"AccountId": ""}, "AccountId is required."),
        ("get_account", {"AccountId": " "}, "AccountId is required."),
        ("list_users", {"AccountId": ""}, "AccountId is required."),
        ("get_user", {"AccountId": ACCOUNT, "UserId": ""}, "UserId is required."),
        ("list_bots", {"AccountId": ""}, "AccountId is required."),
        ("list_rooms", {"AccountId": " "}, "AccountId is required."),
        ("get_room", {"AccountId": ACCOUNT, "RoomId": ""}, "RoomId is required."),
        ("list_room_memberships", {"AccountId": ACCOUNT, "RoomId": ""}, "RoomId is required."),
        (
            "create_room_membership",
            {"AccountId": ACCOUNT, "RoomId": "", "MemberId": "bob-id"},
            "RoomId is required.",
        ),
        (
            "batch_create_room_membership",
            {"AccountId": "", "RoomId": "room-0000", "MembershipItemList": []},
            "AccountId is required.",
        ),
        (
            "update_room_membership",
            {"AccountId": ACCOUNT, "RoomId": "room-0000", "MemberId": "", "Role": "Member"},
            "MemberId is required.",
        ),
        (
            "delete_room_membership",
            {"AccountId": ACCOUNT, "RoomId": "room-0000", "MemberId": " "},
            "MemberId is required.",
        ),
    ],
)
def test_blank_ids_in_the_path_are_bad_requests(
    seeded: EmulatorServer, chime: Any, operation: str, params: dict[str, Any], message: str
) -> None:
    # botocore sends an empty label as is (GET /accounts/): the model's pattern .*\S.* refuses
    # it, and the operation is still known, so boto3 raises the modelled exception.
    error = raised(getattr(chime, operation), **params)
    assert isinstance(error, chime.exceptions.BadRequestException)
    assert summary(error) == ("BadRequestException", "BadRequest", message, 400)
    operation_name = chime.meta.method_to_api_mapping[operation]
    assert seeded.calls() == {operation_name: 1}
