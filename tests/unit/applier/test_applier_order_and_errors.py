"""The applier's logic against an in-memory provider: order, batching, errors, retries."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pytest

from reconciler.applier import apply
from reconciler.apply_result import ApplyResult, ChangeResult
from reconciler.desired.model import Safety
from reconciler.errors import AwsError
from reconciler.interrupt import NOT_STARTED
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, DEFAULT, MODERATOR
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.providers.base import ItemError
from reconciler.providers.retry import RetryPolicy
from reconciler.refs import MemberKind, MemberRef, Role, TargetKey, TargetKind

A, M = Role.ADMINISTRATOR, Role.MEMBER
NO_WAIT = RetryPolicy(attempts=4, base=0.0, cap=0.0, sleep=lambda _: None, rng=random.Random(0))


def key(name: str = "ops") -> TargetKey:
    return TargetKey(TargetKind.ROOM, "acct", name)


class FakeRooms:
    """Rooms as dicts of member id -> role; logs every call; scripted failures."""

    batch_size = 50

    def __init__(self, rooms: Mapping[str, Mapping[str, Role]]) -> None:
        self.rooms = {rid: dict(ms) for rid, ms in rooms.items()}
        self.log: list[tuple[str, str, tuple[str, ...]]] = []
        self.item_errors: dict[str, list[str]] = {}  # member id -> codes, one per attempt
        self.call_errors: dict[tuple[str, str], str] = {}  # (operation, member id) -> code
        self.kinds: dict[str, MemberKind] = {}

    def read(self, desired: object, only: object = None, *, twins: bool = False) -> object:
        raise NotImplementedError

    def can_update_role(self, kind: MemberKind) -> bool:
        return kind is MemberKind.USER

    def _fail(self, op: str, member_id: str) -> None:
        code = self.call_errors.get((op, member_id))
        if code:
            raise AwsError(op, code, f"{op} says {code}")

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, Role]]
    ) -> Mapping[str, ItemError]:
        assert 0 < len(items) <= self.batch_size
        self.log.append(("create", target_id, tuple(f"{m}:{r.value}" for m, r in items)))
        for m, _ in items:
            self._fail("BatchCreateRoomMembership", m)
        errors = {}
        room = self.rooms[target_id]
        for m, r in items:
            scripted = self.item_errors.get(m)
            if scripted:
                code = scripted.pop(0)
                errors[m] = ItemError(m, code, f"item says {code}")
            elif m in room:
                errors[m] = ItemError(m, "Conflict", "already a member")
            else:
                room[m] = r
        return errors

    def update_role(self, target: TargetKey, target_id: str, member_id: str, role: Role) -> None:
        self.log.append(("update", target_id, (f"{member_id}:{role.value}",)))
        self._fail("UpdateRoomMembership", member_id)
        if member_id not in self.rooms[target_id]:
            raise AwsError("UpdateRoomMembership", "NotFoundException", "not a member")
        self.rooms[target_id][member_id] = role

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        self.log.append(("delete", target_id, (member_id,)))
        self._fail("DeleteRoomMembership", member_id)
        if self.rooms[target_id].pop(member_id, None) is None:
            raise AwsError("DeleteRoomMembership", "NotFoundException", "not a member")

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> Role | None:
        self.log.append(("list", target_id, ()))
        return self.rooms[target_id].get(member_id)

    def admins_over_time(self, room: str, start: Mapping[str, Role]) -> list[int]:
        """Administrator counts after each logged call (replaying the log)."""
        state, counts = dict(start), []
        for op, rid, args in self.log:
            if rid != room:
                continue
            for a in args:
                if op == "delete":
                    state.pop(a, None)
                elif op in ("create", "update"):
                    m, _, r = a.rpartition(":")
                    state[m] = Role(r)
            counts.append(sum(r is A for r in state.values()))
        return counts


def change(
    action: Action, who: str, before: Role | None, after: Role | None, room: str = "ops"
) -> Change:
    bot = who.startswith("bot:")
    ref = MemberRef.bot(who[4:]) if bot else MemberRef.user(who)
    return Change(
        action=action,
        target=key(room),
        member=ref,
        member_id=who,
        member_kind=MemberKind.BOT if bot else MemberKind.USER,
        role_before=before,
        role_after=after,
    )


def create(who: str, role: Role = M, room: str = "ops") -> Change:
    return change(Action.CREATE, who, None, role, room)


def update(who: str, before: Role, after: Role, room: str = "ops") -> Change:
    return change(Action.UPDATE, who, before, after, room)


def delete(who: str, role: Role = M, room: str = "ops") -> Change:
    return change(Action.DELETE, who, role, None, room)


def plan_of(*changes: Change, admins: int | None = None) -> Plan:
    """``admins``: the rooms' administrators before the plan (None: unknown)."""
    by_room: dict[TargetKey, list[Change]] = {}
    for c in changes:
        by_room.setdefault(c.target, []).append(c)
    return Plan(
        tuple(
            TargetPlan(
                k,
                k.name,
                "fp",
                tuple(sorted(cs, key=lambda c: c.sort_key)),
                live_elevated=admins,
            )
            for k, cs in sorted(by_room.items())
        )
    )


def run(fake: FakeRooms, *changes: Change, **kw: object) -> ApplyResult:
    return apply(plan_of(*changes), fake, parallelism=4, retry=NO_WAIT, **kw)  # type: ignore[arg-type]


def ops(fake: FakeRooms) -> list[str]:
    return [op for op, _, _ in fake.log]


def test_creates_go_out_in_batches_of_fifty() -> None:
    fake = FakeRooms({"ops": {}})
    result = run(fake, *(create(f"u{i:03}@x.io") for i in range(120)))
    assert [len(args) for _, _, args in fake.log] == [50, 50, 20]
    assert result.ok and result.added == 120
    assert len(fake.rooms["ops"]) == 120


def test_promotions_come_before_demotions_and_removals() -> None:
    start = {"old@x.io": A, "mid@x.io": M, "gone@x.io": A}
    fake = FakeRooms({"ops": start})
    result = run(
        fake,
        delete("gone@x.io", A),
        update("old@x.io", A, M),
        update("mid@x.io", M, A),
        create("new@x.io", A),
    )
    assert fake.log == [
        ("update", "ops", ("mid@x.io:Administrator",)),
        ("create", "ops", ("new@x.io:Administrator",)),
        ("update", "ops", ("old@x.io:Member",)),
        ("delete", "ops", ("gone@x.io",)),
    ]
    assert fake.admins_over_time("ops", start) == [3, 4, 3, 2]
    assert result.ok and (result.added, result.changed, result.removed) == (1, 2, 1)


def test_bot_promotion_is_a_delete_then_a_create_in_the_same_batch_as_new_members() -> None:
    fake = FakeRooms({"ops": {"bot:Pager": M}})
    result = run(fake, update("bot:Pager", M, A), create("new@x.io"))
    assert fake.log == [
        ("delete", "ops", ("bot:Pager",)),
        ("create", "ops", ("bot:Pager:Administrator", "new@x.io:Member")),
    ]
    assert result.ok and fake.rooms["ops"] == {"bot:Pager": A, "new@x.io": M}


def test_bot_demotion_waits_for_promotions_when_an_administrator_is_added() -> None:
    start = {"bot:Pager": A, "amy@x.io": M}
    fake = FakeRooms({"ops": start})
    result = run(fake, update("bot:Pager", A, M), update("amy@x.io", M, A))
    assert fake.log == [
        ("update", "ops", ("amy@x.io:Administrator",)),
        ("delete", "ops", ("bot:Pager",)),
        ("create", "ops", ("bot:Pager:Member",)),
    ]
    assert min(fake.admins_over_time("ops", start)) == 1
    assert result.ok


def test_bot_demotion_shares_the_batch_when_no_administrator_is_added() -> None:
    fake = FakeRooms({"ops": {"bot:Pager": A, "boss@x.io": A}})
    run(fake, update("bot:Pager", A, M), create("new@x.io"))
    assert ops(fake) == ["delete", "create"]
    assert fake.rooms["ops"] == {"bot:Pager": M, "boss@x.io": A, "new@x.io": M}


def test_bots_swapping_administrator_share_one_batch_when_another_admin_stays() -> None:
    # a user stays administrator: the demoted bot may leave before the new admin bot is in
    start = {"boss@x.io": A, "bot:Old": A, "bot:New": M}
    fake = FakeRooms({"ops": start})
    changes = (update("bot:New", M, A), update("bot:Old", A, M), create("amy@x.io"))
    result = apply(
        plan_of(*changes, admins=2), fake, retry=NO_WAIT, safety=Safety(min_administrators=1)
    )  # type: ignore[arg-type]
    assert fake.log == [
        ("delete", "ops", ("bot:New",)),
        ("delete", "ops", ("bot:Old",)),
        ("create", "ops", ("bot:New:Administrator", "bot:Old:Member", "amy@x.io:Member")),
    ]
    assert min(fake.admins_over_time("ops", start)) == 1
    assert result.ok and fake.rooms["ops"] == {
        "boss@x.io": A,
        "bot:New": A,
        "bot:Old": M,
        "amy@x.io": M,
    }


def test_bots_swapping_administrator_take_two_batches_when_the_bot_is_the_only_admin() -> None:
    start = {"bot:Old": A, "bot:New": M}
    fake = FakeRooms({"ops": start})
    changes = (update("bot:New", M, A), update("bot:Old", A, M), create("amy@x.io"))
    result = apply(
        plan_of(*changes, admins=1), fake, retry=NO_WAIT, safety=Safety(min_administrators=1)
    )  # type: ignore[arg-type]
    assert fake.log == [
        ("delete", "ops", ("bot:New",)),
        ("create", "ops", ("bot:New:Administrator", "amy@x.io:Member")),
        ("delete", "ops", ("bot:Old",)),
        ("create", "ops", ("bot:Old:Member",)),
    ]
    assert min(fake.admins_over_time("ops", start)) == 1
    assert result.ok


def test_bot_demotion_shares_the_batch_when_a_user_promotion_covers_it() -> None:
    # no limit given: never below both before (1) and after (1); amy's promotion comes first
    start = {"bot:Pager": A, "amy@x.io": M}
    fake = FakeRooms({"ops": start})
    changes = (update("bot:Pager", A, M), update("amy@x.io", M, A), create("new@x.io", A))
    result = apply(plan_of(*changes, admins=1), fake, retry=NO_WAIT)  # type: ignore[arg-type]
    assert fake.log == [
        ("update", "ops", ("amy@x.io:Administrator",)),
        ("delete", "ops", ("bot:Pager",)),
        ("create", "ops", ("bot:Pager:Member", "new@x.io:Administrator")),
    ]
    assert min(fake.admins_over_time("ops", start)) == 1
    assert result.ok


def test_transient_item_errors_are_retried_rebatching_only_failed_items() -> None:
    fake = FakeRooms({"ops": {}})
    fake.item_errors = {"b@x.io": ["Throttled", "ServiceUnavailable"], "c@x.io": ["ServiceFailure"]}
    result = run(fake, create("a@x.io"), create("b@x.io"), create("c@x.io"))
    assert [args for _, _, args in fake.log] == [
        ("a@x.io:Member", "b@x.io:Member", "c@x.io:Member"),
        ("b@x.io:Member", "c@x.io:Member"),
        ("b@x.io:Member",),
    ]
    assert result.ok and set(fake.rooms["ops"]) == {"a@x.io", "b@x.io", "c@x.io"}


def test_transient_item_errors_fail_the_item_once_attempts_run_out() -> None:
    fake = FakeRooms({"ops": {}})
    fake.item_errors = {"b@x.io": ["ServiceUnavailable"] * 10}
    result = run(fake, create("a@x.io"), create("b@x.io"))
    assert len(fake.log) == NO_WAIT.attempts
    assert [(r.change.member_id, r.error_code, r.error_message) for r in result.failed] == [
        ("b@x.io", "ServiceUnavailable", "item says ServiceUnavailable (gave up after 4 attempts)")
    ]


def test_non_transient_item_error_is_reported_and_the_rest_applied() -> None:
    fake = FakeRooms({"ops": {}, "dev": {"x@x.io": M}})
    fake.item_errors = {"bob@x.io": ["NotFound"]}
    result = run(
        fake,
        create("alice@x.io"),
        create("bob@x.io"),
        create("carol@x.io"),
        delete("x@x.io", room="dev"),
    )
    assert len(fake.log) == 2  # no retry of NotFound
    assert set(fake.rooms["ops"]) == {"alice@x.io", "carol@x.io"}
    assert fake.rooms["dev"] == {}
    assert [(str(r.change.member), r.error_code) for r in result.failed] == [
        ("bob@x.io", "NotFound")
    ]
    assert (result.added, result.removed, result.total) == (2, 1, 4)


def test_whole_batch_failing_for_good_fails_every_item_of_that_call() -> None:
    fake = FakeRooms({"ops": {}})
    fake.call_errors = {("BatchCreateRoomMembership", "u060@x.io"): "ForbiddenException"}
    result = run(fake, *(create(f"u{i:03}@x.io") for i in range(70)))
    failed = {r.change.member_id for r in result.failed}
    assert failed == {f"u{i:03}@x.io" for i in range(50, 70)}
    assert {r.error_code for r in result.failed} == {"ForbiddenException"}
    assert result.added == 50


# (issue 14: a Conflict reads the live role first; "already present" and "already gone"
# are reported as such, not as added or removed; another role is set, bots re-created)
def test_conflict_for_a_user_sets_the_wanted_role_in_place() -> None:
    fake = FakeRooms({"ops": {"amy@x.io": M}})
    result = run(fake, create("amy@x.io", A))
    assert ops(fake) == ["create", "list", "update"]
    assert result.ok and fake.rooms["ops"] == {"amy@x.io": A}


def test_conflict_for_a_bot_with_the_wanted_role_counts_as_already_present() -> None:
    fake = FakeRooms({"ops": {"bot:Pager": M}})
    result = run(fake, create("bot:Pager", M))
    assert ops(fake) == ["create", "list"]
    assert result.ok and (result.added, result.already_present) == (0, 1)
    assert [r.outcome for r in result.results] == ["already"]


def test_conflict_for_a_bot_with_another_role_re_creates_it() -> None:
    fake = FakeRooms({"ops": {"bot:Pager": M}})
    result = run(fake, create("bot:Pager", A))
    assert ops(fake) == ["create", "list", "delete", "create"]
    assert result.ok and fake.rooms["ops"] == {"bot:Pager": A}


def test_delete_of_a_member_already_gone_counts_as_already_gone() -> None:
    fake = FakeRooms({"ops": {}})
    result = run(fake, delete("ghost@x.io"))
    assert result.ok and (result.removed, result.already_gone) == (0, 1)
    assert [r.outcome for r in result.results] == ["already"]


def test_failed_update_is_reported_with_aws_code() -> None:
    fake = FakeRooms({"ops": {"amy@x.io": M, "boss@x.io": A}})
    fake.call_errors = {("UpdateRoomMembership", "amy@x.io"): "ForbiddenException"}
    result = run(fake, update("amy@x.io", M, A))
    assert [(r.error_code, r.error_message) for r in result.failed] == [
        ("ForbiddenException", "UpdateRoomMembership says ForbiddenException")
    ]


def test_administrators_are_kept_when_adding_an_administrator_failed() -> None:
    start = {"old@x.io": A, "amy@x.io": M, "lee@x.io": A, "tmp@x.io": M}
    fake = FakeRooms({"ops": start})
    fake.call_errors = {("UpdateRoomMembership", "amy@x.io"): "NotFoundException"}
    result = run(
        fake,
        update("amy@x.io", M, A),
        update("old@x.io", A, M),
        delete("lee@x.io", A),
        delete("tmp@x.io", M),
    )
    assert ops(fake) == ["delete", "update"]  # the Member's removal first, then the promotion
    assert fake.rooms["ops"] == {"old@x.io": A, "amy@x.io": M, "lee@x.io": A}
    assert [(r.change.member_id, r.error_code) for r in result.failed] == [
        ("amy@x.io", "NotFoundException"),
        ("old@x.io", "Skipped"),
        ("lee@x.io", "Skipped"),
    ]
    assert result.removed == 1


def full_room_swap(admins: int, live: int = 1_000) -> tuple[FakeRooms, ApplyResult]:
    """A room of ``live`` members (AWS's maximum: 1,000), ``admins`` of them
    administrators (gone@x.io first): gone@x.io out, new@x.io in as administrator."""
    start = {f"a{i}@x.io": A for i in range(1, admins)} | {"gone@x.io": A}
    start |= {f"m{i}@x.io": M for i in range(live - admins)}
    fake = FakeRooms({"ops": start})
    changes = (create("new@x.io", A), delete("gone@x.io", A))
    target = TargetPlan(key(), "ops", "fp", changes, live_count=live, live_elevated=admins)
    result = apply(Plan((target,)), fake, retry=NO_WAIT, safety=Safety(min_administrators=1))  # type: ignore[arg-type]
    return fake, result


def test_a_full_room_removes_an_administrator_before_the_add_it_makes_room_for() -> None:
    # QA-A Q-A-1: adding first is refused at AWS's 1,000; another administrator stays
    fake, result = full_room_swap(admins=2)
    assert fake.log == [
        ("delete", "ops", ("gone@x.io",)),
        ("create", "ops", ("new@x.io:Administrator",)),
    ]
    assert result.ok


def test_a_full_room_adds_first_when_the_removal_would_leave_it_below_its_minimum() -> None:
    fake, _ = full_room_swap(admins=1)  # gone@x.io is its only administrator
    assert ops(fake) == ["create", "delete"]


def test_a_room_with_a_place_left_adds_before_it_removes_an_administrator() -> None:
    fake, _ = full_room_swap(admins=2, live=999)
    assert ops(fake) == ["create", "delete"]


def test_a_full_rooms_re_creation_throttled_is_retried_before_the_new_member_is_sent() -> None:
    """QA-O Q-O-1: a full room (1,000), a bot promoted (delete and create) and a new
    member: the bot's create, throttled, is tried again before the new member's batch
    goes out, so the new member cannot take the place the bot's delete freed."""
    start = {"bot:Pager": M, "amy@x.io": A} | {f"m{i}@x.io": M for i in range(998)}
    fake = FakeRooms({"ops": start})
    fake.item_errors["bot:Pager"] = ["Throttling"]
    changes = (update("bot:Pager", M, A), create("new@x.io"))
    target = TargetPlan(key(), "ops", "fp", changes, live_count=1_000, live_elevated=1)
    result = apply(Plan((target,)), fake, retry=NO_WAIT)  # type: ignore[arg-type]
    assert fake.log == [
        ("delete", "ops", ("bot:Pager",)),
        ("create", "ops", ("bot:Pager:Administrator",)),
        ("create", "ops", ("bot:Pager:Administrator",)),
        ("create", "ops", ("new@x.io:Member",)),
    ]
    assert fake.rooms["ops"]["bot:Pager"] is A
    assert [r.ok for r in result.results] == [True, True]  # the fake knows no maximum


def test_a_room_the_new_members_fill_exactly_re_creates_in_the_same_batch_as_them() -> None:
    """(QA-AC Q-AC-6) 999 members, a bot promoted (delete and create) and one new member:
    the room ends at its maximum (1,000) without going over it, so no new member can take
    the bot's place: the fewest calls, the bot and the new member in one batch."""
    start = {"bot:Pager": M, "amy@x.io": A} | {f"m{i}@x.io": M for i in range(997)}
    fake = FakeRooms({"ops": start})
    changes = (update("bot:Pager", M, A), create("new@x.io"))
    target = TargetPlan(key(), "ops", "fp", changes, live_count=999, live_elevated=1)
    result = apply(Plan((target,)), fake, retry=NO_WAIT)  # type: ignore[arg-type]
    assert fake.log == [
        ("delete", "ops", ("bot:Pager",)),
        ("create", "ops", ("bot:Pager:Administrator", "new@x.io:Member")),
    ]
    assert result.ok and len(fake.rooms["ops"]) == 1_000


def test_administrators_kept_when_an_interrupt_stopped_the_add_are_not_started_either() -> None:
    """QA-A Q-A-2: the add was not started (an interrupt), nothing failed: the demotion and
    removal waiting for it are not started either, and say so, not "failed first"."""
    fake = FakeRooms({"ops": {"old@x.io": A, "amy@x.io": M, "lee@x.io": A, "tmp@x.io": M}})
    fake.call_errors = {("UpdateRoomMembership", "amy@x.io"): NOT_STARTED}
    result = run(
        fake,
        update("amy@x.io", M, A),
        update("old@x.io", A, M),
        delete("lee@x.io", A),
        delete("tmp@x.io", M),
    )
    assert ops(fake) == ["delete", "update"]
    assert [(r.change.member_id, r.error_code, r.outcome) for r in result.failed] == [
        ("amy@x.io", NOT_STARTED, "failed"),  # as every call an interrupt did not start
        ("old@x.io", NOT_STARTED, "failed"),
        ("lee@x.io", NOT_STARTED, "failed"),
    ]
    assert {r.error_message for r in result.failed[1:]} == {"not started: interrupted"}


def test_an_add_that_failed_still_says_failed_first_when_another_was_not_started() -> None:
    start = {"old@x.io": A, "amy@x.io": M, "bob@x.io": M, "lee@x.io": A}
    fake = FakeRooms({"ops": start})
    fake.call_errors = {
        ("UpdateRoomMembership", "amy@x.io"): "NotFoundException",
        ("UpdateRoomMembership", "bob@x.io"): NOT_STARTED,
    }
    result = run(
        fake,
        update("amy@x.io", M, A),
        update("bob@x.io", M, A),
        update("old@x.io", A, M),
        delete("lee@x.io", A),
    )
    assert [(r.change.member_id, r.error_code) for r in result.failed] == [
        ("amy@x.io", "NotFoundException"),
        ("bob@x.io", NOT_STARTED),
        ("old@x.io", "Skipped"),
        ("lee@x.io", "Skipped"),
    ]


def test_progress_is_reported_once_per_change() -> None:
    fake = FakeRooms({"ops": {"a@x.io": M}, "dev": {}})
    seen: list[ChangeResult] = []
    result = run(
        fake, create("b@x.io"), delete("a@x.io"), create("c@x.io", room="dev"), progress=seen.append
    )
    assert sorted(str(r.change.member) for r in seen) == ["a@x.io", "b@x.io", "c@x.io"]
    assert result.total == 3


def test_results_follow_plan_order_across_parallel_rooms() -> None:
    rooms = {f"r{i}": {} for i in range(6)}
    fake = FakeRooms(rooms)
    changes = [create(f"u{j}@x.io", room=f"r{i}") for i in range(6) for j in range(3)]
    result = run(fake, *changes)
    assert [(r.change.target.name, r.change.member_id) for r in result.results] == [
        (c.target.name, c.member_id) for c in plan_of(*changes).changes
    ]
    assert all(len(m) == 3 for m in fake.rooms.values())


def test_empty_plan_makes_no_calls() -> None:
    fake = FakeRooms({"ops": {}})
    result = apply(Plan(()), fake, retry=NO_WAIT)  # type: ignore[arg-type]
    assert result.ok and result.total == 0 and fake.log == []


@pytest.mark.parametrize("seed", range(20))
def test_random_transient_item_faults_still_converge(seed: int) -> None:
    rng = random.Random(seed)
    fake = FakeRooms({"ops": {f"old{i}@x.io": M for i in range(30)}})
    for i in range(80):
        fake.item_errors[f"new{i}@x.io"] = [c for c in ("Throttled",) if rng.random() < 0.3]
    policy = RetryPolicy(attempts=10, base=0, cap=0, sleep=lambda _: None)
    changes = [create(f"new{i}@x.io") for i in range(80)] + [
        delete(f"old{i}@x.io") for i in range(30)
    ]
    result = apply(plan_of(*changes), fake, retry=policy)  # type: ignore[arg-type]
    assert result.ok
    assert set(fake.rooms["ops"]) == {f"new{i}@x.io" for i in range(80)}


def test_the_target_with_most_changes_starts_first_and_results_keep_plan_order() -> None:
    # each target's calls are one chain: the longest chains start first so that the
    # threads finish together instead of one long room running alone at the end
    fake = FakeRooms({"a": {}, "b": {"x@x.io": M}, "c": {}})
    changes = [
        create("u@x.io", room="a"),
        create("v@x.io", room="b"),
        delete("x@x.io", room="b"),
        update("x@x.io", M, A, room="c"),
        create("w@x.io", room="c"),
    ]
    plan = plan_of(*changes)
    result = apply(plan, fake, parallelism=1, retry=NO_WAIT)  # type: ignore[arg-type]
    assert [rid for _, rid, _ in fake.log] == ["b", "b", "c", "c", "a"]
    assert [r.change for r in result.results] == list(plan.changes)


def test_finished_gets_each_target_as_soon_as_its_changes_are_done() -> None:
    fake = FakeRooms({"a": {}, "b": {"x@x.io": M}})
    done: list[tuple[str, list[str]]] = []

    def finished(tp: TargetPlan, results: Sequence[ChangeResult]) -> None:
        fake.log.append(("finished", tp.target_id, ()))
        done.append((tp.target_id, [r.outcome for r in results]))

    fake.call_errors[("DeleteRoomMembership", "x@x.io")] = "BadRequestException"
    result = apply(
        plan_of(create("u@x.io", room="a"), delete("x@x.io", room="b")),
        fake,  # type: ignore[arg-type]
        parallelism=1,
        retry=NO_WAIT,
        finished=finished,
    )
    # before the next target's first call: its verification re-read overlaps their writes
    assert [(op, rid) for op, rid, _ in fake.log] == [
        ("create", "a"),
        ("finished", "a"),
        ("delete", "b"),
        ("finished", "b"),
    ]
    assert done == [("a", ["ok"]), ("b", ["failed"])]
    assert [r.outcome for r in result.results] == ["ok", "failed"]


def channel_plan(*channels: str, moderators: bool = True) -> Plan:
    """One create of each channel's memberships (phase 0) and, with ``moderators``, of
    its moderators (phase 1): channel ``c`` is live id ``arn:c``."""
    targets = []
    for name in channels:
        kinds = [(CHANNEL, DEFAULT), (CHANNEL_MODERATOR, MODERATOR)][: 2 if moderators else 1]
        for kind, role in kinds:
            k = TargetKey(kind.id, "arn:app", name)
            targets.append(
                TargetPlan(k, f"arn:{name}", "fp", (replace(create("u@x.io", role), target=k),))
            )
    return Plan(tuple(targets))


def test_finished_waits_for_the_later_phases_on_the_target_s_channel() -> None:
    # channel memberships (phase 0) come before channel moderators (phase 1), which may
    # change them: memberships are handed over once their channel's moderators are done
    plan = channel_plan("general")
    fake = FakeRooms({"arn:general": {}})
    fake.create_members = lambda target, tid, items: (
        fake.log.append(  # type: ignore[method-assign]
            ("create", target.kind, ())
        )
        or {}
    )
    handed: list[str] = []
    result = apply(
        plan,
        fake,  # type: ignore[arg-type]
        retry=NO_WAIT,
        finished=lambda tp, _: (
            handed.append(tp.key.kind),
            fake.log.append(("finished", tp.key.kind, ())),
        ),
    )
    assert result.ok and sorted(handed) == ["channel", "channel-moderator"]
    assert [(op, what) for op, what, _ in fake.log] == [
        ("create", "channel"),
        ("create", "channel-moderator"),
        ("finished", "channel"),
        ("finished", "channel-moderator"),
    ]


def test_a_later_phase_waits_only_for_the_earlier_phases_on_its_own_channel() -> None:
    # the moderators of channel b need not wait for the memberships of channel a: while
    # a's memberships are being changed, b's moderators are changed (a barrier between
    # the phases kept a thread idle, and under the messaging quotas a bearer)
    plan = Plan(channel_plan("a", moderators=False).targets + channel_plan("b").targets)
    b_moderators_done = threading.Event()
    seen: list[tuple[str, str]] = []
    lock = threading.Lock()

    def create_members(target: TargetKey, tid: str, items: object) -> dict[str, ItemError]:
        with lock:
            seen.append((target.kind, target.name))
        if (target.kind, target.name) == (CHANNEL.id, "a"):
            # the longest chain: still under way when b's moderators are ready
            assert b_moderators_done.wait(5), "b's moderators waited for a's memberships"
        if target.kind == CHANNEL_MODERATOR.id:
            b_moderators_done.set()
        return {}

    fake = FakeRooms({})
    fake.create_members = create_members  # type: ignore[method-assign]
    result = apply(plan, fake, parallelism=2, retry=NO_WAIT)  # type: ignore[arg-type]
    assert result.ok
    # and on b itself, the memberships still came before the moderators
    assert seen.index(("channel", "b")) < seen.index(("channel-moderator", "b"))


def test_with_one_thread_the_earlier_phases_still_start_first() -> None:
    fake = FakeRooms({})
    order: list[tuple[str, str]] = []
    fake.create_members = lambda target, tid, items: (
        order.append(  # type: ignore[method-assign]
            (target.kind, target.name)
        )
        or {}
    )
    plan = Plan(channel_plan("a", moderators=False).targets + channel_plan("b").targets)
    apply(Plan(tuple(reversed(plan.targets))), fake, parallelism=1, retry=NO_WAIT)  # type: ignore[arg-type]
    assert order == [("channel", "b"), ("channel", "a"), ("channel-moderator", "b")]


def test_an_exception_stops_the_targets_not_started_and_propagates() -> None:
    plan = channel_plan("a", "b", "c", moderators=False)
    fake = FakeRooms({})
    started: list[str] = []

    def create_members(target: TargetKey, tid: str, items: object) -> dict[str, ItemError]:
        started.append(target.name)
        raise RuntimeError(f"bug in {target.name}")

    fake.create_members = create_members  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="bug in a"):
        apply(plan, fake, parallelism=1, retry=NO_WAIT)  # type: ignore[arg-type]
    assert started == ["a"]


@pytest.mark.parametrize("parallelism", [1, 2])
def test_an_exception_in_finished_propagates_and_starts_nothing_more(parallelism: int) -> None:
    # a verification re-read failing other than as an AWS error is a bug: apply raises
    # it, as it raises the applier's own, and the targets left do not start
    rooms = ["a", "b", "c", "d"]
    fake = FakeRooms({r: {} for r in rooms})

    def finished(tp: TargetPlan, results: Sequence[ChangeResult]) -> None:
        raise RuntimeError(f"verification bug on {tp.target_id}")

    with pytest.raises(RuntimeError, match="verification bug"):
        apply(
            plan_of(*(create("u@x.io", room=r) for r in rooms)),
            fake,  # type: ignore[arg-type]
            parallelism=parallelism,
            retry=NO_WAIT,
            finished=finished,
        )
    assert len([op for op, _, _ in fake.log if op == "create"]) <= parallelism


def test_ctrl_c_while_applying_starts_no_target_left_and_lets_the_calls_in_flight_end() -> None:
    # apply --watch has no graceful handler: Ctrl-C is a KeyboardInterrupt in the thread
    # waiting for the workers; the targets not started must stay so (as with pmap before)
    rooms = [f"r{i}" for i in range(8)]
    fake = FakeRooms({r: {"x@x.io": M} for r in rooms})
    started: list[str] = []
    ended: list[str] = []
    real = fake.delete_member

    def delete_member(target: TargetKey, tid: str, member_id: str) -> None:
        started.append(tid)
        if len(started) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, delivered to the main thread
        time.sleep(0.2)
        real(target, tid, member_id)
        ended.append(tid)

    fake.delete_member = delete_member  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        apply(
            plan_of(*(delete("x@x.io", room=r) for r in rooms)),
            fake,  # type: ignore[arg-type]
            parallelism=2,
            retry=NO_WAIT,
        )
    assert len(started) <= 2 and sorted(ended) == sorted(started)  # in flight: finished
    time.sleep(0.5)
    assert len(started) <= 2, f"{len(started)} rooms changed after Ctrl-C: {started}"
