"""A channel or a room deleted while apply works on it (Q-T-1), as a meeting that ends
(``test_meeting_ends_mid_apply.py``): once a write finds the target itself gone, no
further call goes to it; the change that found it fails once, saying so, its other
changes not made are reported not attempted (removals are not counted ``already gone``),
and verification leaves it out with one note instead of aborting. A room or a channel
does not end as a meeting does: it is said to be deleted, and a channel's moderators are
named by their channel (Q-CG-4).

The emulator has no DeleteChannel or DeleteRoom: the deletion is a reset to the same seed
without the target."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

LIVE = 20  # u000..u019 in the target
KEPT = 5  # u000..u004 stay; the other 15 are removed (prune)
NEW = 3  # n000..n002 are added
DELETED_AFTER = 3  # removals served before the target is deleted
SAFETY = {"max_removals": 100, "max_removal_fraction": 1.0}

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
ACCOUNT = "11111111-2222-3333-4444-555555555555"


def _channel_seed(with_target: bool) -> dict[str, Any]:
    users = [{"id": "reconciler"}] + [{"id": f"u{i:03}"} for i in range(LIVE)]
    users += [{"id": f"n{i:03}"} for i in range(NEW)]
    channel = {"name": "ops", "id": "ch-1", "members": [f"u{i:03}" for i in range(LIVE)]}
    instance = {"arn": INSTANCE, "admins": ["reconciler"], "users": users}
    return {"app_instances": [dict(instance, channels=[channel] if with_target else [])]}


def _channel_desired() -> dict[str, str]:
    settings = {"app_instances": {"chat": {"arn": INSTANCE, "bearer": "user:reconciler"}}}
    members = [f"user:u{i:03}" for i in range(KEPT)] + [f"user:n{i:03}" for i in range(NEW)]
    entry = {"channels": {"ops": {"prune": True, "members": members}}}
    return {
        "settings.yaml": json.dumps(dict(settings, safety=SAFETY)),
        "c.yaml": json.dumps(entry),
    }


def _moderators_seed(with_target: bool) -> dict[str, Any]:
    """Channel ops: every user a member, u000..u019 moderators."""
    seed = _channel_seed(with_target)
    for channel in seed["app_instances"][0]["channels"]:
        channel["members"] += [f"n{i:03}" for i in range(NEW)]
        channel["moderators"] = [f"u{i:03}" for i in range(LIVE)]
    return seed


def _moderators_desired() -> dict[str, str]:
    """The members as they are; moderators u000..u004 and n000..n002 (prune)."""
    files = _channel_desired()
    members = [f"user:u{i:03}" for i in range(LIVE)] + [f"user:n{i:03}" for i in range(NEW)]
    moderators = [f"user:u{i:03}" for i in range(KEPT)] + [f"user:n{i:03}" for i in range(NEW)]
    entry = {"channels": {"ops": {"prune": True, "members": members, "moderators": moderators}}}
    return {**files, "c.yaml": json.dumps(entry)}


def _room_seed(with_target: bool) -> dict[str, Any]:
    users = [{"id": f"id-u{i:03}", "email": f"u{i:03}@example.com"} for i in range(LIVE)]
    users += [{"id": f"id-n{i:03}", "email": f"n{i:03}@example.com"} for i in range(NEW)]
    memberships = [{"member": f"u{i:03}@example.com"} for i in range(LIVE)]
    room = {"id": "room-1", "name": "ops", "memberships": memberships}
    account = {"id": ACCOUNT, "name": "Example", "users": users}
    return {"accounts": [dict(account, rooms=[room] if with_target else [])]}


def _room_desired() -> dict[str, str]:
    members = [f"u{i:03}@example.com" for i in range(KEPT)]
    members += [f"n{i:03}@example.com" for i in range(NEW)]
    entry = {"rooms": {"ops": {"prune": True, "members": members}}}
    return {
        "settings.yaml": json.dumps({"account": ACCOUNT, "safety": SAFETY}),
        "r.yaml": json.dumps(entry),
    }


@dataclass(frozen=True)
class Scenario:
    id: str
    noun: str  # what the messages call the target
    seed: Callable[[bool], dict[str, Any]]
    desired: Callable[[], dict[str, str]]
    delete_call: str
    create_call: str


SCENARIOS = [
    Scenario(
        "channel",
        "channel",
        _channel_seed,
        _channel_desired,
        "DeleteChannelMembership",
        "BatchCreateChannelMembership",
    ),
    Scenario(
        "channel-moderators",
        "channel",  # not "the channel moderators is gone"
        _moderators_seed,
        _moderators_desired,
        "DeleteChannelModerator",
        "CreateChannelModerator",
    ),
    Scenario(
        "room",
        "room",
        _room_seed,
        _room_desired,
        "DeleteRoomMembership",
        "BatchCreateRoomMembership",
    ),
]


@pytest.mark.parametrize("kind", SCENARIOS, ids=lambda s: s.id)
def test_a_target_deleted_mid_apply_is_not_called_again_and_reported_once(
    kind: Scenario,
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    workdir: Path,
) -> None:
    emulator.reset(kind.seed(True))
    write_desired(kind.desired())
    emulator.set_faults(latency_ms=100)
    emulator.reset_calls()
    removed_before: list[int] = []

    def delete_target() -> None:
        deadline = time.monotonic() + 30
        while calls().get(kind.delete_call, 0) < DELETED_AFTER and time.monotonic() < deadline:
            time.sleep(0.01)
        removed_before.append(calls().get(kind.delete_call, 0))
        emulator.reset(kind.seed(False))  # the target is deleted; the rest stays

    deleter = threading.Thread(target=delete_target)
    deleter.start()
    done = cli("apply", "--auto-approve", "--out", "result.json")
    deleter.join()

    assert done.exit_code == 1, done.stdout + done.stderr
    assert "could not verify" not in done.stderr, done.stderr
    assert "already gone" not in done.stdout, done.stdout
    failures = [line for line in done.lines if line.strip().startswith("! ")]
    assert len(failures) == 1, done.stdout
    assert "NotFoundException" in failures[0]
    assert f"(the {kind.noun} is gone: deleted during the apply;" in failures[0]
    # no create was tried against the gone target
    assert calls().get(kind.create_call, 0) == 0, calls()

    document = json.loads((workdir / "result.json").read_text())
    outcomes: dict[str, int] = {}
    for change in document["changes"]:
        outcomes[change["outcome"]] = outcomes.get(change["outcome"], 0) + 1
    assert outcomes.get("failed") == 1, outcomes
    assert "already" not in outcomes, outcomes
    assert outcomes.get("ok", 0) >= removed_before[0] - 1, outcomes
    assert sum(outcomes.values()) == LIVE - KEPT + NEW
    skipped = {c["error"]["message"] for c in document["changes"] if c["outcome"] == "skipped"}
    assert skipped == {f"not attempted: the {kind.noun} was found gone (deleted) during the apply"}
    # verified: the removals made before went with it; one line says so
    assert "Verification:" not in done.stderr, done.stderr
    assert f"Note: {kind.noun} ops was found gone (deleted) during the apply" in (done.stderr)
    assert document["verified"] is True
