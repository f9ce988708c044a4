"""A room's and a channel's "did you mean" are one wording (QA REREAD 9)."""

from __future__ import annotations

from reconciler.name_hint import did_you_mean
from reconciler.providers.room_names import no_room


def test_names_in_another_case_first_else_the_closest_each_quoted() -> None:
    assert did_you_mean("OPS", ["ops", "Ops", "dev"]) == "did you mean 'Ops' or 'ops'?"
    assert did_you_mean("incident-chta", ["incident-chat"]) == "did you mean 'incident-chat'?"
    assert did_you_mean("zz", ["incident-chat"]) == ""


def test_plan_and_import_say_a_missing_room_alike() -> None:
    assert no_room(["A"], "opz", ["ops"]) == (
        "no Chime room named 'opz' in account A: ListRooms lists none of that name (names "
        "are matched exactly, case included: did you mean 'ops'?)"
    )
    assert no_room(["A", "B"], "x", [], "name or id") == (
        "no Chime room named 'x' in accounts A, B: ListRooms lists "
        "none of that name or id (names and ids are matched exactly, case included)"
    )
