"""Reading rooms while the desired state is still loading (issue 13): through the real
boto3 client and the emulator, the rooms provider's reads ahead are the calls its next
read would make, used by that read only; through the CLI, plan and apply make exactly the
calls they made before whatever the --shard and --target, and a desired state found
invalid after some rooms were read ahead is reported as before, with nothing changed."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from conftest import seed_doc

from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.emulator import EmulatorServer
from reconciler.emulator.faults import _draw
from reconciler.errors import AwsError
from reconciler.parallel import STRAGGLERS_S
from reconciler.providers import RetryPolicy, RoomsProvider, make_client
from reconciler.refs import Location, TargetKey, TargetKind
from reconciler.shard import shard_of

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
ROOMS = [f"r{i}" for i in range(8)]  # ids room-r0 ...
READS = {"ListRooms", "ListRoomMemberships", "ListUsers", "ListBots"}
FAST = RetryPolicy(attempts=12, base=0.001, cap=0.005)
Calls = Callable[[], dict[str, int]]


Seed = Callable[..., EmulatorServer]


def seeded(seed: Seed) -> EmulatorServer:
    """alice administers every room (ids room-r0 ...); bob is a user in none."""
    return seed(users=("alice", "bob"), rooms={r: [("alice", "Administrator")] for r in ROOMS})


def key(name: str) -> TargetKey:
    return TargetKey(TargetKind.ROOM, ACCOUNT, name)


def served(calls: Calls, want: dict[str, int]) -> None:
    """Wait (5 s at most) until the emulator has served ``want``."""
    deadline = time.monotonic() + 5
    while calls() != want and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls() == want


def client(emulator: EmulatorServer) -> Any:
    return make_client("chime", endpoint_url=emulator.url, parallelism=8)


def rooms_provider(emulator: EmulatorServer, **kwargs: Any) -> RoomsProvider:
    return RoomsProvider(client(emulator), retry=FAST, **kwargs)


def desired_rooms(*names: str) -> DesiredState:
    """The rooms by name, no member declared."""
    return DesiredState(
        targets=tuple(
            DesiredTarget(key(n), None, False, (), Location("desired-state/a.yaml", 2))
            for n in sorted(names)
        )
    )


# -- the provider ----------------------------------------------------------------------------


def test_rooms_read_ahead_are_the_next_reads_calls_and_are_not_used_again(
    seed: Seed, calls: Calls
) -> None:
    emulator = seeded(seed)
    want = desired_rooms("r0", "r1", "r2")
    seen: list[TargetKey] = []
    rooms = rooms_provider(emulator, progress=seen.append)
    rooms.prefetch(key("r0"), None)  # by name: the account's ListRooms first
    rooms.prefetch(key("r1"), None)
    rooms.prefetch(key("r2"), "room-r2")  # by id: read at once
    served(calls, {"ListRooms": 1, "ListRoomMemberships": 3})
    assert seen == []  # counted by the read that uses them
    live = rooms.read(want)
    assert calls() == {"ListRooms": 1, "ListRoomMemberships": 3}  # nothing more
    assert sorted(seen) == [key("r0"), key("r1"), key("r2")]  # once each
    assert {k: [m.member_id for m in t.members] for k, t in live.targets.items()} == {
        key(r): ["uid-alice"] for r in ("r0", "r1", "r2")
    }
    # someone adds bob to r1 meanwhile: the next read (apply's verification, say) reads
    # afresh, by the room ids known now (no ListRooms)
    client(emulator).create_room_membership(
        AccountId=ACCOUNT, RoomId="room-r1", MemberId="uid-bob", Role="Member"
    )
    emulator.reset_calls()
    again = rooms.read(want)
    assert calls() == {"ListRoomMemberships": 3}
    assert sorted(m.member_id for m in again.targets[key("r1")].members) == [
        "uid-alice",
        "uid-bob",
    ]


def test_a_name_no_room_has_is_not_read_ahead_and_reported_from_the_same_listing(
    seed: Seed, calls: Calls
) -> None:
    emulator = seeded(seed)
    rooms = rooms_provider(emulator)
    rooms.prefetch(key("missing"), None)
    rooms.prefetch(key("r3"), None)
    served(calls, {"ListRooms": 1, "ListRoomMemberships": 1})
    live = rooms.read(desired_rooms("missing", "r3"))
    assert [p.message for p in live.problems] == [
        f"no Chime room named 'missing' in account {ACCOUNT}"
        ": ListRooms lists none of that name (names are matched exactly, case included)"
    ]
    assert list(live.targets) == [key("r3")]
    assert calls() == {"ListRooms": 1, "ListRoomMemberships": 1}


def test_cancelled_reads_ahead_are_not_made_and_the_next_read_reads_afresh(
    seed: Seed, calls: Calls
) -> None:
    emulator = seeded(seed)
    emulator.set_faults(latency_ms=200)
    rooms = rooms_provider(emulator, parallelism=1)
    for r in ROOMS:
        rooms.prefetch(key(r), f"room-{r}")
    began = time.monotonic()
    # drops the others and waits for the call in flight (200 ms), not for the others: none
    # of its calls is made later, once the run may have closed its clients (Q-GU-1)
    rooms.cancel_prefetch()
    assert time.monotonic() - began < 0.2 * 2
    assert calls().get("ListRoomMemberships", 0) <= 1
    time.sleep(0.3)  # no other starts
    assert calls().get("ListRoomMemberships", 0) <= 1
    emulator.set_faults(latency_ms=0)
    emulator.reset_calls()
    live = rooms.read(desired_rooms(*ROOMS))
    assert sorted(live.targets) == sorted(key(r) for r in ROOMS)
    assert calls() == {"ListRooms": 1, "ListRoomMemberships": len(ROOMS)}


MANY = [f"p{i:03}" for i in range(120)]  # two ListRooms pages (99 a page)


def two_pages(emulator: EmulatorServer, rename: dict[str, str] | None = None) -> None:
    """120 rooms (ids room-p000 ...), the first 99 on ListRooms' first page; ``rename``:
    room id -> another name."""
    doc = seed_doc(users=("alice",), rooms={r: [("alice", "Administrator")] for r in MANY})
    for room in doc["accounts"][0]["rooms"]:
        room["name"] = (rename or {}).get(room["id"], room["name"])
    emulator.reset(doc)


def test_a_room_the_first_page_names_is_read_before_the_last_page(emulator: EmulatorServer) -> None:
    two_pages(emulator)
    emulator.set_faults(latency_ms=150)
    chime = client(emulator)
    times: dict[str, list[tuple[float, float]]] = {}
    began: dict[int, float] = {}

    def started(**_: Any) -> None:
        began[threading.get_ident()] = time.monotonic()

    def ended(model: Any, **_: Any) -> None:
        span = (began[threading.get_ident()], time.monotonic())
        times.setdefault(model.name, []).append(span)

    chime.meta.events.register("before-call", started)
    chime.meta.events.register("after-call", ended)
    rooms = RoomsProvider(chime, retry=FAST, parallelism=2)
    rooms.prefetch(key("p000"), None)  # by name, on the first page
    live = rooms.read(desired_rooms("p000"))
    assert list(live.targets) == [key("p000")]
    (first, last), (read,) = times["ListRooms"], times["ListRoomMemberships"]
    # read while the second page was still being listed, not after it
    assert first[1] <= read[0] < last[1]


def test_a_name_a_later_page_names_again_is_not_read_but_reported(
    emulator: EmulatorServer, calls: Calls
) -> None:
    two_pages(emulator, rename={"room-p110": "p000"})  # p000 on page 1, again on page 2
    # one thread: p000's read, matched on the first page, waits for the listing to end
    rooms = rooms_provider(emulator, parallelism=1)
    rooms.prefetch(key("p000"), None)
    rooms.prefetch(key("p001"), None)
    live = rooms.read(desired_rooms("p000", "p001"))
    assert [p.message for p in live.problems] == [
        f"2 Chime rooms named p000 in account {ACCOUNT} (room-p000, room-p110): give the room's id"
    ]
    assert list(live.targets) == [key("p001")]
    assert calls() == {"ListRooms": 2, "ListRoomMemberships": 1}  # p000's read dropped


def first_call_fails(operation: str) -> int:
    """A fault seed failing the first call of ``operation`` at error_rate 0.5, not the
    second (the emulator's decisions are a hash of seed, operation and call number)."""
    return next(
        seed
        for seed in range(1000)
        if _draw(seed, operation, 0, "error") < 0.5 <= _draw(seed, operation, 1, "error")
    )


def test_the_failed_read_of_a_name_a_later_page_repeats_fails_nothing(
    emulator: EmulatorServer,
) -> None:
    """As the read without reading ahead (which never reads it): the name is reported,
    the other rooms are read."""
    two_pages(emulator, rename={"room-p110": "p000"})
    op = "ListRoomMemberships"
    # slow answers: the first page's room is read (the first ListRoomMemberships) while
    # the second page is listed
    emulator.set_faults(error_rate=0.5, operations=[op], seed=first_call_fails(op), latency_ms=200)
    once = RetryPolicy(attempts=1, base=0.001, cap=0.005)
    rooms = RoomsProvider(client(emulator), retry=once, parallelism=2)
    rooms.prefetch(key("p000"), None)  # on the first page: read at once, and fails
    rooms.prefetch(key("p105"), None)  # on the second page
    live = rooms.read(desired_rooms("p000", "p105"))
    assert [p.message for p in live.problems] == [
        f"2 Chime rooms named p000 in account {ACCOUNT} (room-p000, room-p110): give the room's id"
    ]
    assert list(live.targets) == [key("p105")]


def test_the_failed_read_of_a_name_repeated_fails_nothing_when_it_fails_after_the_listing(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same, the read's failure coming once the listing has dropped it, while the read
    waits for another room's answer: a failure that came then stopped that read with it
    (the wait looks at the reads ahead's failure, QA-HA Q-HA-1)."""
    from reconciler.emulator.errors import ServiceFailureError
    from reconciler.providers import read_ahead

    two_pages(emulator, rename={"room-p110": "p000"})
    dropped, failed = threading.Event(), threading.Event()
    drop, fail = read_ahead.RoomReadAhead._drop, read_ahead.RoomReadAhead._failed

    def dropping(ahead: Any, *args: Any) -> None:
        drop(ahead, *args)
        dropped.set()

    def failing(ahead: Any, *args: Any) -> None:
        fail(ahead, *args)
        failed.set()

    monkeypatch.setattr(read_ahead.RoomReadAhead, "_drop", dropping)
    monkeypatch.setattr(read_ahead.RoomReadAhead, "_failed", failing)
    handle = emulator.app.handle

    def held(method: str, target: str, *args: Any) -> Any:
        if "/rooms/room-p000/memberships" in target:  # fails once the listing dropped it
            assert dropped.wait(10)
            return emulator.app.error(ServiceFailureError("The service failed."))
        if "/rooms/room-p105/memberships" in target:  # answered once that failure is in
            assert failed.wait(10)
            time.sleep(0.3)  # the read waiting for it looks at the failures meanwhile
        return handle(method, target, *args)

    monkeypatch.setattr(emulator.app, "handle", held)
    once = RetryPolicy(attempts=1, base=0.001, cap=0.005)
    rooms = RoomsProvider(client(emulator), retry=once, parallelism=2)
    rooms.prefetch(key("p000"), None)
    rooms.prefetch(key("p105"), None)
    live = rooms.read(desired_rooms("p000", "p105"))
    assert [p.message for p in live.problems] == [
        f"2 Chime rooms named p000 in account {ACCOUNT} (room-p000, room-p110): give the room's id"
    ]
    assert list(live.targets) == [key("p105")]


def test_a_read_ahead_left_unused_and_never_answered_does_not_hold_the_read_up(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that succeeds waits for the reads ahead it did not use as a failed one does:
    up to ``STRAGGLERS_S`` (QA-LF Q-LF-9: without a limit, a room read never answered
    held the run's end up forever). Here the dropped read of a name a later page repeats
    is never answered."""
    two_pages(emulator, rename={"room-p110": "p000"})
    asked, answer = threading.Event(), threading.Event()
    handle = emulator.app.handle

    def hung(method: str, target: str, *args: Any) -> Any:
        if "/rooms/room-p000/memberships" in target:  # matched on page 1, dropped later
            asked.set()
            answer.wait(30)
        return handle(method, target, *args)

    monkeypatch.setattr(emulator.app, "handle", hung)
    rooms = rooms_provider(emulator, parallelism=2)
    rooms.prefetch(key("p000"), None)
    rooms.prefetch(key("p105"), None)
    result: list[Any] = []
    reading = threading.Thread(
        target=lambda: result.append(rooms.read(desired_rooms("p000", "p105"))), daemon=True
    )
    try:
        began = time.monotonic()
        reading.start()
        reading.join(STRAGGLERS_S + 3)
        took = time.monotonic() - began
        assert asked.is_set()  # the read ahead was made, and is still unanswered
        assert not reading.is_alive(), f"the read still waits after {took:.1f} s"
    finally:
        answer.set()
    (live,) = result
    assert list(live.targets) == [key("p105")]
    assert len(live.problems) == 1


def test_the_failed_read_of_a_room_the_listing_names_once_fails_the_read(
    emulator: EmulatorServer,
) -> None:
    two_pages(emulator)
    op = "ListRoomMemberships"
    # slow answers: the first page's room is read (the first ListRoomMemberships) while
    # the second page is listed
    emulator.set_faults(error_rate=0.5, operations=[op], seed=first_call_fails(op), latency_ms=200)
    once = RetryPolicy(attempts=1, base=0.001, cap=0.005)
    rooms = RoomsProvider(client(emulator), retry=once, parallelism=2)
    rooms.prefetch(key("p000"), None)
    rooms.prefetch(key("p105"), None)
    with pytest.raises(AwsError, match=r"ListRoomMemberships failed.*room-p000"):
        rooms.read(desired_rooms("p000", "p105"))


def slow_client(seed: Seed, latency_ms: int) -> Any:
    """A client of the seeded emulator answering after ``latency_ms``."""
    emulator = seeded(seed)
    emulator.set_faults(latency_ms=latency_ms)
    return client(emulator)


def test_reads_ahead_and_the_reads_after_them_make_no_more_calls_at_a_time_than_parallelism(
    seed: Seed, calls: Calls
) -> None:
    chime = slow_client(seed, 30)
    lock, in_flight, most = threading.Lock(), [0], [0]

    def started(**_: Any) -> None:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])

    def ended(**_: Any) -> None:
        with lock:
            in_flight[0] -= 1

    chime.meta.events.register("before-call", started)
    chime.meta.events.register("after-call", ended)
    rooms = RoomsProvider(chime, retry=FAST, parallelism=2)
    for r in ROOMS[:4]:
        rooms.prefetch(key(r), f"room-{r}")
    live = rooms.read(desired_rooms(*ROOMS))  # the four others by name
    assert sorted(live.targets) == sorted(key(r) for r in ROOMS)
    assert calls() == {"ListRooms": 1, "ListRoomMemberships": len(ROOMS)}
    assert most[0] == 2


def test_the_rooms_declaring_the_most_entries_are_read_first_listrooms_before_them(
    seed: Seed,
) -> None:
    chime = slow_client(seed, 50)
    order: list[str] = []
    chime.meta.events.register(
        "before-parameter-build.chime.*",
        lambda params, model, **_: order.append(params.get("RoomId") or model.name),
    )
    rooms = RoomsProvider(chime, retry=FAST, parallelism=1)
    rooms.prefetch(key("r0"), "room-r0", 9)  # the one thread is busy with it meanwhile
    rooms.prefetch(key("r1"), "room-r1", 1)
    rooms.prefetch(key("r2"), None, 2)  # by name: after ListRooms, which goes first
    rooms.prefetch(key("r3"), "room-r3", 5)
    rooms.read(desired_rooms("r0", "r1", "r2", "r3"))
    assert order == ["room-r0", "ListRooms", "room-r3", "room-r2", "room-r1"]


# -- the CLI ---------------------------------------------------------------------------------

SETTINGS = f"account: {ACCOUNT}\n"


def rooms_file(names: list[str]) -> str:
    return "rooms:\n" + "".join(
        f"  {r}: {{administrators: [alice@example.com], members: [bob@example.com]}}\n"
        for r in names
    )


@pytest.fixture
def estate(seed: Seed, write_desired: Callable[..., Any]) -> EmulatorServer:
    """Eight rooms in two files (the first loaded before the second), one declared by id."""
    emulator = seeded(seed)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": rooms_file(ROOMS[:4]),
            "b.yaml": rooms_file(ROOMS[4:7])
            + "  label: {id: room-r7, administrators: [alice@example.com]}\n",
        }
    )
    return emulator


@pytest.mark.parametrize("index", [1, 2, 3])
def test_a_shards_plan_reads_only_its_rooms(
    estate: EmulatorServer, cli: Any, calls: Calls, index: int
) -> None:
    names = [*ROOMS[:7], "label"]
    mine = [n for n in names if shard_of(key(n), 3) == index]
    run = cli("plan", "--shard", f"{index}/3", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert sorted(t["name"] for t in json.loads(run.stdout)["targets"]) == sorted(mine)
    by_name = [n for n in mine if n != "label"]
    bound = {"ListRoomMemberships": len(mine)} if mine else {}
    if by_name:  # ListRooms only when a room of the shard is declared by name
        bound["ListRooms"] = 1
        bound["ListUsers"] = 1  # bob, in no room yet (those rooms declare him)
    assert calls() == bound


def test_a_plan_of_targets_reads_only_them_and_lists_rooms_only_for_a_name(
    estate: EmulatorServer, cli: Any, calls: Calls
) -> None:
    run = cli("plan", "--target", "room-r7", "--target", "r5")
    assert run.exit_code == 0, run.stderr
    assert calls() == {"ListRooms": 1, "ListRoomMemberships": 2, "ListUsers": 1}
    estate.reset_calls()
    # the room declared by id, named by its id
    by_id = cli("plan", "--target", "room-r7", "--format", "json")
    assert by_id.exit_code == 0, by_id.stderr
    assert [t["name"] for t in json.loads(by_id.stdout)["targets"]] == ["label"]
    assert calls() == {"ListRoomMemberships": 1}  # no ListRooms


def test_a_later_file_with_a_problem_is_reported_as_before_and_nothing_changes(
    seed: Seed, write_desired: Callable[..., Any], cli: Any, calls: Calls
) -> None:
    emulator = seeded(seed)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "a.yaml": rooms_file(ROOMS[:6]),  # loaded first, valid: its rooms may be read
            "z.yaml": "rooms:\n  r7:\n    admins: [alice@example.com]\n",
        }
    )
    error = [
        "desired-state/z.yaml:3: rooms.r7: unknown key 'admins' (did you mean 'administrators'?)",
        "Desired state is invalid: 1 error.",
    ]
    for command in (("plan",), ("apply", "--auto-approve")):
        run = cli(*command)
        assert (run.exit_code, run.stdout, run.err_lines) == (1, "", error)
    assert set(calls()) <= READS
    assert all(
        emulator.backend.room_members(ACCOUNT, f"room-{r}") == {"uid-alice": "Administrator"}
        for r in ROOMS
    )


def test_a_room_declared_in_two_files_is_an_error_after_reads_only(
    seed: Seed, write_desired: Callable[..., Any], cli: Any, calls: Calls
) -> None:
    emulator = seeded(seed)
    write_desired(
        {"settings.yaml": SETTINGS, "a.yaml": rooms_file(ROOMS[:3]), "b.yaml": rooms_file(["r2"])}
    )
    run = cli("apply", "--auto-approve")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "desired-state/b.yaml:2: rooms.r2: room 'r2' is already declared at desired-state/a.yaml:4",
        "Desired state is invalid: 1 error.",
    ]
    assert set(calls()) <= READS  # the rooms of a.yaml may have been read, nothing changed
    assert emulator.backend.room_members(ACCOUNT, "room-r0") == {"uid-alice": "Administrator"}


def test_validate_makes_no_call(estate: EmulatorServer, cli: Any, calls: Calls) -> None:
    run = cli("validate")
    assert run.exit_code == 0, run.stderr
    assert calls() == {}
