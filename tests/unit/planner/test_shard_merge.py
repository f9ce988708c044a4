"""``--shard K/N`` and ``merge-plans`` as pure functions: a stable partition of the
targets, and the shards' plans merging into exactly the plan of the whole (hypothesis)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from planner_strategies import World, worlds

from reconciler.errors import UsageError
from reconciler.governance.expiry import Expiring
from reconciler.governance.grant import Until
from reconciler.plan import Plan, TargetPlan
from reconciler.plan_merge import MergeError, merge_plans
from reconciler.planner import plan
from reconciler.refs import Location, MemberRef, Role, TargetKey
from reconciler.safety import removal_limit
from reconciler.shard import Shard, shard_of

PROFILE = settings(max_examples=120, deadline=None)
names = st.text(min_size=1, max_size=12)
target_keys = st.builds(TargetKey, st.sampled_from(["room", "channel", "meeting"]), names, names)


def sharded(w: World, shard: Shard) -> Plan:
    """What ``plan --shard`` makes: the plan of the shard's targets only, from what its
    provider read (their notices, not the other shards')."""
    mine = tuple(t for t in w.desired.targets if shard.holds(t.key))
    limit = removal_limit(w.desired.safety, {t.key: t.safety for t in mine if t.safety})
    notices = tuple(n for n in w.live.notices if n.target is None or shard.holds(n.target))
    live = replace(w.live, notices=notices)
    made = plan(replace(w.desired, targets=mine), live, now=w.now)
    return replace(made, shard=shard, removal_limit=limit)


@PROFILE
@given(st.booleans().flatmap(lambda dated: worlds(dated=dated)), st.integers(1, 5))
def test_the_shards_merged_are_the_plan_of_the_whole(w: World, count: int) -> None:
    # dated worlds (half): entries ending soon or ended, notes on targets, planned at w.now,
    # so that expiring, expired_kept and notices are not all empty (Q-EG-1)
    whole = plan(w.desired, w.live, now=w.now)
    parts = [sharded(w, Shard(k, count)) for k in range(1, count + 1)]
    merged = merge_plans([(f"plan-{p.shard}.json", p) for p in reversed(parts)])
    assert merged.targets == whole.targets
    assert merged.errors == whole.errors
    assert merged.expiring == whole.expiring
    assert merged.expired_kept == whole.expired_kept
    assert merged.notices == whole.notices
    assert merged.summary == whole.summary
    assert merged.drifted == whole.drifted
    # plan-wide limits too (Q-I-1: max_removals over every shard's targets)
    assert merged.violations == whole.violations


@PROFILE
@given(target_keys, st.integers(1, 50))
def test_every_target_is_in_exactly_one_shard(key: TargetKey, count: int) -> None:
    holding = [k for k in range(1, count + 1) if Shard(k, count).holds(key)]
    assert holding == [shard_of(key, count)]


@PROFILE
@given(st.lists(target_keys, unique=True, max_size=20), target_keys, st.integers(1, 9))
def test_a_target_stays_in_its_shard_whatever_else_is_declared(
    others: list[TargetKey], key: TargetKey, count: int
) -> None:
    alone = shard_of(key, count)
    with_others = {k: shard_of(k, count) for k in [*others, key]}
    assert with_others[key] == alone


def test_the_hash_is_of_scope_and_name_and_never_changes() -> None:
    # pinned: a change here moves targets between the CI jobs of every user
    acct = "11111111-2222-3333-4444-555555555555"
    assert [shard_of(TargetKey("room", acct, f"room-{i}"), 3) for i in range(6)] == [
        2, 3, 1, 1, 1, 1,
    ]  # fmt: skip
    channel = TargetKey("channel", "arn:aws:chime:us-east-1:1:app-instance/a", "ops")
    moderators = replace(channel, kind="channel-moderator")
    assert all(shard_of(channel, n) == shard_of(moderators, n) for n in range(1, 20))


TAKES = "--shard takes K/N, shard K of N counted from 1 (e.g. --shard 2/3), "


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0/3", "--shard '0/3': the shard K must be 1 to 3 (K/N, from 1)"),
        ("4/3", "--shard '4/3': the shard K must be 1 to 3 (K/N, from 1)"),
        ("1/0", "--shard '1/0': the number of shards N must be 1 to 1000"),
        ("1/1001", "--shard '1/1001': the number of shards N must be 1 to 1000"),
        ("a/b", "--shard takes K/N, shard K of N counted from 1 (e.g. --shard 2/3), not 'a/b'"),
        ("2", "--shard takes K/N, shard K of N counted from 1 (e.g. --shard 2/3), not '2'"),
        # a whole number as --parallelism reads one (QA-LF Q-LF-7): -1 is one, out of range
        ("-1/3", "--shard '-1/3': the shard K must be 1 to 3 (K/N, from 1)"),
        # a line break typed about it (a CRLF file's value) split the error in two lines
        # (QA-HI Q-HI-2): quoted as every value
        ("0/3\r", "--shard '0/3\\r': the shard K must be 1 to 3 (K/N, from 1)"),
        ("4/3\x0b", "--shard '4/3\\x0b': the shard K must be 1 to 3 (K/N, from 1)"),
        ("1/0\n", "--shard '1/0\\n': the number of shards N must be 1 to 1000"),
        ("1/2/3", f"{TAKES}not '1/2/3'"),
        ("1/", f"{TAKES}not '1/'"),
        ("1_0/20", f"{TAKES}not '1_0/20'"),
        # more than 100 digits: too large, out of range, and cut as every value is
        (
            f"1/{'3' * 101}",
            f"--shard {'1/' + '3' * 78!r}…(103 characters): the number of shards N must be "
            "1 to 1000",
        ),
        (
            f"{'1' * 101}/3",
            f"--shard {'1' * 80!r}…(103 characters): the shard K must be 1 to 3 (K/N, from 1)",
        ),
        ("x" * 10_000, f"{TAKES}not {'x' * 80!r}…(10,000 characters)"),
        # Arabic-Indic 1 and 3 were shard 1/3 (QA-GV Q-GV-2): ASCII digits only
        ("\u0661/\u0663", f"{TAKES}not '\u0661/\u0663'"),
        ("1/\u0663", f"{TAKES}not '1/\u0663'"),
    ],
)
def test_a_bad_shard_is_a_usage_error(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        Shard.parse(text)
    assert str(caught.value) == message


def test_parse_reads_k_of_n() -> None:
    assert Shard.parse("2/3") == Shard(2, 3)
    assert Shard.parse(" 1 / 1 ") == Shard(1, 1)
    # QA-LF Q-LF-7: the one whole-number rule, as `--parallelism +8` (refused before)
    assert Shard.parse("+1/3") == Shard(1, 3)
    assert Shard.parse("+2/+3") == Shard(2, 3)
    assert Shard.parse("002/0003") == Shard(2, 3)
    assert str(Shard(2, 3)) == "2/3"


def empty(shard: Shard | None, digest: str = "d") -> Plan:
    return Plan((), desired_digest=digest, shard=shard)


@pytest.mark.parametrize(
    ("plans", "message"),
    [
        ([("a", empty(Shard(1, 2)))], "shard 2/2 is missing: give the plan file of every shard "
         "1/2 to 2/2"),
        ([("a", empty(Shard(1, 3)))], "shards 2/3, 3/3 are missing: give the plan file of every "
         "shard 1/3 to 3/3"),
        ([("a", empty(Shard(1, 2))), ("b", empty(Shard(1, 2)))], "shard 1/2 is given twice: a "
         "and b"),
        ([("a", empty(Shard(1, 2))), ("b", empty(Shard(2, 3)))], "b is shard 2/3 but a is "
         "shard 1/2: the shards of one run all have the same N"),
        ([("a", empty(Shard(1, 2))), ("b", empty(Shard(2, 2), "e"))], "b and a were planned "
         "from different desired-state files (desired_digest differs): plan every shard from "
         "the same commit"),
        ([("a", empty(None))], "a was not made with --shard K/N: there is nothing to merge"),
    ],
)  # fmt: skip
def test_an_incomplete_or_mixed_set_of_shards_is_refused(
    plans: list[tuple[str, Plan]], message: str
) -> None:
    with pytest.raises(MergeError) as caught:
        merge_plans(plans)
    assert str(caught.value) == message


# --- one target declared twice, in two shards (QA-BG Q-BG-2) ------------------------------

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def room_plan(shard: Shard, name: str, room_id: str, scope: str = ACCOUNT) -> Plan:
    """A shard's plan of one room, as a provider that does not fill
    ``LiveState.elsewhere_ids`` lets a shard make it: it never saw the other shard's entry."""
    key = TargetKey("room", scope, name)
    assert shard.holds(key)
    return Plan((TargetPlan(key, room_id, "fp", ()),), desired_digest="d", shard=shard)


def test_one_target_planned_by_two_shards_under_two_names_is_refused_naming_both() -> None:
    s1 = room_plan(Shard(1, 2), "ops", "room-9")
    s2 = room_plan(Shard(2, 2), "ops-by-id", "room-9")
    with pytest.raises(MergeError) as caught:
        merge_plans([("s2.json", s2), ("s1.json", s1)])
    assert str(caught.value) == (
        "s1.json (shard 1/2) plans room 'ops' and s2.json (shard 2/2) plans room 'ops-by-id', "
        "which are one room (id room-9) declared twice, whose plans would undo each other on "
        "every apply; declare it once (plan without --shard names both entries)"
    )


def test_one_id_in_two_scopes_of_a_kind_whose_ids_are_per_scope_is_two_targets() -> None:
    s1 = room_plan(Shard(1, 2), "ops", "room-9")
    s2 = room_plan(Shard(2, 2), "ops-by-id", "room-9", scope="22222222-0000-0000-0000-000000000000")
    merged = merge_plans([("s1.json", s1), ("s2.json", s2)])
    assert [t.key.name for t in merged.targets] == ["ops", "ops-by-id"]


# --- the notes of every shard, not only the first's (QA-EG Q-EG-1) -------------------------


def test_every_shards_ending_soon_ended_and_left_out_notes_are_in_the_merged_plan() -> None:
    def notes(shard: Shard, name: str, line: int) -> Plan:
        key = TargetKey("room", ACCOUNT, name)
        assert shard.holds(key)
        soon = Until(dt.datetime(2027, 3, 4, tzinfo=dt.UTC), "2027-03-04")
        ended = Until(dt.datetime(2027, 2, 27, tzinfo=dt.UTC), "2027-02-27")
        at = Location("d.yaml", line)
        alice, bob = MemberRef.user("alice@example.com"), MemberRef.user("bob@example.com")
        return Plan(
            (TargetPlan(key, f"id-{name}", "fp", ()),),
            desired_digest="d",
            shard=shard,
            expiring=(Expiring(soon, key, alice, at, 3, Role.MEMBER),),
            expired_kept=(Expiring(ended, key, bob, at, -2, Role.MEMBER),),
            notices=(f"d.yaml:{line}: room {name!r} is left out (a note)",),
        )

    one, two = notes(Shard(1, 2), "room-0", 9), notes(Shard(2, 2), "room-5", 3)
    merged = merge_plans([("s2.json", two), ("s1.json", one)])
    assert [(e.target.name, str(e.member)) for e in merged.expiring] == [
        ("room-0", "alice@example.com"),
        ("room-5", "alice@example.com"),
    ]
    assert [(e.target.name, str(e.member)) for e in merged.expired_kept] == [
        ("room-0", "bob@example.com"),
        ("room-5", "bob@example.com"),
    ]
    assert merged.notices == (  # in file and line order
        "d.yaml:3: room 'room-5' is left out (a note)",
        "d.yaml:9: room 'room-0' is left out (a note)",
    )


def test_two_bots_of_one_name_still_in_a_room_are_two_expired_memberships_merged_too() -> None:
    # found by the property above: `plan` lists each live bot, merge-plans kept one
    key = TargetKey("room", ACCOUNT, "room-0")
    ended = Until(dt.datetime(2027, 2, 27, tzinfo=dt.UTC), "2027-02-27")
    zed = Expiring(ended, key, MemberRef.bot("Zed"), Location("d.yaml", 2), -2, Role.MEMBER)
    one = Plan((), desired_digest="d", shard=Shard(1, 2), expired_kept=(zed, zed))
    merged = merge_plans([("s1.json", one), ("s2.json", empty(Shard(2, 2)))])
    assert merged.expired_kept == (zed, zed)
