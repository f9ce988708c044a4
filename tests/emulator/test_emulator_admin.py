"""The /_emulator/ admin API, over HTTP."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import pytest
from emulator_http import request
from emulator_seeds import ACCOUNT, small_seed

from reconciler.emulator import EmulatorServer, FaultConfig
from reconciler.emulator.seed import derived_id

NO_FAULTS = {
    "latency_ms": 0.0,
    "throttle_rate": 0.0,
    "error_rate": 0.0,
    "item_error_rate": 0.0,
    "tps": None,
    "seed": 0,
    "quotas": False,
    "operations": [],
    "conflict_rate": 0.0,
    "error_type_header": True,
    "whole_call_limit": False,
    "retry_after": None,
}


def test_calls_counts_served_operations_until_reset(emulator: EmulatorServer, chime: Any) -> None:
    emulator.reset(small_seed())
    chime.list_rooms(AccountId=ACCOUNT)
    chime.list_rooms(AccountId=ACCOUNT)
    with pytest.raises(chime.exceptions.NotFoundException):
        chime.get_room(AccountId=ACCOUNT, RoomId="nope")
    assert request(emulator.url, "GET", "/_emulator/calls") == (
        200,
        ANY,
        {"GetRoom": 1, "ListRooms": 2},
    )
    assert request(emulator.url, "POST", "/_emulator/calls/reset") == (200, ANY, {})
    assert emulator.calls() == {}
    assert len(emulator.backend.room_members(ACCOUNT, "room-0000")) == 4


def test_state_is_a_seed_document_that_reset_restores(emulator: EmulatorServer, chime: Any) -> None:
    emulator.reset(small_seed())
    chime.delete_room_membership(AccountId=ACCOUNT, RoomId="room-0000", MemberId="bob-id")
    status, _, state = request(emulator.url, "GET", "/_emulator/state")
    assert status == 200
    assert state["accounts"][0]["rooms"][0] == {
        "id": "room-0000",
        "name": "incident-response",
        "memberships": [
            {"member": "alice-id", "role": "Administrator"},
            {"member": "pager-id", "role": "Member"},
            {"member": "hook-id", "role": "Member"},
        ],
    }
    assert state["accounts"][0]["webhooks"] == [{"id": "hook-id", "name": "Alerts"}]
    emulator.reset()
    assert request(emulator.url, "POST", "/_emulator/reset", state) == (
        200,
        ANY,
        {"status": "reset"},
    )
    assert emulator.state() == state


def test_reset_without_a_body_returns_to_the_starting_seed_and_faults() -> None:
    with EmulatorServer(seed=small_seed(), faults=FaultConfig(latency_ms=1)) as emu:
        emu.backend.delete_room_membership(ACCOUNT, "room-0000", "bob-id")
        request(emu.url, "POST", "/_emulator/faults", {"throttle_rate": 0.5})
        request(emu.url, "GET", f"/accounts/{ACCOUNT}")
        assert request(emu.url, "POST", "/_emulator/reset")[0] == 200
        assert "bob-id" in emu.backend.room_members(ACCOUNT, "room-0000")
        assert emu.calls() == {}
        assert emu.faults == FaultConfig(latency_ms=1)


def test_faults_change_only_the_knobs_given(emulator: EmulatorServer) -> None:
    status, _, faults = request(
        emulator.url, "POST", "/_emulator/faults", {"throttle_rate": 0.25, "seed": 9}
    )
    assert (status, faults) == (200, {**NO_FAULTS, "throttle_rate": 0.25, "seed": 9})
    _, _, faults = request(emulator.url, "POST", "/_emulator/faults", {"tps": 50})
    assert faults == {**NO_FAULTS, "throttle_rate": 0.25, "seed": 9, "tps": 50.0}
    assert request(emulator.url, "GET", "/_emulator/faults")[2] == faults
    assert emulator.faults == FaultConfig(throttle_rate=0.25, seed=9, tps=50)


def test_bad_admin_requests_are_aws_shaped_400s(emulator: EmulatorServer) -> None:
    status, headers, body = request(emulator.url, "POST", "/_emulator/faults", {"error_rate": 2})
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert body == {"Code": "BadRequest", "Message": "error_rate must be between 0 and 1, got 2.0"}
    seed = {"accounts": [{"name": "X", "rooms": [{"name": "r", "memberships": [{"member": "z"}]}]}]}
    status, _, body = request(emulator.url, "POST", "/_emulator/reset", seed)
    assert status == 400
    assert body["Message"] == (
        "POST /_emulator/reset: accounts[0].rooms[0].memberships[0].member: "
        f"no user, bot or webhook 'z' in account {derived_id('account', 'X')}"
    )
    status, _, body = request(emulator.url, "POST", "/_emulator/reset", raw=b"{nope")
    assert status == 400
    assert body["Message"].startswith("The request body is not valid JSON: ")


def test_unknown_admin_paths_are_404(emulator: EmulatorServer) -> None:
    assert request(emulator.url, "GET", "/_emulator/nope") == (
        404,
        ANY,
        {"Code": "NotFound", "Message": "No emulator admin endpoint at GET /_emulator/nope"},
    )


def test_the_server_takes_a_seed_file_path_and_faults_as_a_mapping(chime_client: Any) -> None:
    example = Path(__file__).parent / "seed-example.yaml"
    with EmulatorServer(seed=example, faults={"throttle_rate": 1, "seed": 2}) as server:
        assert server.faults == FaultConfig(throttle_rate=1.0, seed=2)
        assert [a["id"] for a in server.state()["accounts"]] == [
            "11111111-2222-3333-4444-555555555555"
        ]
    with EmulatorServer(seed=str(example)) as server:
        chime = chime_client(server.url)
        assert chime.get_room(AccountId=ACCOUNT, RoomId="room-1")["Room"]["Name"] == (
            "incident-response"
        )


def test_reset_with_a_json_string_is_refused_not_read_as_a_path(emulator: EmulatorServer) -> None:
    status, _, body = request(emulator.url, "POST", "/_emulator/reset", "/etc/hostname")
    message = "POST /_emulator/reset: expected a mapping, got a string"
    assert (status, body) == (400, {"Code": "BadRequest", "Message": message})


def test_timeline_places_each_call_served_on_the_shared_clock(
    emulator: EmulatorServer, chime: Any
) -> None:
    emulator.reset(small_seed())
    before = time.monotonic()
    chime.list_rooms(AccountId=ACCOUNT)
    with pytest.raises(chime.exceptions.NotFoundException):
        chime.get_room(AccountId=ACCOUNT, RoomId="nope")
    after = time.monotonic()
    status, _, doc = request(emulator.url, "GET", "/_emulator/timeline")
    assert status == 200 and doc["clock"] == "monotonic"
    assert [c[0] for c in doc["calls"]] == ["ListRooms", "GetRoom"]  # admin calls are not in it
    for _, arrived, answered in doc["calls"]:
        assert before <= arrived <= answered <= after
    assert request(emulator.url, "POST", "/_emulator/timeline/reset")[2]["calls"] == []
    assert request(emulator.url, "GET", "/_emulator/timeline")[2]["calls"] == []


LONG = "x" * 5000


@pytest.mark.parametrize(
    ("seed", "said"),
    [
        (
            {LONG: 1},
            f"{LONG[:80]}…(5,000 characters): unknown key {LONG[:80]!r}…(5,000 characters)",
        ),
        (
            {
                "accounts": [
                    {"name": "X", "rooms": [{"name": "r", "memberships": [{"member": LONG}]}]}
                ]
            },
            f"no user, bot or webhook {LONG[:80]!r}…(5,000 characters) in account",
        ),
        (
            {"accounts": [{"name": "X", "users": [{"email": LONG}]}]},
            f"malformed email address {LONG[:80]!r}…(5,000 characters)",
        ),
        (
            {"accounts": [{"name": "X", "email_filter": LONG}]},
            f"unknown email_filter {LONG[:80]!r}…(5,000 characters) (expected",
        ),
        (
            {"meetings": [{"external_meeting_id": "mm", "region": LONG}]},
            f"expected a region such as us-east-1, got {LONG[:80]!r}…(5,000 characters)",
        ),
        (
            {"app_instances": [{"id": LONG}]},
            f"malformed app instance id {LONG[:80]!r}…(5,000 characters)",
        ),
        (
            {"app_instances": [{"arn": "arn:" + LONG}]},
            f"malformed app instance ARN {('arn:' + LONG)[:40]!r}…{LONG[-40:]!r}(5,004 characters)",
        ),
    ],
)
def test_a_long_value_in_a_seed_is_quoted_cut_short(
    emulator: EmulatorServer, seed: dict[str, Any], said: str
) -> None:
    """QA-LF Q-LF-6: the seed's refusals quoted a bad value whole, however long (a line of
    10,077 characters for a 5,000-character key); now by the CLI's rule
    (``reconciler.quoted``): a name whole up to 256 characters, a value up to 80, an ARN by
    its ends, else the first 80 characters and the length."""
    status, _, body = request(emulator.url, "POST", "/_emulator/reset", seed)
    assert status == 400
    assert said in body["Message"], body["Message"]
    assert LONG[:81] not in body["Message"] and len(body["Message"]) < 400, body["Message"]


def test_a_name_in_a_seed_is_quoted_whole_up_to_256_characters(emulator: EmulatorServer) -> None:
    """A name, a key or a reference that can be valid stays whole (the CLI's ``named``)."""
    member = "m" * 256
    seed = {
        "accounts": [{"name": "X", "rooms": [{"name": "r", "memberships": [{"member": member}]}]}]
    }
    status, _, body = request(emulator.url, "POST", "/_emulator/reset", seed)
    assert status == 400
    assert f"no user, bot or webhook {member!r} in account" in body["Message"], body["Message"]
