"""The rooms provider reading live state through the real boto3 client and the emulator:
what it returns, which problems it reports where, and exactly how many calls it makes."""

from __future__ import annotations

import functools
import json
import math
import urllib.request
from typing import Any

import pytest

from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.emulator import EmulatorServer
from reconciler.errors import AwsError
from reconciler.live import LiveMember
from reconciler.planner import plan as make_plan
from reconciler.providers import RetryPolicy, RoomsProvider, make_client
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey, TargetKind

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
FILE = "desired-state/rooms.yaml"
FAST = RetryPolicy(attempts=12, base=0.001, cap=0.005)
A, M = Role.ADMINISTRATOR, Role.MEMBER


def seed(
    users: int = 0,
    rooms: dict[str, list[tuple[str, str]]] | None = None,
    bots: tuple[str, ...] = (),
    webhooks: tuple[str, ...] = (),
    account: str = ACC,
) -> dict[str, Any]:
    """Users u0..u{n-1}@example.com (ids uid-N); rooms by id with (member, role) pairs;
    a room's name is its id without the ``id-`` prefix."""
    return {
        "accounts": [
            {
                "id": account,
                "name": "Example Corp",
                "users": [
                    {"id": f"uid-{i}", "email": f"u{i}@example.com", "name": f"User {i}"}
                    for i in range(users)
                ],
                "bots": [{"id": f"bid-{b}", "name": b} for b in bots],
                "webhooks": [{"id": f"wid-{w}", "name": w} for w in webhooks],
                "rooms": [
                    {
                        "id": rid,
                        "name": rid.removeprefix("id-"),
                        "memberships": [{"member": m, "role": r} for m, r in ms],
                    }
                    for rid, ms in (rooms or {}).items()
                ],
            }
        ]
    }


def member(ref: str, role: Role = M, line: int = 10, via: str | None = None) -> DesiredMember:
    parsed = MemberRef.parse(ref)
    prov = (
        Provenance(role, Location(FILE, line), (via,), Location("desired-state/groups.yaml", line))
        if via
        else Provenance(role, Location(FILE, line))
    )
    return DesiredMember(parsed, role, (prov,))


def room(
    name: str,
    *members: DesiredMember,
    room_id: str | None = None,
    line: int = 1,
    account: str = ACC,
) -> DesiredTarget:
    return DesiredTarget(
        key=TargetKey(TargetKind.ROOM, account, name),
        target_id=room_id,
        prune=True,
        members=tuple(sorted(members, key=lambda m: m.ref)),
        location=Location(FILE, line),
    )


def desired(*targets: DesiredTarget) -> DesiredState:
    return DesiredState(targets=tuple(sorted(targets, key=lambda t: t.key)))


def calls(emulator: EmulatorServer) -> dict[str, int]:
    with urllib.request.urlopen(f"{emulator.url}/_emulator/calls", timeout=5) as resp:
        counts: dict[str, int] = json.load(resp)
    return counts


@functools.cache
def client_for(url: str) -> Any:
    """One client per emulator (a fresh provider is cheap; a fresh client is not)."""
    return make_client("chime", endpoint_url=url, parallelism=8)


def provider(emulator: EmulatorServer, parallelism: int = 4) -> RoomsProvider:
    return RoomsProvider(client_for(emulator.url), parallelism=parallelism, retry=FAST)


def key(name: str, account: str = ACC) -> TargetKey:
    return TargetKey(TargetKind.ROOM, account, name)


def test_read_returns_members_with_kind_role_and_ids(emulator: EmulatorServer) -> None:
    emulator.reset(
        seed(
            users=3,
            bots=("PagerBot",),
            webhooks=("Alerts",),
            rooms={
                "id-ops": [
                    ("u0@example.com", "Administrator"),
                    ("u1@example.com", "Member"),
                    ("bot:PagerBot", "Member"),
                    ("webhook:Alerts", "Member"),
                ]
            },
        )
    )
    want = desired(room("ops", member("u0@example.com", A), member("bot:PagerBot")))
    live = provider(emulator).read(want)
    assert live.problems == ()
    assert live.targets[key("ops")].target_id == "id-ops"
    assert live.targets[key("ops")].members == (  # sorted: bots, users, webhooks
        LiveMember(MemberRef.bot("PagerBot"), "bid-PagerBot", MemberKind.BOT, M),
        LiveMember(MemberRef.user("u0@example.com"), "uid-0", MemberKind.USER, A),
        LiveMember(MemberRef.user("u1@example.com"), "uid-1", MemberKind.USER, M),
        LiveMember(MemberRef.webhook("Alerts"), "wid-Alerts", MemberKind.WEBHOOK, M),
    )
    assert live.member_ids == {
        MemberRef.user("u0@example.com"): "uid-0",
        MemberRef.bot("PagerBot"): "bid-PagerBot",
    }
    # a declared bot costs ListBots all the same: a listing does not tell whether another
    # bot has its name (Q-EU-1)
    assert calls(emulator) == {"ListBots": 1, "ListRoomMemberships": 1, "ListRooms": 1}


def test_read_follows_every_page_of_a_150_member_room(emulator: EmulatorServer) -> None:
    emulator.reset(
        seed(users=150, rooms={"id-big": [(f"u{i}@example.com", "Member") for i in range(150)]})
    )
    live = provider(emulator).read(desired(room("big", room_id="id-big")))
    assert {m.member_id for m in live.targets[key("big")].members} == {
        f"uid-{i}" for i in range(150)
    }
    assert calls(emulator) == {"ListRoomMemberships": 2}  # 99 + 51; no ListRooms: id given


def test_read_cost_is_the_lower_bound_across_many_rooms(emulator: EmulatorServer) -> None:
    sizes = [0, 1, 98, 99, 100, 198, 199, 250]
    rooms = {f"id-r{n}": [(f"u{i}@example.com", "Member") for i in range(n)] for n in sizes}
    emulator.reset(seed(users=250, rooms=rooms))
    want = desired(*(room(f"r{n}", member("u0@example.com")) for n in sizes))
    live = provider(emulator, parallelism=8).read(want)
    assert [len(live.targets[key(f"r{n}")].members) for n in sizes] == sizes
    assert calls(emulator) == {
        "ListRoomMemberships": sum(math.ceil(max(n, 1) / 99) for n in sizes),  # 14
        "ListRooms": 1,
    }


def test_listed_users_cost_no_lookup_and_bots_one_list_bots(emulator: EmulatorServer) -> None:
    emulator.reset(
        seed(
            users=5,
            bots=("PagerBot",),
            rooms={"id-a": [("u1@example.com", "Member"), ("bot:PagerBot", "Member")], "id-b": []},
        )
    )
    want = desired(room("a"), room("b", member("U1@Example.com"), member("bot:PagerBot")))
    live = provider(emulator).read(want)
    assert live.member_ids == {
        MemberRef.user("u1@example.com"): "uid-1",
        MemberRef.bot("PagerBot"): "bid-PagerBot",
    }
    # users only: a declared bot costs ListBots, once (Q-EU-1: bot names are not unique)
    assert calls(emulator) == {"ListBots": 1, "ListRoomMemberships": 2, "ListRooms": 1}


def test_one_unlisted_user_costs_one_lookup(emulator: EmulatorServer) -> None:
    emulator.reset(seed(users=500, rooms={"id-a": []}))
    live = provider(emulator).read(desired(room("a", member("u450@example.com"))))
    assert live.member_ids == {MemberRef.user("u450@example.com"): "uid-450"}
    assert calls(emulator) == {"ListRoomMemberships": 1, "ListRooms": 1, "ListUsers": 1}


def test_many_unlisted_users_in_a_small_account_cost_one_sweep_page(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(users=180, rooms={"id-a": []}))
    wanted = [member(f"u{i}@example.com") for i in range(0, 180, 6)]
    live = provider(emulator).read(desired(room("a", *wanted)))
    assert len(live.member_ids) == 30 and live.problems == ()
    assert calls(emulator) == {"ListRoomMemberships": 1, "ListRooms": 1, "ListUsers": 1}


def test_user_resolution_in_a_large_account_follows_the_documented_rule(
    emulator: EmulatorServer,
) -> None:
    # 1000 users = 5 pages. Six addresses: two on page 1, two on page 2, two on page 5.
    # After page 1: 4 remain > 1; after page 2: 2 remain <= 2 -> two lookups. 4 calls.
    emulator.reset(seed(users=1000, rooms={"id-a": []}))
    picks = [5, 150, 250, 300, 900, 999]
    live = provider(emulator).read(
        desired(room("a", *(member(f"u{i}@example.com") for i in picks)))
    )
    assert live.member_ids == {MemberRef.user(f"u{i}@example.com"): f"uid-{i}" for i in picks}
    assert calls(emulator)["ListUsers"] == 4


def test_unknown_email_is_reported_where_it_was_written(emulator: EmulatorServer) -> None:
    emulator.reset(seed(users=2, rooms={"id-a": [], "id-b": []}))
    want = desired(
        room("a", member("dave@example.com", line=7), member("u1@example.com", line=8)),
        room("b", member("erin@example.com", line=21, via="sre")),
    )
    live = provider(emulator).read(want)
    assert [str(p) for p in live.problems] == [
        f"desired-state/groups.yaml:21: no Chime user with e-mail erin@example.com "
        f"in account {ACC}",
        f"desired-state/rooms.yaml:7: no Chime user with e-mail dave@example.com in account {ACC}",
    ]
    assert [p.target for p in live.problems] == [key("b"), key("a")]
    assert live.member_ids == {MemberRef.user("u1@example.com"): "uid-1"}
    assert calls(emulator)["ListUsers"] == 1  # one sweep page: the account has 2 users


def test_unknown_bot_is_reported_and_bots_are_listed_once(emulator: EmulatorServer) -> None:
    emulator.reset(seed(bots=("PagerBot", "DeployBot"), rooms={"id-a": [], "id-b": []}))
    want = desired(
        room("a", member("bot:PagerBot", line=3), member("bot:NoSuchBot", line=4)),
        room("b", member("bot:DeployBot", line=12)),
    )
    live = provider(emulator).read(want)
    assert [str(p) for p in live.problems] == [
        f"desired-state/rooms.yaml:4: no Chime bot named NoSuchBot in account {ACC}"
    ]
    assert live.member_ids == {
        MemberRef.bot("PagerBot"): "bid-PagerBot",
        MemberRef.bot("DeployBot"): "bid-DeployBot",
    }
    assert calls(emulator) == {"ListBots": 1, "ListRoomMemberships": 2, "ListRooms": 1}


def test_missing_and_ambiguous_rooms_are_reported_at_their_declaration(
    emulator: EmulatorServer,
) -> None:
    doc = seed(users=1, rooms={"id-ops": [], "id-x1": [], "id-x2": []})
    for r in doc["accounts"][0]["rooms"][1:]:
        r["name"] = "twins"
    emulator.reset(doc)
    want = desired(
        room("ops", member("u0@example.com"), line=2),
        room("nowhere", member("u0@example.com"), line=5),
        room("twins", line=9),
        room("by-id", room_id="id-gone", line=14),
    )
    live = provider(emulator).read(want)
    assert [str(p) for p in live.problems] == [
        f"desired-state/rooms.yaml:5: no Chime room named 'nowhere' in account {ACC}"
        ": ListRooms lists none of that name (names are matched exactly, case included)",
        f"desired-state/rooms.yaml:9: 2 Chime rooms named twins in account {ACC} "
        "(id-x1, id-x2): give the room's id",
        f"desired-state/rooms.yaml:14: no Chime room with id id-gone in account {ACC}",
    ]
    assert list(live.targets) == [key("ops")]


def test_read_only_reads_the_rooms_in_scope_and_rereads_cost_only_listings(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(users=300, rooms={f"id-r{i}": [] for i in range(5)}))
    want = desired(*(room(f"r{i}", member(f"u{i}@example.com")) for i in range(5)))
    rooms = provider(emulator)
    live = rooms.read(want, only={key("r1"), key("r3")})
    assert sorted(live.targets) == [key("r1"), key("r3")]
    # two addresses, both on the first page of 200 users: one ListUsers call
    assert calls(emulator) == {"ListRoomMemberships": 2, "ListRooms": 1, "ListUsers": 1}
    emulator.reset_calls()
    again = rooms.read(want, only={key("r3")})
    assert again.member_ids == {MemberRef.user("u3@example.com"): "uid-3"}
    assert calls(emulator) == {"ListRoomMemberships": 1}


def test_throttling_and_server_errors_are_retried_to_the_same_result(
    emulator: EmulatorServer,
) -> None:
    doc = seed(
        users=400,
        rooms={
            f"id-r{i}": [(f"u{j}@example.com", "Member") for j in range(i * 40)] for i in range(6)
        },
    )
    emulator.reset(doc)
    want = desired(*(room(f"r{i}", member(f"u{399 - i}@example.com")) for i in range(6)))
    clean = provider(emulator).read(want)
    emulator.set_faults(throttle_rate=0.3, error_rate=0.2, seed=11)
    emulator.reset_calls()
    faulty = provider(emulator).read(want)
    assert faulty == clean
    counts = calls(emulator)
    assert counts["Throttled"] > 0
    assert counts["ListRoomMemberships"] > sum(math.ceil(max(i * 40, 1) / 99) for i in range(6))


def test_an_account_chime_does_not_have_is_a_problem_of_its_rooms(
    emulator: EmulatorServer,
) -> None:
    # ListRooms answers NotFoundException: its rooms' problem, located where each is
    # declared, and the other rooms are read (it failed the whole read with an AwsError)
    emulator.reset(seed(users=1, rooms={"id-a": []}))
    other = "99999999-0000-0000-0000-000000000000"
    live = provider(emulator).read(desired(room("a", account=other), room("b", room_id="id-a")))
    assert [(p.target, p.message) for p in live.problems] == [
        (
            TargetKey(TargetKind.ROOM, other, "a"),
            f"no Chime account {other} (ListRooms answered NotFoundException)",
        )
    ]
    assert list(live.targets) == [TargetKey(TargetKind.ROOM, ACC, "b")]


def test_persistent_throttling_gives_up_with_the_code(emulator: EmulatorServer) -> None:
    emulator.reset(seed(users=1, rooms={"id-a": []}))
    emulator.set_faults(throttle_rate=1.0)
    with pytest.raises(AwsError) as info:
        provider(emulator).read(desired(room("a", room_id="id-a")))
    assert (info.value.operation, info.value.code) == (
        "ListRoomMemberships",
        "ThrottledClientException",
    )
    # throttling: three times the policy's 12 attempts (retry.THROTTLE_FACTOR)
    assert info.value.message.endswith("(gave up after 36 attempts)")
    assert calls(emulator) == {"ListRoomMemberships": 36, "Throttled": 36}


def test_dummy_credentials_are_used_for_an_endpoint_without_aws_credentials(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    emulator.reset(seed(users=1, rooms={"id-a": [("u0@example.com", "Member")]}))
    client = make_client("chime", endpoint_url=emulator.url)
    assert client.list_room_memberships(AccountId=ACC, RoomId="id-a")["RoomMemberships"]


def test_one_bot_name_in_two_accounts_resolves_to_each_accounts_own_bot(
    emulator: EmulatorServer,
) -> None:
    other = "22222222-2222-3333-4444-555555555555"
    doc = seed(rooms={"id-a": []}, bots=("PagerBot",))
    second = seed(rooms={"id-b": []}, account=other)["accounts"][0]
    second["bots"] = [{"id": "bid-PagerBot-2", "name": "PagerBot"}]
    doc["accounts"].append(second)
    emulator.reset(doc)
    want = desired(
        room("a", member("bot:PagerBot", line=4)),
        room("b", member("bot:PagerBot", line=9), account=other),
    )
    live = provider(emulator).read(want)
    assert live.problems == ()
    bot = MemberRef.bot("PagerBot")
    assert live.ids_in(ACC)[bot] == "bid-PagerBot"
    assert live.ids_in(other)[bot] == "bid-PagerBot-2"
    assert bot not in live.member_ids  # ambiguous without an account
    creates = {(c.target.name, c.member_id) for c in make_plan(want, live).changes}
    assert creates == {("a", "bid-PagerBot"), ("b", "bid-PagerBot-2")}


def test_read_progress_is_reported_once_per_room_in_scope(emulator: EmulatorServer) -> None:
    emulator.reset(seed(users=1, rooms={"id-a": [], "id-b": []}))
    seen: list[TargetKey] = []
    rooms = RoomsProvider(client_for(emulator.url), parallelism=4, retry=FAST, progress=seen.append)
    rooms.read(desired(room("a"), room("b"), room("missing")))
    assert sorted(seen) == [key("a"), key("b"), key("missing")]


def test_a_room_declared_by_name_and_by_id_is_reported_at_both_places_and_not_planned(
    emulator: EmulatorServer,
) -> None:
    emulator.reset(seed(users=2, rooms={"id-a": [], "id-b": []}))
    want = desired(room("a", line=2), room("label", room_id="id-a", line=7), room("b", line=9))
    live = provider(emulator).read(want)
    assert [str(p) for p in live.problems] == [
        "desired-state/rooms.yaml:2: room id-a is declared more than once "
        "(also as label at desired-state/rooms.yaml:7); declare it once",
        "desired-state/rooms.yaml:7: room id-a is declared more than once "
        "(also as a at desired-state/rooms.yaml:2); declare it once",
    ]
    assert sorted(k.name for k in live.targets) == ["b"]


def test_rooms_declaring_the_most_members_are_read_first(emulator: EmulatorServer) -> None:
    # a room's pages are read one after another: the longest chains start first so that
    # no thread is left reading a large room alone at the end
    emulator.reset(seed(users=6, rooms={"id-a": [], "id-b": [], "id-c": []}))
    want = desired(
        room("a", member("u0@example.com")),
        room("b", *(member(f"u{i}@example.com") for i in range(1, 4))),
        room("c", member("u4@example.com"), member("u5@example.com")),
    )
    seen: list[TargetKey] = []
    reader = RoomsProvider(
        client_for(emulator.url), parallelism=1, retry=FAST, progress=seen.append
    )
    live = reader.read(want)
    assert seen == [key("b"), key("c"), key("a")]
    assert list(live.targets) == [key("a"), key("b"), key("c")]  # the results keep their order
