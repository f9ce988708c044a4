"""The scale harness (bench/harness.py) on a tiny estate: the emulator and the CLI in their
own processes, one JSON object with calls at the lower bound, phases, peak RSS, and the
naive script beside it. The full-size scenarios are run by hand (README, Benchmarks)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import channel_bounds, harness
from bench.channel_bounds import MessagingLimits
from bench.channel_world import DEFAULT, HIDDEN, Channel, ChannelWorld, channel_estate
from bench.channel_world import diff as channel_diff
from bench.estate import Drift, estate
from bench.world import diff


def test_an_estate_drifts_each_room_by_the_share_asked() -> None:
    assert Drift.of(200, 0.05) == Drift(adds=4, updates=4, removes=2)
    world = estate(4, 20, 0.25)
    for room in world.rooms:
        d = diff(room)
        assert (len(d.adds), len(d.updates), len(d.deletes)) == (2, 2, 1)
    assert world.expected_summary() == {"add": 8, "change": 8, "remove": 4}


def test_an_estate_past_1000_rooms_keeps_each_user_in_at_most_1000() -> None:
    # 1,100 rooms of 1,000 from a pool of 2,000 put each user in about 1,100 rooms: AWS's
    # limit is 1,000 rooms a member, which validate and the emulator refuse (Q-FF-1)
    world = estate(1100, 1000, 0.05)
    rooms_of = Counter(u for room in world.rooms for u in {*room.live, *room.desired})
    assert max(rooms_of.values()) <= 1000
    assert len(estate(1000, 1000, 0.05).users) == 2000  # the README's estates: unchanged
    assert len(estate(300, 200, 0.05).users) == 400


def test_the_harness_measures_plan_apply_and_the_naive_script() -> None:
    args = harness.parser().parse_args(["--rooms", "3", "--members", "10", "--drift", "0.5"])
    result = harness.run(args)
    plan, apply, naive = result["plan"], result["apply"], result["naive"]
    assert plan["exit_code"] == 2 and apply["exit_code"] == 0
    assert plan["problems"] == [] and apply["problems"] == []
    assert plan["calls"] == {"ListRoomMemberships": 3, "ListRooms": 1}
    assert plan["calls_total"] == plan["lower_bound_total"] == 4
    # apply: its plan, 3 batches, 2 updates and 1 delete per room, then verification
    assert apply["calls"]["BatchCreateRoomMembership"] == 3
    assert apply["calls"]["UpdateRoomMembership"] == 6
    assert apply["calls"]["DeleteRoomMembership"] == 3
    assert apply["calls_total"] == apply["lower_bound_total"]
    assert set(plan["phases_s"]) == {"load", "read", "plan", "render"}
    assert plan["peak_rss_mb"] > 10
    assert plan["throttled"] == apply["throttled"] == 0
    # where the calls fell (the emulator's timeline): after the start, before the end
    timeline = plan["timeline"]
    assert 0 < timeline["first_call_s"] <= timeline["last_answer_s"] < plan["wall_s"]
    assert timeline["after_last_answer_s"] > 0 and timeline["partial"] is False
    assert timeline["in_flight"] > 0
    # a plan after apply: no change (apply converged), its calls apart from apply's
    again = result["after_apply"]
    assert apply["converged"] is True and again["exit_code"] == 0
    assert again["summary"] == {"add": 0, "change": 0, "remove": 0}
    assert again["calls"] == {"ListRoomMemberships": 3, "ListRooms": 1}
    # the naive script: one create per member added, a lookup per unknown e-mail
    assert naive["calls"]["CreateRoomMembership"] == 6
    assert naive["calls_total"] > apply["calls_total"]


def test_told_the_quota_nothing_is_throttled() -> None:
    args = harness.parser().parse_args(
        ["--rooms", "12", "--members", "4", "--drift", "0", "--tps", "20", "--no-naive"]
    )
    result = harness.run(args)
    assert result["plan"]["throttled"] == 0
    # 13 calls: the pacer's floor is 12 intervals (the first call waits for nothing)
    assert result["plan"]["ideal_s"] == 12 / 20
    assert result["plan"]["wall_s"] >= result["plan"]["ideal_s"]
    assert "apply" in result and result["apply"]["problems"] == []


def test_the_json_tells_the_calls_span_from_the_whole_commands_time() -> None:
    # QA-GC Q-GC-1: on a short quota-bound run the CLI's start-up (0.5-1 s before its
    # first call) is a large share of an ideal of a few seconds; vs_ideal (the whole
    # command: the targets' ratio) counts it, calls_span_vs_ideal (first call to last
    # answer) does not, so a start-up miss and a pacing miss can be told apart
    args = harness.parser().parse_args(
        ["--rooms", "12", "--members", "4", "--drift", "0", "--tps", "20", "--no-apply"]
    )
    plan = harness.run(args)["plan"]
    timeline, ideal = plan["timeline"], plan["ideal_s"]
    assert plan["vs_ideal"] == round(plan["wall_s"] / ideal, 3)
    span = timeline["last_answer_s"] - timeline["first_call_s"]
    assert plan["calls_span_vs_ideal"] == round(span / ideal, 3)
    assert 0.9 < plan["calls_span_vs_ideal"] < plan["vs_ideal"]
    # paced at the quota, the calls' span is near the ideal, whatever the start-up took
    assert plan["calls_span_vs_ideal"] < 1.5
    # the README says which ratio the targets use
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert "The targets (`bench/table.py`, the table below) are on `vs_ideal`" in readme
    assert "`calls_span_vs_ideal` leaves out the start-up" in readme


def test_the_calls_span_ratio_needs_an_ideal_and_every_call() -> None:
    timeline = {"first_call_s": 0.9, "last_answer_s": 8.9, "partial": False}
    assert harness.calls_span_vs_ideal(timeline, 8.0) == 1.0
    assert harness.calls_span_vs_ideal(timeline, None) is None  # no quota, no latency
    assert harness.calls_span_vs_ideal(None, 8.0) is None  # no call made
    # the emulator kept the last calls only: the first one's arrival is not known
    assert harness.calls_span_vs_ideal({**timeline, "partial": True}, 8.0) is None


def test_a_channel_estate_drifts_each_channel_by_the_share_asked() -> None:
    world = channel_estate(3, 20, 0.25)  # d = 5: 2 adds, 2 removals, 1 type change
    for c in world.channels:
        d = channel_diff(c)
        assert (len(d.adds[DEFAULT]), len(d.adds[HIDDEN]), len(d.retyped)) == (2, 1, 1)
        assert (len(d.removes), len(d.grants), len(d.revokes)) == (2, 1, 0)
        assert len(c.live) == len(c.desired) == 20  # never above the channel's size
    assert world.expected_summary() == {"add": 9, "change": 3, "remove": 6}
    # AWS's maximum channel, drifted, stays at the maximum before and after
    big = channel_estate(1, 10_000, 0.05).channels[0]
    assert len(big.live) == len(big.desired) == 10_000


def test_channel_bounds_come_from_the_messaging_model() -> None:
    limits = MessagingLimits.from_model()
    assert (limits.memberships_page, limits.batch) == (50, 100)  # botocore's chime-sdk-messaging
    world = channel_estate(1, 10_000, 0.05)
    bound = channel_bounds.apply_bound(world, limits)
    # 200 adds (DEFAULT) and 100 re-created HIDDEN: 2 + 1 batches; 300 deletes; 1 grant
    assert bound["BatchCreateChannelMembership"] == 3
    assert bound["DeleteChannelMembership"] == 300
    assert bound["CreateChannelModerator"] == 1
    # the 200 added users no listing shows: 200 lookups (4 s at 50/s), not the 205 pages
    # of the app instance's users (20.5 s at 10/s)
    assert (bound.get("ListAppInstanceUsers", 0), bound["DescribeAppInstanceUser"]) == (0, 200)
    # 20 added users among 122, on pages 2 and 3: two pages then one lookup (0.22 s)
    # beat 20 lookups (0.4 s) and the three pages (0.3 s)
    small = channel_bounds.read_bound(channel_estate(1, 100, 0.5), limits)
    assert (small["ListAppInstanceUsers"], small["DescribeAppInstanceUser"]) == (2, 1)
    assert limits.users_page == 50  # botocore's chime-sdk-identity


@pytest.mark.parametrize(
    ("desired", "moderators", "bans"),
    [
        (("a",), ("a",), 0),  # in sync
        (("a", "b"), ("a",), 1),  # a member to add
        (("a",), ("a", "c"), 1),  # a moderator the entry does not declare a member
        (("a", "b"), ("a", "c"), 1),  # both: one listing (QA-CI Q-CI-3)
        (("a", "b"), ("a", "b"), 1),  # a new moderator the entry declares a member: none more
    ],
)
def test_the_channel_bound_lists_a_channels_bans_once_where_a_kind_needs_them(
    desired: tuple[str, ...], moderators: tuple[str, ...], bans: int
) -> None:
    channel = Channel(
        "c", "c", {"a": "DEFAULT"}, ("a",), dict.fromkeys(desired, "DEFAULT"), moderators
    )
    world = ChannelWorld(("reconciler", "a", "b", "c"), (channel,))
    bound = channel_bounds.read_bound(world, MessagingLimits.from_model())
    assert bound.get("ListChannelBans", 0) == bans


def test_a_channel_scenario_under_the_quotas_is_at_the_bound_and_never_throttled() -> None:
    args = harness.parser().parse_args(
        ["--channels", "1", "--channel-members", "10", "--drift", "0.5", "--quotas"]
    )
    result = harness.run(args)
    plan, apply, naive = result["plan"], result["apply"], result["naive"]
    assert result["scenario"]["rooms"] == 0
    assert plan["problems"] == [] and apply["problems"] == []
    assert plan["calls"] == {
        "ListChannels": 2,  # PUBLIC, then PRIVATE
        "DescribeChannel": 1,
        "ListChannelMemberships": 2,  # DEFAULT, HIDDEN
        "ListChannelBans": 1,
        "ListChannelModerators": 1,
        "DescribeAppInstanceUser": 2,  # the 2 added users exist (no listing shows them)
    }
    # 2 adds and a type change (DEFAULT -> HIDDEN): 3 deletes (2 removals), 2 batches (one
    # per type), 1 moderator grant; then the channel is read again (its members and
    # moderators, not its bans)
    assert apply["calls"]["DeleteChannelMembership"] == 3
    assert apply["calls"]["BatchCreateChannelMembership"] == 2
    assert apply["calls"]["CreateChannelModerator"] == 1
    assert apply["calls"]["ListChannelBans"] == 1
    assert apply["calls_total"] == apply["lower_bound_total"] == 7 + 2 + 6 + 3
    assert plan["throttled"] == apply["throttled"] == 0
    # AWS's bearer quota: 10 calls/s; then the identity quota: 50 lookups/s
    assert apply["ideal_s"] == round(16 / 10 + 2 / 50, 3)
    assert apply["wall_s"] >= apply["ideal_s"]
    # the naive script: one create per member, a delete and a create per type change
    assert naive["calls"]["CreateChannelMembership"] == 3
    assert naive["calls"]["DeleteChannelMembership"] == 3


def test_several_bearers_are_admins_and_named_in_the_settings() -> None:
    world = channel_estate(2, 10, 0.0, bearers=3)
    instance = world.seed()["app_instances"][0]
    assert instance["admins"] == ["reconciler", "reconciler-1", "reconciler-2"]
    assert {"id": "reconciler-2"} in instance["users"]
    assert world.settings()["app_instances"]["bench"]["bearers"] == [
        "user:reconciler",
        "user:reconciler-1",
        "user:reconciler-2",
    ]
    assert "bearers" not in channel_estate(2, 10, 0.0).settings()["app_instances"]["bench"]


def test_a_commands_peak_memory_is_its_own_not_the_harness_process(tmp_path: Path) -> None:
    """wait4's ru_maxrss of a child also counts the parent it was forked from (Linux keeps
    the high-water mark across exec): the CLI reports its own VmHWM instead."""
    ballast = bytearray(200 * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(ballast[::4096])  # touched: resident in this process
    step = harness.run_cli(["--version"], tmp_path / "version.out")
    assert step["exit_code"] == 0
    assert 10 < step["peak_rss_mb"] < 150
    del ballast


def test_the_harness_measures_a_byte_compiled_cli_as_pip_installs_it() -> None:
    # PYTHONDONTWRITEBYTECODE=1 and an editable install would compile every module from
    # source in each CLI process the harness times
    import importlib.util

    source = harness.ROOT / "reconciler" / "cli" / "main.py"
    cached = Path(importlib.util.cache_from_source(str(source)))
    cached.unlink(missing_ok=True)
    harness.byte_compile()
    assert cached.is_file() and cached.stat().st_mtime >= source.stat().st_mtime


def test_a_scenario_the_options_cannot_describe_is_one_line_not_a_traceback() -> None:
    args = harness.parser().parse_args(["--channels", "5", "--channel-members", "1"])
    try:
        harness.run(args)
    except SystemExit as exc:
        assert str(exc) == "harness.py: a channel estate has at least one channel of 2 members"
    else:
        raise AssertionError("the harness ran a scenario it cannot build")


@pytest.mark.parametrize(
    "bad",
    [
        ["--latency-ms", "-5"],
        ["--latency-ms", "nan"],
        ["--tps", "0"],
        ["--tps", "nan"],
        ["--tps", "inf"],
        ["--tps", "-inf"],
    ],
)
def test_option_values_out_of_range_are_argparse_errors(
    bad: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        harness.parser().parse_args(["--rooms", "2", f"{bad[0]}={bad[1]}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"error: argument {bad[0]}: a finite number" in err
    assert err.endswith(f"not {bad[1]}")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--parallelism", "0"], "harness.py: --parallelism >= 1"),
        (
            ["--channels", "2", "--channel-members", "10001"],
            "harness.py: --channel-members 10001: a channel has at most 10,000 members",
        ),
        (
            ["--rooms", "1", "--members", "1001"],
            "harness.py: --members 1001: a room has at most 1,000 members",
        ),
        (
            ["--rooms", "1", "--members", "1000", "--drift", "0.002"],
            "harness.py: rooms of 1000 members cannot take a drift of 0.002: its 2 removals "
            "and 0 adds a room leave 1,002 members in it live, and a room has at most 1,000: "
            "give at most 998 members, or a drift with no more removals than adds a room",
        ),
        (
            ["--channels", "1", "--bearers", "101"],
            "harness.py: --bearers 101: an app instance has at most 100 admins",
        ),
        (
            ["--rooms", "2", "--channels", "1", "--tps", "5"],
            "harness.py: --tps counts every call in one bucket, and the CLI paces rooms, "
            "channels and each bearer apart: with --tps, give channels alone and one bearer, "
            "or add --unknown-quota",
        ),
        (
            ["--channels", "1", "--quotas", "--tps", "20"],
            "harness.py: --tps tells the CLI that every quota allows 20 calls/s, "
            "and --quotas keeps AWS's documented quotas too, some lower (a channel's batch "
            "calls: 1/s): give one of them, or add --unknown-quota",
        ),
        # --channels 0 alone asks for no channels, not the default rooms (QA-GC Q-GC-3)
        (["--channels", "0"], "harness.py: a scenario has rooms, channels or both"),
        (["--rooms", "0"], "harness.py: a scenario has rooms, channels or both"),
        # options the scenario would not use (QA-FI Q-FI-5)
        (
            ["--rooms", "2", "--unknown-quota"],
            "harness.py: --unknown-quota: there is no quota to keep from the CLI without --tps",
        ),
        (
            ["--rooms", "2", "--channel-members", "7"],
            "harness.py: --channel-members: for a channel scenario (--channels)",
        ),
        (
            ["--channels", "1", "--members", "5"],
            "harness.py: --members: for rooms (--rooms; with --channels alone there are none)",
        ),
        (
            ["--rooms", "2", "--bearers", "3"],
            "harness.py: --bearers N: at least 1, and for a channel scenario (--channels)",
        ),
    ],
)
def test_option_values_the_emulator_refuses_are_one_line_too(
    options: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        harness.run(harness.parser().parse_args(options))
    assert str(exc.value) == message


def test_every_count_off_its_bound_is_a_problem() -> None:
    bound = {"ListRooms": 1, "ListUsers": 10}
    # the rooms' ListUsers above its bound, within the resolver's guarantee of 2L
    assert harness.above_or_below({"ListRooms": 1, "ListUsers": 16}, 0, bound, told=False) == [
        "ListUsers: 16 calls, bound 10"
    ]
    # throttled: the total net of the 429s is the bound's, not more
    made = {"ListRooms": 1, "ListUsers": 16}
    assert harness.above_or_below(made, 2, bound, told=False) == [
        "15 calls (429s apart) against a lower bound of 11"
    ]
    assert harness.above_or_below({"ListRooms": 2, "ListUsers": 11}, 2, bound, told=False) == []
    # told the quota: a 429 is a problem of its own
    assert harness.above_or_below({"ListRooms": 2, "ListUsers": 11}, 2, bound, told=True) == [
        "2 calls throttled (429) with the quota told"
    ]


def test_told_the_quota_a_channel_scenario_is_never_throttled() -> None:
    args = harness.parser().parse_args(
        [
            *("--channels", "3", "--channel-members", "20", "--drift", "0.1", "--tps", "5"),
            "--no-naive",
            "--no-apply",
        ]
    )
    result = harness.run(args)
    assert result["scenario"]["told_the_quota"] is True
    assert result["plan"]["throttled"] == 0
    assert result["plan"]["problems"] == []


def test_the_output_says_what_the_lower_bound_is() -> None:
    args = harness.parser().parse_args(
        ["--channels", "1", "--channel-members", "4", "--drift", "0", "--no-apply", "--no-naive"]
    )
    told = harness.run(args)["scenario"]["lower_bound_is"]
    assert told.startswith("the fewest calls per operation, except the channels' check")
    assert "fastest way at AWS's identity quotas" in told


def test_the_quota_ideal_counts_the_busiest_bearer_of_whole_channels() -> None:
    # 12 equal channels on 5 bearers: some bearer reads 3 of them, not 2.4
    assert channel_bounds.busiest_bearer(12 * 7, [7] * 12, 5) == 21
    assert channel_bounds.busiest_bearer(100 * 7, [7] * 100, 4) == 175  # even: the share
    assert channel_bounds.busiest_bearer(30, [20, 5, 5], 3) == 20  # one channel's own calls
    assert channel_bounds.busiest_bearer(10, [1] * 8, 4) == 2.5  # calls beyond the channels


def test_each_channels_calls_add_up_to_the_bound() -> None:
    limits = MessagingLimits.from_model()
    world = channel_estate(12, 300, 0.5)
    ops = channel_bounds.MESSAGING_OPS - {channel_bounds.LIST_CHANNELS}
    for apply, bound in (
        (False, channel_bounds.read_bound(world, limits)),
        (True, channel_bounds.apply_bound(world, limits)),
    ):
        loads = channel_bounds.channel_calls(world, limits, apply=apply)
        assert len(loads) == 12
        assert sum(loads) == sum(n for op, n in bound.items() if op in ops)


def test_a_scenario_with_few_channels_per_bearer_has_the_busiest_bearers_ideal() -> None:
    args = harness.parser().parse_args(["--channels", "12", "--channel-members", "300", "--quotas"])
    sc = harness.build(args)
    limits = MessagingLimits.from_model()
    one = channel_bounds.channel_calls(channel_estate(12, 300, args.drift), limits, apply=False)[0]
    read = sc.read_bound
    assert sc.quota_seconds(read, "plan", 1) == harness.ideal(read, "plan", sc, args)
    # 5 bearers: 3 channels' calls on the busiest at 10 calls/s, then the users' check
    identity = channel_bounds.identity_seconds(read, limits)
    assert sc.quota_seconds(read, "plan", 5) == pytest.approx(3 * one / 10 + identity)


def test_the_timeline_summary_says_when_the_calls_came_and_how_many_at_once() -> None:
    calls = [("ListRooms", 10.5, 10.52), ("ListRoomMemberships", 10.52, 10.56)]
    calls += [("ListRoomMemberships", 10.52, 10.56)]
    summary = harness.timeline_summary(calls, launched=10.0, wall_s=0.7, made=3)
    assert summary == {
        "first_call_s": 0.5,
        "last_answer_s": 0.56,
        "after_last_answer_s": 0.14,
        "served_ms_p50": 40.0,
        "served_ms_p90": 40.0,
        "in_flight": 1.67,  # 0.1 s of calls served in 0.06 s
        "partial": False,
    }
    assert harness.timeline_summary(calls[:1], 10.0, 0.7, made=3)["partial"] is True
    assert harness.timeline_summary([], 10.0, 0.7, made=0) is None


def test_throttled_calls_do_not_make_the_timeline_partial() -> None:
    # the emulator counts a 429 under its operation and under Throttled, its timeline
    # once: a throttled run kept every call (QA-FI Q-FI-4)
    args = harness.parser().parse_args(
        [
            *("--rooms", "12", "--members", "4", "--drift", "0", "--tps", "4"),
            *("--unknown-quota", "--no-apply", "--no-naive"),
        ]
    )
    plan = harness.run(args)["plan"]
    assert plan["throttled"] > 0 and plan["problems"] == []
    assert plan["timeline"]["partial"] is False


def test_the_plans_quota_ideal_has_no_batch_calls() -> None:
    # a plan makes no BatchCreateChannelMembership: apply's 1/s a channel is no floor of
    # its time (QA-FI Q-FI-2: 1 channel of 260, drift 1.0: 2.6 s, not 1.8 s)
    args = harness.parser().parse_args(
        ["--channels", "1", "--channel-members", "260", "--drift", "1.0", "--quotas"]
    )
    sc = harness.build(args)
    read, applied = sc.read_bound, sc.apply_bound
    assert "BatchCreateChannelMembership" not in read
    messaging = sum(n for op, n in read.items() if op in channel_bounds.MESSAGING_OPS)
    identity = channel_bounds.identity_seconds(read, MessagingLimits.from_model())
    assert (messaging, identity) == (12, pytest.approx(0.6))
    assert harness.ideal(read, "plan", sc, args) == pytest.approx(1.2 + 0.6)
    # apply's 3 batch calls on the one channel: 2 s at 1/s, whatever its other calls
    assert applied["BatchCreateChannelMembership"] == 3
    busiest = sum(n for op, n in applied.items() if op in channel_bounds.MESSAGING_OPS)
    apply_identity = channel_bounds.identity_seconds(applied, MessagingLimits.from_model())
    assert harness.ideal(applied, "apply", sc, args) == pytest.approx(
        max(busiest / 10, 2.0) + apply_identity
    )


def test_the_ideal_is_the_longest_floor_the_quota_or_the_latency() -> None:
    # 21 calls at 10/s on one thread of 300 ms each: 6.3 s, not the quota's 2.0 s (QA-FI
    # Q-FI-3: vs_ideal 4.1 for a thread that was busy the whole time)
    args = harness.parser().parse_args(
        [
            *("--rooms", "20", "--members", "20", "--drift", "0.1", "--tps", "10"),
            *("--latency-ms", "300", "--parallelism", "1"),
        ]
    )
    sc = harness.build(args)
    assert sum(sc.read_bound.values()) == 21
    assert harness.ideal(sc.read_bound, "plan", sc, args) == pytest.approx(6.3)
    args.parallelism = 8  # 0.79 s of latency on 8 threads: the quota's 2.0 s
    assert harness.ideal(sc.read_bound, "plan", sc, args) == pytest.approx(2.0)
    # --quotas (the CLI not told --tps): the longer of the two quotas' floors
    quotas = harness.parser().parse_args(
        [
            *("--channels", "1", "--channel-members", "260", "--drift", "1.0", "--quotas"),
            *("--tps", "5", "--unknown-quota"),
        ]
    )
    sc = harness.build(quotas)
    read = sc.read_bound
    assert harness.ideal(read, "plan", sc, quotas) == pytest.approx((sum(read.values()) - 1) / 5)
    quotas.tps = 100
    assert harness.ideal(read, "plan", sc, quotas) == pytest.approx(1.8)


@pytest.mark.parametrize(("rooms", "members"), [(4, 5), (10, 10)])
def test_a_drift_a_room_cannot_take_is_refused_not_turned_into_demotions(
    rooms: int, members: int
) -> None:
    # 1.0 of 10 members: 4 adds and 4 demotions after 3 Administrators overlap; the adds
    # became demotions, 0 or 30 adds of 8 or 40 (QA-FI Q-FI-6)
    with pytest.raises(ValueError, match=f"rooms of {members} members cannot take a drift of 1"):
        estate(rooms, members, 1.0)
    args = harness.parser().parse_args(
        ["--rooms", str(rooms), "--members", str(members), "--drift", "1.0"]
    )
    with pytest.raises(SystemExit, match=r"^harness\.py: rooms of"):
        harness.run(args)


@pytest.mark.parametrize(
    ("rooms", "members", "drift"),
    [(300, 200, 0.05), (1000, 1000, 0.05), (300, 20, 0.1), (4, 20, 0.25), (3, 14, 1.0)],
)
def test_every_room_drifts_as_described(rooms: int, members: int, drift: float) -> None:
    # the README's scenarios (and the largest drift of a small room) build the estate the
    # README describes: two fifths adds, two fifths demotions, the rest removals, a room
    want = Drift.of(members, drift)
    for room in estate(rooms, members, drift).rooms:
        d = diff(room)
        assert (len(d.adds), len(d.updates), len(d.deletes)) == (
            want.adds,
            want.updates,
            want.removes,
        )


@pytest.mark.parametrize("members", [996, 997, 998, 999, 1000])
def test_no_room_of_an_estate_holds_more_than_awss_1000_members(members: int) -> None:
    # QA-GC Q-GC-2: --members 1000 --drift 0.002 made 2 removals and no add a room, 1,002
    # members live, and the emulator refused the seed; every drift either builds rooms of
    # at most 1,000 members, declared and live, or is refused up front
    for permille in range(0, 61):
        try:
            world = estate(2, members, permille / 1000)
        except ValueError as exc:
            assert "a room has at most 1,000" in str(exc)
            continue
        for room in world.rooms:
            assert len(room.live) <= 1000 and len(room.desired) <= 1000
    with pytest.raises(ValueError, match="a room has at most 1,000 members, not 1,001"):
        estate(1, 1001, 0.05)


def test_a_full_room_with_a_small_drift_the_emulator_takes() -> None:
    # 3 differences: 1 add, 1 demotion, 1 removal; 1,000 members live and declared
    args = harness.parser().parse_args(
        ["--rooms", "1", "--members", "1000", "--drift", "0.003", "--no-apply"]
    )
    result = harness.run(args)
    assert result["plan"]["problems"] == []
    assert result["scenario"]["changes"] == {"add": 1, "change": 1, "remove": 1}


def test_rooms_with_no_channels_run_rooms_alone() -> None:
    # --channels 0 beside --rooms: the rooms asked for, no channel
    args = harness.parser().parse_args(
        ["--rooms", "2", "--members", "3", "--channels", "0", "--no-apply"]
    )
    result = harness.run(args)
    assert result["plan"]["problems"] == []
    assert (result["scenario"]["rooms"], result["scenario"]["channels"]) == (2, 0)
    assert set(result["plan"]["calls"]) == {"ListRooms", "ListRoomMemberships"}


def test_the_readmes_example_of_too_few_threads_says_its_drift() -> None:
    # QA-GC Q-GC-3: the README's 8 channels of 60 on 4 bearers against an ideal of 4.25 s
    # is at drift 0.2 (the default 0.05 gives 3.05 s); it says so
    args = harness.parser().parse_args(
        [
            *("--channels", "8", "--channel-members", "60", "--drift", "0.2", "--quotas"),
            *("--bearers", "4", "--parallelism", "1"),
        ]
    )
    sc = harness.build(args)
    assert harness.ideal(sc.apply_bound, "apply", sc, args) == pytest.approx(4.25)
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert (
        "8 channels of 60 on 4 bearers at `--drift 0.2`, apply: 5.6 s at `--parallelism 32`, "
        "21.9 s at 1, against an ideal of 4.25 s" in readme
    )


def test_plan_only_runs_no_naive_script() -> None:
    # --no-apply: there is no apply to compare the naive script with (QA-FI Q-FI-5)
    args = harness.parser().parse_args(["--rooms", "2", "--members", "3", "--no-apply"])
    result = harness.run(args)
    assert result["plan"]["problems"] == []
    assert "apply" not in result and "naive" not in result
    assert result["scenario"]["members"] == 3 and result["scenario"]["channel_members"] is None


def test_the_json_says_when_the_quota_ideal_assumes_more_threads_than_given() -> None:
    # one thread, 2 bearers: a thread waiting for one bearer's quota serves no other, so
    # vs_ideal would count the missing threads; the reader is told (QA-FI Q-FI-7)
    args = harness.parser().parse_args(
        [
            *("--channels", "2", "--channel-members", "4", "--drift", "0", "--quotas"),
            *("--bearers", "2", "--parallelism", "1", "--no-apply"),
        ]
    )
    result = harness.run(args)
    assert result["plan"]["problems"] == []
    assert result["scenario"]["ideal_assumes"] == (
        "--parallelism 1 with 2 bearers: the ideal assumes more threads than bearers (a "
        "thread waiting for one bearer's quota, or out a channel's second between batch "
        "calls, serves no other meanwhile), so vs_ideal counts the missing threads too"
    )
    more = harness.parser().parse_args(["--channels", "2", "--quotas", "--bearers", "4"])
    assert harness.ideal_assumes(more) is None  # 8 threads, 4 bearers
    more.parallelism = 4
    assert (harness.ideal_assumes(more) or "").startswith("--parallelism 4 with 4 bearers:")


def test_an_apply_that_did_not_converge_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    # the estate seeded again before the plan after apply: it finds the drift again
    args = harness.parser().parse_args(["--rooms", "2", "--members", "5", "--drift", "0.4"])
    args.naive = False
    seed = harness.build(args).seed()
    real = harness.after_apply

    def undone(top: list[str], emu: harness.Emulator, work: Path) -> dict[str, object]:
        emu.seed(seed, {})
        return real(top, emu, work)

    monkeypatch.setattr(harness, "after_apply", undone)
    result = harness.run(args)
    assert result["apply"]["converged"] is False
    assert result["after_apply"]["exit_code"] == 2
    [problem] = result["apply"]["problems"]
    assert problem == (
        "not converged: a plan after apply exits 2, summary {'add': 0, 'change': 0, 'remove': 4}"
    )


def test_the_readme_says_what_a_small_drift_builds() -> None:
    """QA-FR Q-FR-7: the harness's defaults (50 members at 0.05: 2 differences a room)
    build removals only, not 'two fifths adds, two fifths demotions'; the README says so,
    and what --members 100 builds, as Drift.of builds them."""
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    assert Drift.of(50, 0.05) == Drift(0, 0, 2)
    assert Drift.of(100, 0.05) == Drift(2, 2, 1)
    assert "under 3 differences a room are all removals" in readme
    assert "50 members at 0.05, 2 a room, exercise removals only" in readme
    assert "`--members 100` makes 5 a room, 2 adds, 2 demotions, 1 removal" in readme
