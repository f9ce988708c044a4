"""Q-EU-3: the plan's warnings of a full target (``crowded``, ``full_swap``) name the error
code AWS answers the adds over the maximum with, the one apply then prints: a room's and a
channel's ``ResourceLimitExceeded``, a meeting's ``LimitExceeded``. They named the
meetings API's ``LimitExceeded`` for every kind. The codes are checked against the
emulator's, which raise them (as AWS does) for a room, a channel and a meeting."""

from __future__ import annotations

import pytest

from reconciler.crowded import crowded_target
from reconciler.emulator.errors import ResourceLimitExceededError
from reconciler.emulator.meetings.errors import LimitExceededError
from reconciler.full_swap import full_swap_target
from reconciler.kinds import CHANNEL, CHANNEL_MODERATOR, MEETING, ROOM, Kind
from reconciler.plan import Action, Change, TargetPlan
from reconciler.refs import MemberKind, MemberRef, Role, TargetKey


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        (ROOM, ResourceLimitExceededError.code),
        (CHANNEL, ResourceLimitExceededError.code),
        (CHANNEL_MODERATOR, ResourceLimitExceededError.code),
        (MEETING, LimitExceededError.code),
    ],
)
def test_each_kind_names_its_own_apis_code(kind: Kind, code: str) -> None:
    assert kind.full_error == code
    assert kind.full_error_note == f" ({code})"


def room_change(action: Action, who: str, before: Role | None, after: Role | None) -> Change:
    key = TargetKey(ROOM.id, "acct", "full")
    return Change(action, key, MemberRef.user(who), who, MemberKind.USER, before, after)


def full_room(*changes: Change) -> TargetPlan:
    """A room at AWS's 1,000 members holding one administrator."""
    key = TargetKey(ROOM.id, "acct", "full")
    return TargetPlan(key, "room-full", "fp", changes, live_count=1_000, live_elevated=1, minimum=1)


def test_a_full_room_of_undeclared_members_names_resource_limit_exceeded() -> None:
    found = crowded_target(full_room(room_change(Action.CREATE, "n@x.io", None, Role.MEMBER)))
    assert found is not None
    message = found.message()
    assert "AWS will refuse 1 of the plan's 1 add to it (ResourceLimitExceeded) on this" in (
        message
    )
    assert "(LimitExceeded)" not in message


def test_a_full_rooms_administrator_swap_names_resource_limit_exceeded() -> None:
    found = full_swap_target(
        full_room(
            room_change(Action.CREATE, "b@x.io", None, Role.ADMINISTRATOR),
            room_change(Action.DELETE, "a@x.io", Role.ADMINISTRATOR, None),
        )
    )
    assert found is not None
    message = found.message()
    assert "AWS will refuse b@x.io (ResourceLimitExceeded), a@x.io kept" in message
    assert "(LimitExceeded)" not in message
