"""What a second interrupt reports without waiting for the calls in flight (QA-CG Q-CG-3):
the ``Ledger``'s snapshot at any moment of an apply, against an in-memory provider."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest
from test_applier_order_and_errors import NO_WAIT, A, FakeRooms, M, create, delete, key, plan_of
from test_applier_order_and_errors import update as role_change

from reconciler.applier import apply
from reconciler.apply_ledger import Ledger
from reconciler.apply_result import IN_FLIGHT, ApplyResult
from reconciler.errors import AwsError
from reconciler.interrupt import NOT_STARTED
from reconciler.providers.base import ItemError
from reconciler.refs import Role, TargetKey

BOT = role_change("bot:B", M, A)  # a bot's role changes by delete and create
ADD, REMOVE = create("u1"), delete("u2")
PLAN = plan_of(BOT, ADD, REMOVE, admins=1)


def said(result: ApplyResult) -> dict[str, tuple[str | None, bool | None, bool]]:
    """Each member's (error code, left_absent, maybe_removed)."""
    return {
        r.change.member_id: (r.error_code, r.left_absent, r.maybe_removed) for r in result.results
    }


def fake() -> FakeRooms:
    return FakeRooms({"ops": {"u0": A, "bot:B": M, "u2": M}})


class Watched(FakeRooms):
    """Takes the ledger's snapshot in the middle of each call."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__({"ops": {"u0": A, "bot:B": M, "u2": M}})
        self.ledger = ledger
        self.seen: list[tuple[str, dict[str, tuple[str | None, bool | None, bool]]]] = []

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, Role]]
    ) -> Mapping[str, ItemError]:
        self.seen.append(("create", said(self.ledger.snapshot())))
        return super().create_members(target, target_id, items)

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        self.seen.append((f"delete {member_id}", said(self.ledger.snapshot())))
        super().delete_member(target, target_id, member_id)


def test_each_moment_of_an_apply_is_known_without_waiting() -> None:
    ledger = Ledger(PLAN)
    rooms = Watched(ledger)
    result = apply(PLAN, ledger.writer(rooms), progress=ledger.record, retry=NO_WAIT)
    assert result.ok
    assert rooms.seen == [
        # a member's removal in flight; the rest not started
        (
            "delete u2",
            {
                "bot:B": (NOT_STARTED, False, False),
                "u1": (NOT_STARTED, False, False),
                "u2": (IN_FLIGHT, False, False),
            },
        ),
        # the bot's delete in flight: removed or not
        (
            "delete bot:B",
            {
                "bot:B": (IN_FLIGHT, None, True),
                "u1": (NOT_STARTED, False, False),
                "u2": (None, False, False),
            },
        ),
        # its create in flight, with the new member's: removed, added back or not
        (
            "create",
            {
                "bot:B": (IN_FLIGHT, None, False),
                "u1": (IN_FLIGHT, False, False),
                "u2": (None, False, False),
            },
        ),
    ]
    assert said(ledger.snapshot()) == said(result)


def test_a_re_creation_stopped_between_its_delete_and_create_is_absent_now() -> None:
    ledger = Ledger(PLAN)
    ledger.writer(fake()).delete_member(key(), "ops", "bot:B")
    assert said(ledger.snapshot())["bot:B"] == (NOT_STARTED, True, False)


def test_a_call_that_failed_without_being_made_is_not_in_flight() -> None:
    ledger = Ledger(PLAN)
    rooms = fake()
    rooms.call_errors[("UpdateRoomMembership", "u2")] = "BadRequestException"
    rooms.item_errors["u1"] = ["Throttled"]
    writer = ledger.writer(rooms)
    assert writer.create_members(key(), "ops", [("u1", M)])["u1"].code == "Throttled"
    with pytest.raises(AwsError):
        writer.update_role(key(), "ops", "u2", A)
    assert said(ledger.snapshot())["u1"] == (NOT_STARTED, False, False)
    assert said(ledger.snapshot())["u2"] == (NOT_STARTED, False, False)
