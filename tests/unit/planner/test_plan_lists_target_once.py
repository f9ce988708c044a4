"""A plan document lists each target once (QA-CZ Q-CZ-5): one key twice, or two names
of one id, is a corrupt file, refused where it is read (``show``, ``apply FILE``,
``merge-plans``)."""

from __future__ import annotations

import pytest

from reconciler.plan import Plan, TargetPlan
from reconciler.plandoc import plan_to_data
from reconciler.planfile import PlanFileError, plan_from_data
from reconciler.refs import TargetKey

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def document(*targets: tuple[str, str]) -> dict[str, object]:
    plan = Plan(
        tuple(TargetPlan(TargetKey("room", ACCOUNT, n), i, "fp", ()) for n, i in targets),
        desired_digest="d",
    )
    return plan_to_data(plan)


def refusal(*targets: tuple[str, str]) -> str:
    with pytest.raises(PlanFileError) as caught:
        plan_from_data(document(*targets), "p.json")
    return str(caught.value)


def test_two_names_of_one_room_id_are_refused_naming_both() -> None:
    assert refusal(("ops", "room-9"), ("web", "room-1"), ("ops-by-id", "room-9")) == (
        "Cannot use the saved plan p.json: the file is corrupt: targets[2]: room "
        "'ops-by-id' is targets[0], room 'ops', again (one room, id room-9): a plan lists "
        "each target once"
    )


def test_one_room_twice_is_refused() -> None:
    assert refusal(("ops", "room-9"), ("ops", "room-9")) == (
        "Cannot use the saved plan p.json: the file is corrupt: targets[1]: room 'ops' is "
        "targets[0] again: a plan lists each target once"
    )


def test_rooms_with_their_own_names_and_ids_are_read() -> None:
    plan = plan_from_data(document(("ops", "room-9"), ("web", "room-1")), "p.json")
    assert [t.key.name for t in plan.targets] == ["ops", "web"]
