"""One target declared twice, its two entries in two shards (``--shard K/N``): a room by
name and by ``id:``, a channel by name and by ``arn:``, a meeting through two
``${VARIABLE}``s. Each shard sees only its own targets, so before this each planned its
entry and every apply undid the other's. Now each shard refuses its own entry, naming the
other, as the run without --shard refuses both; merged, the shards' plans have the whole
plan's errors; nothing is applied to the target. The CLI, boto3 and the emulator over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer
from reconciler.refs import TargetKey
from reconciler.shard import shard_of

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
OPS = f"{INSTANCE}/channel/ops"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
N = 3
PRESENTER = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}


def seed(emulator: EmulatorServer) -> None:
    """Rooms r0, r4, r7 with alice as administrator; channel ops with alice; a meeting
    with alice as presenter."""
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [
                        {"id": f"uid-{u}", "email": f"{u}@example.com", "name": u}
                        for u in ("alice", "bob", "carol")
                    ],
                    "rooms": [
                        {
                            "id": f"room-{r}",
                            "name": r,
                            "memberships": [
                                {"member": "alice@example.com", "role": "Administrator"}
                            ],
                        }
                        for r in ("r0", "r4", "r7")
                    ],
                }
            ],
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["reconciler"],
                    "users": [{"id": u} for u in ("reconciler", "alice", "bob", "carol")],
                    "channels": [{"name": "ops", "id": "ops", "members": ["alice"]}],
                }
            ],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": "alice@example.com", "capabilities": PRESENTER}
                    ],
                }
            ],
        }
    )


SETTINGS = f"""
    account: {ACCOUNT}
    app_instances:
      chat: {{arn: {INSTANCE}, bearer: user:reconciler}}
    """
# r0 by name and twin by id are one room; each entry alone would undo the other's changes
ROOMS = """
    rooms:
      r0: {prune: true, administrators: [alice@example.com], members: [bob@example.com]}
      twin: {id: room-r0, prune: true, administrators: [alice@example.com], members: [carol@example.com]}
      r4: {administrators: [alice@example.com], members: [bob@example.com]}
      r7: {administrators: [alice@example.com], members: [bob@example.com]}
    """  # noqa: E501 (one line a room, as a user writes them)
CHAT = f"""
    channels:
      ops: {{prune: true, members: [user:alice, user:bob]}}
      lobby: {{arn: {OPS}, prune: true, members: [user:alice, user:carol]}}
    """
MEETINGS = """
    meetings:
      bridge:
        meeting_id: ${BRIDGE_ID}
        attendees: {alice@example.com: presenter, bob@example.com: viewer}
      standup:
        meeting_id: ${STANDUP_ID}
        attendees: {alice@example.com: presenter, carol@example.com: viewer}
    """


def twice(kind: str, target_id: str, at: str, other: str, other_at: str) -> str:
    return (
        f"desired-state/{at}: {kind} {target_id} is declared more than once "
        f"(also as {other} at desired-state/{other_at}); declare it once"
    )


# each error is at an entry of one shard (the shards are the hash of scope and name)
ROOM_ERRORS = {
    shard_of(TargetKey("room", ACCOUNT, "twin"), N): twice(
        "room", "room-r0", "rooms.yaml:3", "r0", "rooms.yaml:2"
    ),
    shard_of(TargetKey("room", ACCOUNT, "r0"), N): twice(
        "room", "room-r0", "rooms.yaml:2", "twin", "rooms.yaml:3"
    ),
}
CHANNEL_ERRORS = {
    shard_of(TargetKey("channel", INSTANCE, "lobby"), N): twice(
        "channel", OPS, "chat.yaml:3", "ops", "chat.yaml:2"
    ),
    shard_of(TargetKey("channel", INSTANCE, "ops"), N): twice(
        "channel", OPS, "chat.yaml:2", "lobby", "chat.yaml:3"
    ),
}
MEETING_ERRORS = {
    shard_of(TargetKey("meeting", "${BRIDGE_ID}", "bridge"), N): twice(
        "meeting", MEETING, "m.yaml:2", "standup", "m.yaml:5"
    ),
    shard_of(TargetKey("meeting", "${STANDUP_ID}", "standup"), N): twice(
        "meeting", MEETING, "m.yaml:5", "bridge", "m.yaml:2"
    ),
}


def test_the_entries_of_each_pair_are_in_two_shards() -> None:
    # what the tests below are about; a change of the shard hash would make them moot
    for errors in (ROOM_ERRORS, CHANNEL_ERRORS, MEETING_ERRORS):
        assert len(errors) == 2


@pytest.fixture
def estate(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    monkeypatch.setenv("BRIDGE_ID", MEETING)
    monkeypatch.setenv("STANDUP_ID", MEETING)
    seed(emulator)
    write_desired({"settings.yaml": SETTINGS, "rooms.yaml": ROOMS, "chat.yaml": CHAT})
    write_desired({"m.yaml": MEETINGS})
    return emulator


def errors_of(run: Any) -> list[str]:
    errors: list[str] = json.loads(run.stdout)["errors"]
    return errors


def test_each_shard_refuses_its_own_entry_and_merged_they_are_the_whole_plan(
    estate: EmulatorServer, cli: Cli
) -> None:
    whole = cli(*UNPACED, "plan", "--format", "json")
    assert whole.exit_code == 1
    every = [*ROOM_ERRORS.values(), *CHANNEL_ERRORS.values(), *MEETING_ERRORS.values()]
    assert sorted(errors_of(whole)) == sorted(every)
    for k in range(1, N + 1):
        run = cli(
            *UNPACED, "plan", "--shard", f"{k}/{N}", "--format", "json", "--out", f"plan-{k}.json"
        )
        own = [e.get(k) for e in (ROOM_ERRORS, CHANNEL_ERRORS, MEETING_ERRORS)]
        assert sorted(errors_of(run)) == sorted(e for e in own if e is not None), k
        assert run.exit_code == (1 if any(own) else 0), run.stderr
        planned = {t["name"] for t in json.loads(run.stdout)["targets"]}
        assert not planned & {"r0", "twin", "ops", "lobby", "bridge", "standup"}, k
    merged = cli(
        *UNPACED, "merge-plans", *(f"plan-{k}.json" for k in range(1, N + 1)), "--format", "json"
    )
    assert errors_of(merged) == errors_of(whole)


def test_no_shard_applies_either_entry(
    estate: EmulatorServer, cli: Cli, members: Callable[[str], dict[str, str]]
) -> None:
    channel_before = estate.messaging.channel_members(OPS)
    attendees_before = estate.meetings.attendees_of(MEETING)
    for k in range(1, N + 1):
        run = cli(*UNPACED, "apply", "--shard", f"{k}/{N}", "--auto-approve")
        refused = any(k in e for e in (ROOM_ERRORS, CHANNEL_ERRORS, MEETING_ERRORS))
        assert run.exit_code == (1 if refused else 0), run.stdout + run.stderr
    assert members("r0") == {"uid-alice": "Administrator"}
    assert estate.messaging.channel_members(OPS) == channel_before
    assert estate.meetings.attendees_of(MEETING) == attendees_before


ROOM_TWIN = "twin: {id: room-r0, administrators: [alice@example.com]}"
TWIN_SHARD = shard_of(TargetKey("room", ACCOUNT, "twin"), N)
Calls = Callable[[], dict[str, int]]


@pytest.fixture
def twin_shard(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, calls: Calls
) -> Callable[[str, str], tuple[Any, dict[str, int]]]:
    """``plan --shard`` of twin's shard, with one other room (``name``: ``entry``) declared
    in another shard: its run, and the calls it made by operation."""

    def plan(name: str, entry: str) -> tuple[Any, dict[str, int]]:
        assert shard_of(TargetKey("room", ACCOUNT, name), N) != TWIN_SHARD
        seed(emulator)
        rooms = f"rooms:\n  {name}: {entry}\n  {ROOM_TWIN}\n"
        write_desired({"settings.yaml": SETTINGS, "rooms.yaml": rooms})
        before = calls()
        run = cli(*UNPACED, "plan", "--shard", f"{TWIN_SHARD}/{N}")
        made = {op: n - before.get(op, 0) for op, n in calls().items()}
        return run, {op: n for op, n in made.items() if n}

    return plan


def test_a_shard_with_only_the_id_entry_lists_the_rooms_once_to_find_the_other(
    twin_shard: Callable[[str, str], tuple[Any, dict[str, int]]],
) -> None:
    run, made = twin_shard("r0", "{administrators: [alice@example.com]}")
    assert run.exit_code == 1
    assert run.lines[0] == "Error: " + twice(
        "room", "room-r0", "rooms.yaml:3", "r0", "rooms.yaml:2"
    )
    # the one call more than this shard alone needs (README: Sharding); twin is not read
    # for the plan (the read ahead, started on its id while the files load, may have)
    assert made.pop("ListRooms") == 1
    assert made.get("ListRoomMemberships", 0) <= 1
    assert set(made) <= {"ListRoomMemberships"}


def test_a_shard_of_rooms_by_id_makes_no_listing_where_no_other_is_declared_by_name(
    twin_shard: Callable[[str, str], tuple[Any, dict[str, int]]],
) -> None:
    run, made = twin_shard("r7", "{id: room-r7, members: [bob@example.com]}")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert made == {"ListRoomMemberships": 1}  # twin's room, and no ListRooms
