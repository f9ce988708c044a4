"""Another apply (or a person) changing the same room at the same time: results say what
happened, no write is wasted, and a bot whose role changes is never left absent."""

from __future__ import annotations

import random

from test_applier_order_and_errors import (
    A,
    FakeRooms,
    M,
    create,
    delete,
    ops,
    plan_of,
    run,
    update,
)

from reconciler.applier import apply
from reconciler.providers.retry import RetryPolicy
from reconciler.refs import Role, TargetKey
from reconciler.render.apply import render_apply


def test_a_conflict_with_the_wanted_role_is_already_present_and_costs_no_update() -> None:
    fake = FakeRooms({"ops": {"amy@x.io": A}})  # another apply added amy first
    result = run(fake, create("amy@x.io", A), create("bob@x.io"))
    assert ops(fake) == ["create", "list"]  # no UpdateRoomMembership
    assert (result.added, result.already_present) == (1, 1)
    assert render_apply(result, twins=frozenset()) == [
        "Apply complete! Memberships: 1 added, 0 changed, 0 removed (1 already present)."
    ]


def test_a_delete_someone_else_did_first_is_already_gone() -> None:
    fake = FakeRooms({"ops": {"amy@x.io": M}})
    result = run(fake, delete("amy@x.io"), delete("gone@x.io"))
    assert render_apply(result, twins=frozenset()) == [
        "Apply complete! Memberships: 0 added, 0 changed, 1 removed (1 already gone)."
    ]


class RacingRooms(FakeRooms):
    """Another apply, planned earlier, puts ``victim`` back as Member right after each of
    our deletes of it (``times`` times)."""

    def __init__(self, rooms: dict[str, dict[str, Role]], victim: str, times: int) -> None:
        super().__init__(rooms)
        self.victim, self.times = victim, times

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        super().delete_member(target, target_id, member_id)
        if self.times and member_id == self.victim:
            self.times -= 1
            self.rooms[target_id][member_id] = M  # the other apply's create


def test_a_bot_put_back_by_a_concurrent_apply_still_ends_with_our_role() -> None:
    # ours: PagerBot Member -> Administrator, by delete + create; between the two, the
    # other apply creates it as Member: our create conflicts, reads Member, re-creates
    fake = RacingRooms({"ops": {"bot:Pager": M, "boss@x.io": A}}, "bot:Pager", times=2)
    result = run(fake, update("bot:Pager", M, A))
    assert result.ok
    assert fake.rooms["ops"] == {"bot:Pager": A, "boss@x.io": A}
    assert ops(fake) == ["delete", "create", "list", "delete", "create", "list", "delete", "create"]


def test_a_bot_taken_away_more_often_than_we_retry_is_reported_not_silently_lost() -> None:
    fake = RacingRooms({"ops": {"bot:Pager": M}}, "bot:Pager", times=10)
    result = run(fake, update("bot:Pager", M, A))
    assert [(r.error_code, r.error_message) for r in result.failed] == [
        (
            "Conflict",
            "changed by someone else meanwhile (Member, wanted Administrator); run apply again",
        )
    ]
    assert "bot:Pager" in fake.rooms["ops"]  # present, never absent


def test_a_member_deleted_again_during_a_conflict_is_created_again() -> None:
    class GoneOnRead(FakeRooms):
        def member_role(self, target: TargetKey, target_id: str, member_id: str) -> Role | None:
            self.rooms[target_id].pop(member_id, None)  # deleted by someone meanwhile
            return super().member_role(target, target_id, member_id)

    fake = GoneOnRead({"ops": {"bot:Pager": M}})
    result = run(fake, create("bot:Pager", A))
    assert result.ok and fake.rooms["ops"] == {"bot:Pager": A}
    assert ops(fake) == ["create", "list", "create"]


def test_a_conflict_while_the_member_stays_absent_fails_with_the_services_message() -> None:
    # each create answered Conflict, yet the member is not there when read after it: the
    # conflict is about something else; two creates and two reads, then the answer itself
    fake = FakeRooms({"ops": {}})
    fake.item_errors["bob@x.io"] = ["Conflict"] * 5
    result = run(fake, create("bob@x.io"))
    assert [(r.error_code, r.error_message) for r in result.failed] == [
        (
            "Conflict",
            "item says Conflict (refused as a conflict twice, and not there when read after "
            "either: the conflict is not its being there already)",
        )
    ]
    assert ops(fake) == ["create", "list", "create", "list"]
    assert fake.rooms["ops"] == {}


def test_a_read_after_a_throttled_create_does_not_count_as_absent_after_a_conflict() -> None:
    # one Conflict, then throttled creates: the reads after those follow no conflict
    fake = FakeRooms({"ops": {}})
    fake.item_errors["bob@x.io"] = ["Conflict", "Throttled", "Throttled"]
    result = run(fake, create("bob@x.io"))
    assert result.ok and fake.rooms["ops"] == {"bob@x.io": M}
    assert ops(fake) == ["create", "list", "create", "list", "create", "list", "create"]


def test_one_plan_applied_twice_reports_each_change_done_exactly_once() -> None:
    """The extreme interleaving of two applies of one plan (one entirely before the
    other): every create is added by one and already present for the other; every
    removal is removed by one and already gone for the other."""
    for seed in range(3):
        rooms = {"ops": {"old@x.io": M, "boss@x.io": A, "bot:Pager": A}}
        fake = FakeRooms(rooms)
        changes = [
            create("new1@x.io"),
            create("new2@x.io", A),
            create("bot:Helper"),
            update("bot:Pager", A, M),
            delete("old@x.io"),
        ]
        plan_a = plan_of(*changes)
        policy = RetryPolicy(base=0.0, cap=0.0, sleep=lambda _: None, rng=random.Random(seed))
        first = apply(plan_a, fake, retry=policy)  # type: ignore[arg-type]
        second = apply(plan_a, fake, retry=policy)  # type: ignore[arg-type]
        assert first.ok and second.ok
        assert first.added + second.added == 3
        assert first.already_present + second.already_present == 3
        assert first.removed + second.removed == 1
        assert first.already_gone + second.already_gone == 1
        assert fake.rooms["ops"] == {
            "boss@x.io": A,
            "bot:Pager": M,
            "new1@x.io": M,
            "new2@x.io": A,
            "bot:Helper": M,
        }
