"""Applying plans through the real boto3 client against the emulator: convergence, exact
call counts, faults, and failures reported per member."""

from __future__ import annotations

import functools
import json
import math
import urllib.request
from typing import Any

import pytest

from reconciler.applier import apply
from reconciler.apply_result import ApplyResult
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget, Safety
from reconciler.emulator import EmulatorServer
from reconciler.live import LiveState
from reconciler.plan import Action, Plan
from reconciler.planner import plan as make_plan
from reconciler.providers import RetryPolicy, RoomsProvider, make_client
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey, TargetKind
from reconciler.render.apply import render_apply

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
FILE = "desired-state/rooms.yaml"
FAST = RetryPolicy(attempts=12, base=0.001, cap=0.005)
A, M = Role.ADMINISTRATOR, Role.MEMBER


def seed(
    users: int, rooms: dict[str, list[tuple[str, str]]], drop: tuple[int, ...] = ()
) -> dict[str, Any]:
    """Users u0..u{n-1}@example.com (ids uid-N) except ``drop``; bots PagerBot and
    DeployBot; webhook Alerts; rooms by id (name = id without ``id-``)."""
    return {
        "accounts": [
            {
                "id": ACC,
                "name": "Example Corp",
                "users": [
                    {"id": f"uid-{i}", "email": f"u{i}@example.com"}
                    for i in range(users)
                    if i not in drop
                ],
                "bots": [
                    {"id": "bid-PagerBot", "name": "PagerBot"},
                    {"id": "bid-DeployBot", "name": "DeployBot"},
                ],
                "webhooks": [{"id": "wid-Alerts", "name": "Alerts"}],
                "rooms": [
                    {
                        "id": rid,
                        "name": rid.removeprefix("id-"),
                        "memberships": [{"member": m, "role": r} for m, r in ms],
                    }
                    for rid, ms in rooms.items()
                ],
            }
        ]
    }


def users(ids: range | list[int], role: str = "Member") -> list[tuple[str, str]]:
    return [(f"u{i}@example.com", role) for i in ids]


def member(ref: str, role: Role = M) -> DesiredMember:
    return DesiredMember(MemberRef.parse(ref), role, (Provenance(role, Location(FILE, 3)),))


def room(name: str, *members: DesiredMember, prune: bool = True) -> DesiredTarget:
    return DesiredTarget(
        key=TargetKey(TargetKind.ROOM, ACC, name),
        target_id=None,
        prune=prune,
        members=tuple(sorted(members, key=lambda m: m.ref)),
        location=Location(FILE, 1),
    )


def key(name: str) -> TargetKey:
    return TargetKey(TargetKind.ROOM, ACC, name)


def calls(emulator: EmulatorServer) -> dict[str, int]:
    with urllib.request.urlopen(f"{emulator.url}/_emulator/calls", timeout=5) as resp:
        counts: dict[str, int] = json.load(resp)
    return counts


@functools.cache
def client_for(url: str) -> Any:
    """One client per emulator (a fresh provider is cheap; a fresh client is not)."""
    return make_client("chime", endpoint_url=url)


def provider(emulator: EmulatorServer) -> RoomsProvider:
    return RoomsProvider(client_for(emulator.url), parallelism=4, retry=FAST)


def memberships(emulator: EmulatorServer, room_id: str) -> dict[str, str]:
    """The room's live memberships as member id -> role, from the emulator's state."""
    for r in emulator.state()["accounts"][0]["rooms"]:
        if r["id"] == room_id:
            return {m["member"]: m["role"] for m in r["memberships"]}
    raise KeyError(room_id)


# ops: promote u1, demote u2, remove u4..u9, promote PagerBot, add u100..u169 (70).
# dev: add u200..u259 (60), u200 as Administrator.  lab (prune off): add u12 as admin.
START = {
    "id-ops": [
        ("u0@example.com", "Administrator"),
        ("u1@example.com", "Member"),
        ("u2@example.com", "Administrator"),
        *users(range(3, 10)),
        ("bot:PagerBot", "Member"),
        ("webhook:Alerts", "Member"),
    ],
    "id-dev": [],
    "id-lab": users([10, 11]),
}
DESIRED = DesiredState(
    targets=(
        room(
            "dev",
            member("u200@example.com", A),
            *(member(f"u{i}@example.com") for i in range(201, 260)),
        ),
        room("lab", member("u12@example.com", A), prune=False),
        room(
            "ops",
            member("u0@example.com", A),
            member("u1@example.com", A),
            member("u2@example.com"),
            member("u3@example.com"),
            member("bot:PagerBot", A),
            *(member(f"u{i}@example.com") for i in range(100, 170)),
        ),
    )
)


def read_and_plan(rooms: RoomsProvider) -> tuple[LiveState, Plan]:
    live = rooms.read(DESIRED)
    return live, make_plan(DESIRED, live)


def assert_converged(emulator: EmulatorServer) -> None:
    """A fresh read plans no changes, and nothing undeclared was removed."""
    live, again = read_and_plan(provider(emulator))
    assert live.problems == ()
    assert again.changes == ()
    assert memberships(emulator, "id-lab") == {
        "uid-10": "Member",
        "uid-11": "Member",
        "uid-12": "Administrator",
    }
    ops = memberships(emulator, "id-ops")
    assert ops["wid-Alerts"] == "Member"
    assert set(ops) == {"uid-0", "uid-1", "uid-2", "uid-3", "bid-PagerBot", "wid-Alerts"} | {
        f"uid-{i}" for i in range(100, 170)
    }


def test_apply_converges_with_the_fewest_calls(emulator: EmulatorServer) -> None:
    emulator.reset(seed(300, START))
    rooms = provider(emulator)
    _, the_plan = read_and_plan(rooms)
    assert (the_plan.summary.add, the_plan.summary.change, the_plan.summary.remove) == (131, 3, 6)
    emulator.reset_calls()

    result = apply(the_plan, rooms, parallelism=4, retry=FAST)

    assert render_apply(result, twins=frozenset()) == [
        "Apply complete! Memberships: 131 added, 3 changed, 6 removed."
    ]
    per_room_items = {"ops": 70 + 1, "dev": 60, "lab": 1}  # ops: PagerBot re-created as admin
    assert calls(emulator) == {
        "BatchCreateRoomMembership": sum(math.ceil(n / 50) for n in per_room_items.values()),
        "UpdateRoomMembership": 2,  # u1 promoted, u2 demoted (users change in place)
        "DeleteRoomMembership": 6 + 1,  # u4..u9, and PagerBot before its re-creation
    }
    assert memberships(emulator, "id-ops")["bid-PagerBot"] == "Administrator"
    assert_converged(emulator)


def test_verification_reread_of_touched_rooms_costs_only_their_listings(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(300, START))
    rooms = provider(emulator)
    _, the_plan = read_and_plan(rooms)
    result = apply(the_plan, rooms, parallelism=4, retry=FAST)
    emulator.reset_calls()
    live = rooms.read(DESIRED, only=result.touched)
    assert make_plan(DESIRED, live).changes == ()
    # dev 60 members: 1 page; lab 3: 1 page; ops 76: 1 page
    assert calls(emulator) == {"ListRoomMemberships": 3}


@pytest.mark.parametrize("fault_seed", [1, 2, 3])
def test_apply_converges_under_throttling_server_errors_and_item_errors(
    emulator: EmulatorServer, fault_seed: int
) -> None:
    emulator.reset(seed(300, START))
    _, the_plan = read_and_plan(provider(emulator))
    emulator.set_faults(throttle_rate=0.2, error_rate=0.2, item_error_rate=0.2, seed=fault_seed)

    result = apply(the_plan, provider(emulator), parallelism=4, retry=FAST)

    assert result.failed == ()
    counts = calls(emulator)
    assert counts["Throttled"] > 0
    assert counts["BatchCreateRoomMembership"] > 5  # failed items were re-batched
    emulator.set_faults()
    assert_converged(emulator)


def test_member_gone_between_plan_and_apply_is_reported_and_the_rest_applied(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(300, START))
    _, the_plan = read_and_plan(provider(emulator))
    emulator.reset(seed(300, START, drop=(150,)))  # u150 deleted from the account meanwhile
    emulator.reset_calls()

    result = apply(the_plan, provider(emulator), parallelism=4, retry=FAST)

    assert render_apply(result, twins=frozenset()) == [
        "Applied:",  # issue 15: what was done too; past 20 changes, per room
        "  ok dev: 60 added, 0 changed, 0 removed",
        "  ok lab: 1 added, 0 changed, 0 removed",
        "  ok ops: 69 added, 3 changed, 6 removed",
        "Failed:",
        f"  ! + u150@example.com (Member) in ops: NotFound: Member uid-150 not found in "
        f"account {ACC} "
        "(a member is a user id or a bot id).",
        "Apply incomplete: 1 of 140 changes failed (139 applied: 130 added, 3 changed, 6 removed).",
    ]
    assert (result.added, result.changed, result.removed) == (130, 3, 6)
    assert calls(emulator)["BatchCreateRoomMembership"] == 5  # NotFound is not retried
    ops = memberships(emulator, "id-ops")
    assert "uid-150" not in ops and {f"uid-{i}" for i in range(100, 170) if i != 150} <= set(ops)


def test_member_added_meanwhile_with_another_role_gets_the_declared_role(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(10, {"id-ops": users([0], "Administrator")}))
    want = DesiredState(
        targets=(room("ops", member("u0@example.com", A), member("u5@example.com", A)),)
    )
    rooms = provider(emulator)
    the_plan = make_plan(want, rooms.read(want))
    rooms.api.client.create_room_membership(
        AccountId=ACC, RoomId="id-ops", MemberId="uid-5", Role="Member"
    )
    emulator.reset_calls()

    result = apply(the_plan, rooms, retry=FAST)

    assert result.ok and result.added == 1
    # (issue 14) the Conflict reads the live role first: an update only when it differs
    assert calls(emulator) == {
        "BatchCreateRoomMembership": 1,
        "ListRoomMemberships": 1,
        "UpdateRoomMembership": 1,
    }
    assert memberships(emulator, "id-ops") == {"uid-0": "Administrator", "uid-5": "Administrator"}


def test_member_removed_meanwhile_counts_as_already_gone(emulator: EmulatorServer) -> None:
    emulator.reset(seed(10, {"id-ops": [*users([0], "Administrator"), *users([1, 2])]}))
    want = DesiredState(targets=(room("ops", member("u0@example.com", A)),))
    rooms = provider(emulator)
    the_plan = make_plan(want, rooms.read(want))
    assert [c.action for c in the_plan.changes] == [Action.DELETE, Action.DELETE]
    rooms.api.client.delete_room_membership(AccountId=ACC, RoomId="id-ops", MemberId="uid-1")

    result = apply(the_plan, rooms, retry=FAST)

    # (issue 14: reported as what happened, not as removed by this apply)
    assert render_apply(result, twins=frozenset()) == [
        "Apply complete! Memberships: 0 added, 0 changed, 1 removed (1 already gone)."
    ]
    assert memberships(emulator, "id-ops") == {"uid-0": "Administrator"}


def test_bot_demotion_waits_until_the_new_administrator_is_in(emulator: EmulatorServer) -> None:
    emulator.reset(seed(5, {"id-ops": [("bot:PagerBot", "Administrator"), *users([1])]}))
    want = DesiredState(
        targets=(
            room(
                "ops", member("bot:PagerBot"), member("u1@example.com", A), member("u2@example.com")
            ),
        )
    )
    rooms = provider(emulator)
    the_plan = make_plan(want, rooms.read(want))
    emulator.reset_calls()

    result: ApplyResult = apply(the_plan, rooms, retry=FAST)

    assert result.ok and (result.added, result.changed) == (1, 2)
    # u1 promoted first; then PagerBot deleted, and re-created as Member in u2's batch
    assert calls(emulator) == {
        "BatchCreateRoomMembership": 1,
        "UpdateRoomMembership": 1,
        "DeleteRoomMembership": 1,
    }
    assert memberships(emulator, "id-ops") == {
        "bid-PagerBot": "Member",
        "uid-1": "Administrator",
        "uid-2": "Member",
    }
    assert [c.member_kind for c in the_plan.changes if c.action is Action.UPDATE] == [
        MemberKind.BOT,
        MemberKind.USER,
    ]


def test_bot_demotion_waits_for_a_new_administrator_created_in_a_batch(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(5, {"id-ops": [("bot:PagerBot", "Administrator"), *users([1])]}))
    want = DesiredState(targets=(room("ops", member("bot:PagerBot"), member("u2@example.com", A)),))
    rooms = provider(emulator)
    the_plan = make_plan(want, rooms.read(want))
    emulator.reset_calls()

    result = apply(the_plan, rooms, retry=FAST, safety=Safety(min_administrators=1))

    assert result.ok and (result.added, result.changed, result.removed) == (1, 1, 1)
    # PagerBot, the only administrator, leaves only once u2 is in: two batches
    assert calls(emulator) == {"BatchCreateRoomMembership": 2, "DeleteRoomMembership": 2}
    assert memberships(emulator, "id-ops") == {"bid-PagerBot": "Member", "uid-2": "Administrator"}


def test_a_full_room_swaps_members_in_one_apply(emulator: EmulatorServer) -> None:
    # 1,000 members (the room quota): replace 30 of them. Removals of non-administrators
    # go first, so the adds find room and one apply converges.
    start = [("u0@example.com", "Administrator"), *users(range(1, 1000))]
    emulator.reset(seed(1030, {"id-full": start}))
    keep = [member("u0@example.com", A), *(member(f"u{i}@example.com") for i in range(1, 970))]
    fresh = [member(f"u{i}@example.com") for i in range(1000, 1030)]
    want = DesiredState(targets=(room("full", *keep, *fresh),))
    rooms = provider(emulator)
    result = apply(make_plan(want, rooms.read(want)), rooms, parallelism=4, retry=FAST)
    assert (result.ok, result.added, result.removed) == (True, 30, 30)
    assert not make_plan(want, rooms.read(want)).has_changes


def test_a_bot_deleted_for_its_new_role_and_not_created_again_is_reported_absent(
    emulator: EmulatorServer,
) -> None:
    """QA3 Q3: a bot's role changes by delete and create; the create failing for good
    leaves it out of the room, and the result says so (not a plain failure that reads
    as "nothing changed for it"); an apply again adds it back."""
    emulator.reset(
        seed(5, {"id-ops": [("u0@example.com", "Administrator"), ("bot:PagerBot", "Member")]})
    )
    want = DesiredState(
        targets=(room("ops", member("u0@example.com", A), member("bot:PagerBot", A)),)
    )
    the_plan = make_plan(want, provider(emulator).read(want))
    # refused (throttled past the budget), not answered 5xx: a 5xx may have been made
    emulator.set_faults(throttle_rate=1.0, operations=["BatchCreateRoomMembership"])
    result = apply(the_plan, provider(emulator), parallelism=4, retry=RetryPolicy(attempts=1))
    assert [(r.outcome, r.left_absent) for r in result.results] == [("failed", True)]
    assert memberships(emulator, "id-ops") == {"uid-0": "Administrator"}  # the bot is out
    assert render_apply(result, twins=frozenset())[0] == "Failed:"
    assert render_apply(result, twins=frozenset())[1].startswith(
        "  ! ~ bot:PagerBot: Member -> Administrator (replace: bots cannot be updated in "
        "place) in ops: removed as Member, not added back as Administrator "
        "(absent now: apply again adds it): ThrottledClientException"
    )
    # the delete fails (refused)
    emulator.set_faults(throttle_rate=1.0, operations=["DeleteRoomMembership"])
    result = apply(the_plan, provider(emulator), parallelism=4, retry=RetryPolicy(attempts=1))
    assert [(r.outcome, r.left_absent) for r in result.results] == [("failed", False)]
    emulator.set_faults()
    again = make_plan(want, provider(emulator).read(want))
    assert [(c.action, c.member.key) for c in again.changes] == [(Action.CREATE, "PagerBot")]
    assert apply(again, provider(emulator), retry=FAST).ok
    assert memberships(emulator, "id-ops") == {
        "uid-0": "Administrator",
        "bid-PagerBot": "Administrator",
    }
