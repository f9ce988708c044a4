"""Each room is matched (``planner.match``: its live members against its declared ones,
most of the planner's work for it) as soon as its listing is in, while the other rooms
are still read, not after the last answer (issue 13: the 20 ms plan's time after its last
answer). Through the real boto3 client and the emulator: the rooms provider hands each
room's live state over before the last listing is answered, the very objects its read
returns; through the CLI, a plan matches each room once, during the read, and the planner
matches none again."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from test_read_ahead import (
    FAST,
    ROOMS,
    SETTINGS,
    Calls,
    Seed,
    desired_rooms,
    key,
    rooms_file,
    seeded,
    slow_client,
)

from reconciler import planner
from reconciler.desired.model import DesiredTarget
from reconciler.live import LiveTarget
from reconciler.providers import RoomsProvider
from reconciler.providers.base import ReadsEach
from reconciler.refs import TargetKey

pytestmark = pytest.mark.e2e


def test_each_room_is_handed_over_as_its_listing_is_in_before_the_last_answer(
    seed: Seed,
) -> None:
    chime = slow_client(seed, 50)
    lock, answered = threading.Lock(), [0]

    def ended(model: Any, **_: Any) -> None:
        if model.name == "ListRoomMemberships":
            with lock:
                answered[0] += 1

    chime.meta.events.register("after-call.chime.*", ended)
    rooms = RoomsProvider(chime, retry=FAST, parallelism=2)
    assert isinstance(rooms, ReadsEach)
    for r in ROOMS:  # as the CLI reads while loading
        rooms.prefetch(key(r), f"room-{r}")
    handed: dict[TargetKey, tuple[LiveTarget, int]] = {}

    def listed(desired: DesiredTarget, live: LiveTarget) -> None:
        assert desired.key == live.key and desired.key not in handed
        with lock:
            handed[desired.key] = (live, answered[0])

    live = rooms.read_each(desired_rooms(*ROOMS), None, listed)
    assert sorted(handed) == sorted(live.targets) == sorted(key(r) for r in ROOMS)
    assert all(handed[k][0] is t for k, t in live.targets.items())  # the read's own
    # the first rooms were handed over while the others were still being read
    assert min(n for _, n in handed.values()) < len(ROOMS)


@pytest.fixture
def estate(seed: Seed, write_desired: Callable[..., Any]) -> Any:
    """Eight rooms in two files, one declared by id (``test_read_ahead``'s)."""
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


def test_a_plan_matches_each_room_once_while_reading_and_none_in_the_planner(
    estate: Any, cli: Any, calls: Calls, monkeypatch: pytest.MonkeyPatch
) -> None:
    planning = [False]
    matched: list[tuple[TargetKey, bool]] = []
    real_match, real_plan = planner.match, planner.plan

    def match(desired: DesiredTarget, live: LiveTarget) -> planner.Matched:
        matched.append((desired.key, planning[0]))
        return real_match(desired, live)

    def make_plan(*args: Any, **kwargs: Any) -> Any:
        planning[0] = True
        try:
            return real_plan(*args, **kwargs)
        finally:
            planning[0] = False

    # both are imported from the planner where they are used (after the first call)
    monkeypatch.setattr(planner, "match", match)
    monkeypatch.setattr(planner, "plan", make_plan)
    run = cli("plan", "--format", "json")
    assert run.exit_code == 0, run.stderr
    names = [*ROOMS[:7], "label"]
    assert sorted(t["name"] for t in json.loads(run.stdout)["targets"]) == sorted(names)
    assert sorted(k.name for k, _ in matched) == sorted(names)  # once each
    assert not any(in_planner for _, in_planner in matched)
    assert calls()["ListRoomMemberships"] == len(names)
