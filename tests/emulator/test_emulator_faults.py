"""Fault injection: deterministic from a seed, per operation, threads or not."""

from __future__ import annotations

import threading
import time
from typing import Any
from unittest.mock import ANY

import pytest
from botocore.exceptions import ClientError
from emulator_http import request
from emulator_seeds import ACCOUNT, account_seed, room_id, small_seed, user_id

from reconciler.emulator import EmulatorServer, FaultConfig, FaultConfigError
from reconciler.emulator.faults import FaultInjector


def outcomes(call: Any, times: int, **params: Any) -> list[str]:
    """For each call: "ok" or the HTTP status it failed with."""
    found = []
    for _ in range(times):
        try:
            call(**params)
            found.append("ok")
        except ClientError as exc:
            found.append(str(exc.response["ResponseMetadata"]["HTTPStatusCode"]))
    return found


@pytest.fixture
def seeded(emulator: EmulatorServer) -> EmulatorServer:
    emulator.reset(small_seed())
    return emulator


def test_the_same_seed_throttles_the_same_calls_each_run(
    seeded: EmulatorServer, chime: Any
) -> None:
    seeded.set_faults(throttle_rate=0.3, seed=7)
    first = outcomes(chime.list_rooms, 40, AccountId=ACCOUNT)
    seeded.set_faults(throttle_rate=0.3, seed=7)
    second = outcomes(chime.list_rooms, 40, AccountId=ACCOUNT)
    assert first == second
    assert 6 <= first.count("429") <= 20
    assert set(first) == {"ok", "429"}
    seeded.set_faults(throttle_rate=0.3, seed=8)
    assert outcomes(chime.list_rooms, 40, AccountId=ACCOUNT) != first


def test_throttled_calls_are_counted_per_operation_and_as_throttled(
    seeded: EmulatorServer, chime: Any
) -> None:
    seeded.set_faults(throttle_rate=0.5, seed=1)
    found = outcomes(chime.list_bots, 30, AccountId=ACCOUNT)
    assert seeded.calls() == {"ListBots": 30, "Throttled": found.count("429")}


def test_decisions_follow_each_operations_own_call_count_across_threads(
    seeded: EmulatorServer, chime_client: Any
) -> None:
    seeded.set_faults(throttle_rate=0.4, error_rate=0.2, seed=11)
    alone_rooms = outcomes(chime_client().list_rooms, 25, AccountId=ACCOUNT)
    alone_bots = outcomes(chime_client().list_bots, 25, AccountId=ACCOUNT)

    seeded.set_faults(throttle_rate=0.4, error_rate=0.2, seed=11)
    results: dict[str, list[str]] = {}

    def run(name: str, call: Any) -> None:
        results[name] = outcomes(call, 25, AccountId=ACCOUNT)

    threads = [
        threading.Thread(target=run, args=("rooms", chime_client().list_rooms)),
        threading.Thread(target=run, args=("bots", chime_client().list_bots)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {"rooms": alone_rooms, "bots": alone_bots}
    assert {"ok", "429"} <= set(alone_rooms)


def test_error_rate_answers_5xx(seeded: EmulatorServer, chime: Any) -> None:
    seeded.set_faults(error_rate=0.5, seed=5)
    found = outcomes(chime.get_room, 40, AccountId=ACCOUNT, RoomId="room-0000")
    assert set(found) == {"ok", "500", "503"}
    assert 10 <= found.count("500") + found.count("503") <= 30
    assert "Throttled" not in seeded.calls()


def test_operations_limit_the_random_faults_to_the_calls_named(
    seeded: EmulatorServer, chime: Any
) -> None:
    seeded.set_faults(throttle_rate=1.0, operations=["ListBots"])
    assert outcomes(chime.list_rooms, 3, AccountId=ACCOUNT) == ["ok"] * 3
    assert outcomes(chime.list_bots, 3, AccountId=ACCOUNT) == ["429"] * 3
    assert request(seeded.url, "GET", "/_emulator/faults")[2]["operations"] == ["ListBots"]
    changes = {"throttle_rate": 0, "error_rate": 1.0, "operations": []}
    status, _, _ = request(seeded.url, "POST", "/_emulator/faults", changes)
    assert status == 200
    assert set(outcomes(chime.list_rooms, 4, AccountId=ACCOUNT)) <= {"500", "503"}


def test_item_error_rate_fails_items_with_throttled_and_skips_them(
    emulator: EmulatorServer, chime: Any
) -> None:
    emulator.reset(account_seed(users=40, rooms=1))
    emulator.set_faults(item_error_rate=0.5, seed=2)
    room = {"AccountId": ACCOUNT, "RoomId": room_id(0)}
    items = [{"MemberId": user_id(i), "Role": "Member"} for i in range(40)]
    response = chime.batch_create_room_membership(**room, MembershipItemList=items)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 201
    failed = [e["MemberId"] for e in response["Errors"]]
    assert {(e["ErrorCode"], e["ErrorMessage"]) for e in response["Errors"]} == {
        ("Throttled", "Rate exceeded.")
    }
    assert 8 <= len(failed) <= 32
    added = set(emulator.backend.room_members(ACCOUNT, room_id(0)))
    assert added == {user_id(i) for i in range(40)} - set(failed)


def test_latency_delays_every_call(seeded: EmulatorServer, chime: Any) -> None:
    seeded.set_faults(latency_ms=80)
    started = time.perf_counter()
    chime.list_rooms(AccountId=ACCOUNT)
    assert time.perf_counter() - started >= 0.08


def test_tps_quota_throttles_calls_beyond_the_rate(seeded: EmulatorServer, chime: Any) -> None:
    seeded.set_faults(tps=5)
    started = time.monotonic()
    burst = outcomes(chime.list_rooms, 20, AccountId=ACCOUNT)
    took = time.monotonic() - started
    assert burst[:5] == ["ok"] * 5
    # the bucket's 5, and those it refilled while the burst ran (a loaded machine's burst
    # is slower, never faster than the rate): not one call more
    assert burst.count("ok") <= 5 + 5 * took, (burst, took)
    assert "429" in burst  # 20 calls take 3 s at 5 per second
    assert seeded.calls()["Throttled"] == burst.count("429")
    time.sleep(0.25)  # refills at 5 per second: one more call fits
    assert outcomes(chime.list_rooms, 1, AccountId=ACCOUNT) == ["ok"]


def test_tps_quota_refills_at_the_rate_with_a_burst_of_one_second() -> None:
    now = [0.0]
    injector = FaultInjector(FaultConfig(tps=2), clock=lambda: now[0])
    allowed = [injector.decide("ListRooms").error is None for _ in range(4)]
    assert allowed == [True, True, False, False]
    now[0] = 0.5
    assert injector.decide("ListRooms").error is None
    assert injector.decide("ListRooms").error is not None
    now[0] = 10.0
    assert [injector.decide("GetRoom").error is None for _ in range(3)] == [True, True, False]


def test_admin_api_is_never_faulted_or_counted(seeded: EmulatorServer, chime: Any) -> None:
    seeded.set_faults(throttle_rate=1.0, error_rate=1.0, tps=1)
    for _ in range(3):
        assert request(seeded.url, "GET", "/_emulator/state")[0] == 200
    assert request(seeded.url, "GET", "/_emulator/calls") == (200, ANY, {})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"throttle_rate": 1.5}, "throttle_rate must be between 0 and 1, got 1.5"),
        ({"error_rate": -0.1}, "error_rate must be between 0 and 1, got -0.1"),
        ({"conflict_rate": 2}, "conflict_rate must be between 0 and 1, got 2.0"),
        ({"latency_ms": "slow"}, "latency_ms must be a number, got 'slow'"),
        ({"tps": -1}, "tps must be positive (0 or null: no quota), got -1.0"),
        ({"seed": 1.5}, "seed must be an integer, got 1.5"),
        ({"tps": float("nan")}, "tps must be a finite number, got nan"),
        ({"error_rate": float("nan")}, "error_rate must be a finite number, got nan"),
        ({"latency_ms": float("inf")}, "latency_ms must be a finite number, got inf"),
        (
            {"jitter": 1},
            "unknown fault setting 'jitter' (expected any of: conflict_rate, error_rate, "
            "error_type_header, item_error_rate, latency_ms, operations, quotas, "
            "retry_after, seed, throttle_rate, tps, whole_call_limit)",
        ),
        ({"error_type_header": 0}, "error_type_header must be true or false, got 0"),
        ({"retry_after": 1.5}, "retry_after must be whole seconds or null, got 1.5"),
        ({"retry_after": 3601}, "retry_after must be between 0 and 3600 seconds, got 3601"),
        (
            {"operations": "ListRooms"},
            "operations must be a list of operation names, got 'ListRooms'",
        ),
        ({"operations": ["ListRooms", 3]}, "operations must be operation names, got 3"),
        (  # a typo would be a fault that never fires
            {"operations": ["listrooms"]},
            "operations: the emulator has no operation 'listrooms' (did you mean 'ListRooms'?)",
        ),
        (  # case folded, as every other "did you mean" (QA REREAD 14)
            {"operations": ["getroom"]},
            "operations: the emulator has no operation 'getroom' (did you mean 'GetRoom'?)",
        ),
        ({"operations": ["Bogus"]}, "operations: the emulator has no operation 'Bogus'"),
    ],
)
def test_bad_fault_settings_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(FaultConfigError) as info:
        FaultConfig().updated(changes)
    assert str(info.value) == message


def test_fault_numbers_are_floats_however_given() -> None:
    config = FaultConfig(latency_ms=5, throttle_rate=1, tps=3)
    assert config.to_dict() == {
        "latency_ms": 5.0,
        "throttle_rate": 1.0,
        "error_rate": 0.0,
        "item_error_rate": 0.0,
        "tps": 3.0,
        "seed": 0,
        "quotas": False,
        "operations": [],
        "conflict_rate": 0.0,
        "error_type_header": True,
        "whole_call_limit": False,
        "retry_after": None,
    }
    assert all(isinstance(config.to_dict()[k], float) for k in ("latency_ms", "tps"))
    with pytest.raises(FaultConfigError) as info:
        FaultConfig(latency_ms="slow")  # type: ignore[arg-type]
    assert str(info.value) == "latency_ms must be a number, got 'slow'"


@pytest.mark.parametrize("name", ["latency_ms", "throttle_rate", "error_rate", "tps"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_fault_number_that_is_not_finite_is_refused(name: str, value: float) -> None:
    # nan passes every range check (no comparison with it holds): refused by name
    with pytest.raises(FaultConfigError) as info:
        FaultConfig(**{name: value})
    assert str(info.value) == f"{name} must be a finite number, got {value!r}"


def test_conflict_rate_answers_409_only_where_the_model_lists_conflict_exception(
    seeded: EmulatorServer, chime: Any
) -> None:
    """``conflict_rate 1`` with no ``operations``: reads, batch creates and a room
    membership's delete answer as ever (their botocore models cannot return a
    ConflictException); CreateRoomMembership, whose model lists it, is refused 409."""
    seeded.set_faults(conflict_rate=1.0)
    room = {"AccountId": ACCOUNT, "RoomId": "room-0001"}
    assert outcomes(chime.list_rooms, 3, AccountId=ACCOUNT) == ["ok"] * 3
    assert outcomes(chime.list_room_memberships, 3, **room) == ["ok"] * 3
    items = [{"MemberId": "carol-id", "Role": "Member"}]
    assert outcomes(chime.batch_create_room_membership, 1, **room, MembershipItemList=items) == [
        "ok"
    ]
    assert outcomes(chime.delete_room_membership, 1, **room, MemberId="carol-id") == ["ok"]
    assert outcomes(chime.create_room_membership, 3, **room, MemberId="carol-id") == ["409"] * 3
    model = chime.meta.service_model  # what the 409s follow
    errors = {
        op: {e.name for e in model.operation_model(op).error_shapes}
        for op in ("ListRooms", "BatchCreateRoomMembership", "CreateRoomMembership")
    }
    assert ["ConflictException" in e for e in errors.values()] == [False, False, True]
