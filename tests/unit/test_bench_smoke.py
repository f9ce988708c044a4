"""The benchmark's own machinery on a tiny scenario: its lower bounds, and a run through the
real CLI and boto3 against the emulator (the full benchmark is `make bench`)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import scenarios
from bench.bounds import (
    BATCH_CREATE,
    DELETE,
    LIST_BOTS,
    LIST_MEMBERSHIPS,
    LIST_ROOMS,
    LIST_USERS,
    UPDATE,
    Limits,
    apply_bound,
    user_resolution_bound,
)
from bench.measure import Case, Runner
from reconciler.emulator import EmulatorServer, FaultConfig

ORDER = [f"u{i}@example.com" for i in range(450)]  # three pages of 200


@pytest.mark.parametrize(
    ("wanted", "calls"),
    [
        (ORDER[400:402], 2),  # both on the last page: two lookups beat three pages
        (ORDER[::5], 3),  # 90 spread over every page: one sweep
        (ORDER[:5], 1),  # all on the first page: the sweep stops there
        ([*ORDER[:150], "ghost@example.com"], 2),  # first page, then one lookup
        ([f"ghost{i}@example.com" for i in range(5)], 3),  # only a full sweep proves absence
        ([], 0),
    ],
)
def test_user_resolution_bound_is_the_cheapest_mix_of_pages_and_lookups(
    wanted: list[str], calls: int
) -> None:
    assert user_resolution_bound(ORDER, wanted, 200) == calls


def test_page_and_batch_sizes_come_from_the_botocore_model() -> None:
    assert Limits.from_model() == Limits(
        rooms_page=99, memberships_page=99, users_page=200, bots_page=99, room_batch=50
    )


def test_apply_bound_counts_batches_updates_removals_and_the_verification_read() -> None:
    world = scenarios.drift(rooms=3, members=60, undeclared_rooms=0)
    limits = Limits(rooms_page=99, memberships_page=50, users_page=200, bots_page=99, room_batch=50)
    bound = apply_bound(world, limits, saved_plan=True)
    # per room: 2 adds in one batch, 2 role changes, 1 removal; 59 members listed before,
    # 60 after: two pages of 50 each time (3 rooms planned again, then verified); the
    # re-plan resolves the rooms' names, the 6 new users (one page) and the bot
    assert bound == {
        LIST_ROOMS: 1,
        LIST_USERS: 1,
        LIST_BOTS: 1,
        BATCH_CREATE: 3,
        UPDATE: 6,
        DELETE: 3,
        LIST_MEMBERSHIPS: 12,
    }


def test_apply_file_bound_plans_again_only_the_rooms_the_saved_plan_changes() -> None:
    drift = scenarios.drift(rooms=2, members=60, undeclared_rooms=0)
    steady = scenarios.steady(rooms=3, members=120, teams=1)  # unchanged, two pages each
    world = replace(drift, rooms=drift.rooms + steady.rooms, users=drift.users + steady.users)
    limits = Limits(rooms_page=99, memberships_page=50, users_page=200, bots_page=99, room_batch=50)

    saved = apply_bound(world, limits, saved_plan=True)
    planned = apply_bound(world, limits, saved_plan=False)

    # the 2 changed rooms: 2 pages read, 2 verified; apply --auto-approve also reads the
    # 3 unchanged rooms (3 pages of 50 for 120 members)
    assert saved[LIST_MEMBERSHIPS] == 2 * 2 + 2 * 2
    assert planned[LIST_MEMBERSHIPS] == saved[LIST_MEMBERSHIPS] + 3 * 3


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("faults", "saved_plan"),
    [
        (FaultConfig(), False),
        (FaultConfig(throttle_rate=0.2, seed=3), False),
        (FaultConfig(), True),
    ],
    ids=["clean", "throttled", "saved-plan"],
)
def test_bench_case_runs_plan_apply_plan_at_the_lower_bound(
    emulator: EmulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    faults: FaultConfig,
    saved_plan: bool,
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_CAP_MS", "5")
    world = scenarios.drift(rooms=3, members=8, undeclared_rooms=1)
    runner = Runner(emulator, tmp_path, Limits.from_model())

    case = Case("tiny", "3 rooms x 8 members", world, faults=faults, saved_plan=saved_plan)
    result = runner.run(case)

    assert result.problems == []
    assert [s.command for s in result.steps] == ["plan", "apply", "plan again"]
    plan, applied, _ = result.steps
    assert plan.bound[LIST_USERS] == 1  # 6 new users, one page of users
    assert {op: applied.made(op) - applied.throttled.get(op, 0) for op in applied.calls} == {
        op: n for op, n in applied.bound.items() if n
    }
    retried = sum(sum(s.throttled.values()) for s in result.steps)
    assert (retried > 0) == (faults.throttle_rate > 0)
