"""One target, one declaration (``reconciler.declared_once``), with plain values: which
declarations are one target once resolved, for every kind, and what the planner does with
them (reports each, plans neither, plans the rest)."""

from __future__ import annotations

from dataclasses import replace

from planner_builders import ACCOUNT, FILE, desired_state, live_state, live_target, want

from reconciler.declared_once import compared, declared_twice
from reconciler.desired.model import DesiredTarget
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR
from reconciler.kinds.meetings import MEETING
from reconciler.kinds.rooms import ROOM
from reconciler.live import LiveTarget
from reconciler.planner import plan
from reconciler.refs import Location, TargetKey

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
OTHER_ACCOUNT = "22222222-2222-3333-4444-555555555555"
MEETING_ID = "6f1c2a9e-0000-4000-8000-000000000001"


def declared(kind: str, scope: str, name: str, line: int) -> DesiredTarget:
    return DesiredTarget(TargetKey(kind, scope, name), None, True, (), Location(FILE, line))


def messages(found: dict[TargetKey, object]) -> list[str]:
    return sorted(str(p) for p in found.values())


def test_two_names_for_one_room_id_are_reported_at_each_naming_the_other() -> None:
    a, b = declared(ROOM.id, ACCOUNT, "a", 2), declared(ROOM.id, ACCOUNT, "b", 7)
    found = declared_twice([a, b], {a.key: "room-1", b.key: "room-1"})
    assert messages(found) == [
        f"{FILE}:2: room room-1 is declared more than once (also as b at {FILE}:7); "
        "declare it once",
        f"{FILE}:7: room room-1 is declared more than once (also as a at {FILE}:2); "
        "declare it once",
    ]
    assert set(found) == {a.key, b.key}


def test_one_room_id_in_two_accounts_is_two_rooms() -> None:
    a, b = declared(ROOM.id, ACCOUNT, "a", 2), declared(ROOM.id, OTHER_ACCOUNT, "a", 7)
    assert declared_twice([a, b], {a.key: "room-1", b.key: "room-1"}) == {}


def test_meetings_of_two_variables_holding_one_id_are_one_meeting() -> None:
    # a meeting's scope is its id as written: two ${VARIABLE}s are two scopes, one meeting
    b = declared(MEETING.id, "${INCIDENT_MEETING_ID}", "b", 2)
    c = declared(MEETING.id, "${OTHER_ID}", "c", 6)
    found = declared_twice([b, c], {b.key: MEETING_ID, c.key: MEETING_ID})
    assert messages(found) == [
        f"{FILE}:2: meeting {MEETING_ID} is declared more than once (also as c at {FILE}:6); "
        "declare it once",
        f"{FILE}:6: meeting {MEETING_ID} is declared more than once (also as b at {FILE}:2); "
        "declare it once",
    ]


def test_a_channels_members_and_moderators_are_two_targets_and_each_says_channel() -> None:
    channel = f"{INSTANCE}/channel/ops"
    members = [declared(CHANNEL.id, INSTANCE, n, line) for n, line in (("ops", 2), ("c", 5))]
    moderators = [
        declared(CHANNEL_MODERATOR.id, INSTANCE, n, line) for n, line in (("ops", 2), ("c", 5))
    ]
    ids = {t.key: channel for t in members + moderators}
    assert declared_twice([members[0], moderators[1]], ids) == {}  # not the same kind
    found = declared_twice(members + moderators, ids)
    assert len(found) == 4
    # the same words for both kinds: one message per declaration once rendered
    assert len(set(messages(found))) == 2
    assert messages(found)[0].startswith(f"{FILE}:2: channel {channel} is declared more")


def test_three_declarations_each_name_the_two_others() -> None:
    ts = [declared(ROOM.id, ACCOUNT, n, line) for n, line in (("a", 2), ("b", 4), ("c", 6))]
    found = declared_twice(ts, dict.fromkeys((t.key for t in ts), "room-1"))
    assert str(found[ts[1].key]) == (
        f"{FILE}:4: room room-1 is declared more than once "
        f"(also as a at {FILE}:2; c at {FILE}:6); declare it once"
    )


def test_a_target_without_a_resolved_id_is_not_compared() -> None:
    a, b = declared(ROOM.id, ACCOUNT, "a", 2), declared(ROOM.id, ACCOUNT, "b", 7)
    assert declared_twice([a, b], {a.key: "room-1"}) == {}


def twice_read() -> tuple[list[DesiredTarget], list[LiveTarget]]:
    """Rooms a and b read as one room (what a provider without a check of its own
    returns), and room c."""
    a = DesiredTarget(
        live_target("a").key, None, True, (want("alice@example.com"),), Location(FILE, 2)
    )
    b = DesiredTarget(live_target("b").key, None, True, (), Location(FILE, 5))
    c = DesiredTarget(
        live_target("c").key, None, True, (want("carol@example.com"),), Location(FILE, 8)
    )
    lives = [live_target("a", id="room-1"), live_target("b", id="room-1"), live_target("c")]
    return [a, b, c], lives


def test_the_planner_reports_one_target_read_twice_and_plans_the_others() -> None:
    targets, lives = twice_read()
    desired = desired_state(*targets)
    made = plan(desired, live_state(desired, *lives))
    assert list(made.errors) == [
        f"{FILE}:2: room room-1 is declared more than once (also as b at {FILE}:5); "
        "declare it once",
        f"{FILE}:5: room room-1 is declared more than once (also as a at {FILE}:2); "
        "declare it once",
    ]
    assert [t.key.name for t in made.targets] == ["c"]


def test_the_planner_plans_the_one_named_with_target() -> None:
    # as for rooms: only the targets selected are read, and one of two is not a duplicate
    targets, lives = twice_read()
    desired = desired_state(*targets)
    made = plan(desired, live_state(desired, *lives), targets=["a"])
    assert made.errors == ()
    assert [t.key.name for t in made.targets] == ["a"]


# --- --shard K/N: the other entry is another shard's (``DesiredState.elsewhere``) ---------


def by_id(kind: str, scope: str, name: str, line: int, target_id: str) -> DesiredTarget:
    return DesiredTarget(TargetKey(kind, scope, name), target_id, True, (), Location(FILE, line))


def test_a_target_sharing_its_id_with_one_elsewhere_is_reported_and_names_it() -> None:
    here, there = declared(ROOM.id, ACCOUNT, "a", 2), by_id(ROOM.id, ACCOUNT, "b", 7, "room-1")
    found = declared_twice([here], {here.key: "room-1", there.key: "room-1"}, [there])
    # only this run's entry: the other is its own shard's to report
    assert messages(found) == [
        f"{FILE}:2: room room-1 is declared more than once (also as b at {FILE}:7); declare it once"
    ]
    # from the other shard, the other entry, as the run without --shard words it
    other_side = declared_twice([there], {here.key: "room-1", there.key: "room-1"}, [here])
    assert messages(other_side) == [
        f"{FILE}:7: room room-1 is declared more than once (also as a at {FILE}:2); declare it once"
    ]


def test_targets_elsewhere_are_never_reported_even_when_they_share_an_id() -> None:
    b, c = by_id(ROOM.id, ACCOUNT, "b", 7, "room-1"), by_id(ROOM.id, ACCOUNT, "c", 9, "room-1")
    a = declared(ROOM.id, ACCOUNT, "a", 2)
    assert declared_twice([a], {a.key: "room-2", b.key: "room-1", c.key: "room-1"}, [b, c]) == {}


def test_compared_are_the_targets_elsewhere_that_can_be_one_of_these() -> None:
    named = declared(ROOM.id, ACCOUNT, "a", 2)
    with_id = by_id(ROOM.id, OTHER_ACCOUNT, "b", 4, "room-9")
    elsewhere = [
        by_id(ROOM.id, ACCOUNT, "x", 10, "room-1"),  # an id: free to compare
        declared(ROOM.id, ACCOUNT, "y", 11),  # by name where only names are here: two rooms
        declared(ROOM.id, OTHER_ACCOUNT, "z", 12),  # by name where one here has an id
        by_id(MEETING.id, "${M}", "m", 13, "${M}"),  # another kind
    ]
    assert [t.key.name for t in compared([named, with_id], elsewhere)] == ["x", "z"]
    assert compared([], elsewhere) == []


def test_the_planner_refuses_a_target_declared_again_in_another_shard() -> None:
    targets, lives = twice_read()
    a, b, c = targets
    desired = replace(desired_state(a, c), elsewhere=(b,))  # b is another shard's
    live = replace(live_state(desired, lives[0], lives[2]), elsewhere_ids={b.key: "room-1"})
    made = plan(desired, live)
    assert list(made.errors) == [
        f"{FILE}:2: room room-1 is declared more than once (also as b at {FILE}:5); declare it once"
    ]
    assert [t.key.name for t in made.targets] == ["c"]
    # an id that no target of this run has: planned as usual
    other = replace(live, elsewhere_ids={b.key: "room-7"})
    assert [t.key.name for t in plan(desired, other).targets] == ["a", "c"]
