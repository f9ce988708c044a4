"""The parts of a harness scenario (``bench/harness.py``): rooms (``bench/estate.py``) and
channels (``bench/channel_world.py``), each with its seed, desired-state files, expected
plan summary, lower bounds, quota-bound time and naive script; a scenario is one or both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import bounds as room_bounds
from bench import channel_bounds, naive, naive_channels
from bench.bounds import Calls, add
from bench.channel_world import ChannelWorld, dump
from bench.world import World
from reconciler.emulator.messaging.quotas import BATCH, BEARER


@dataclass(frozen=True)
class Part:
    """One kind of estate: what the harness needs of it."""

    name: str
    seed: dict[str, Any]
    settings: dict[str, Any]
    write_files: Callable[[Path], None]
    summary: dict[str, int]
    read_bound: Calls
    apply_bound: Calls
    naive: Callable[[str, Path], None]
    # seconds AWS's documented quotas (emulator --quotas) allow at best for the calls of a
    # bound, given the step ("plan" or "apply") and the bearer count: None when none
    # applies (rooms)
    quota_seconds: Callable[[Calls, str, int], float] | None = None


def rooms_part(world: World) -> Part:
    limits = room_bounds.Limits.from_model()

    def write(path: Path) -> None:
        world.write_desired(path)  # rooms-NNN.yaml (and a settings.yaml the scenario's replaces)

    return Part(
        name="rooms",
        seed=world.seed(),
        settings={
            "account": world.account,
            "prune": False,
            "safety": {
                "max_removals": world.max_removals,
                "max_removal_fraction": world.max_removal_fraction,
                "min_administrators": 1,
            },
        },
        write_files=write,
        summary=world.expected_summary(),
        read_bound=room_bounds.read_bound(world, limits),
        apply_bound=room_bounds.apply_bound(world, limits, saved_plan=False),
        naive=naive.apply,
    )


def channels_part(world: ChannelWorld) -> Part:
    limits = channel_bounds.MessagingLimits.from_model()
    batches = channel_bounds.per_channel_batches(world, limits)
    bearer_rate, batch_rate = BEARER[0].rate, BATCH[0].rate

    loads = {
        "plan": channel_bounds.channel_calls(world, limits, apply=False),
        "apply": channel_bounds.channel_calls(world, limits, apply=True),
    }

    def quota_seconds(bound: Calls, step: str, bearers: int) -> float:
        # every messaging call counts against its bearer's quota, each channel's against
        # the one bearer given that channel (the busiest bearer sets the pace); apply's
        # batch calls on one channel against the channel's own (1/s), whatever the
        # bearers (a plan makes none); the users' check (identity quotas) waits for the
        # listings that tell which users
        calls = sum(n for op, n in bound.items() if op in channel_bounds.MESSAGING_OPS)
        busiest = channel_bounds.busiest_bearer(calls, loads[step], bearers)
        batch_calls = batches if step == "apply" else 0
        messaging = max(busiest / bearer_rate, max(batch_calls - 1, 0) / batch_rate)
        return messaging + channel_bounds.identity_seconds(bound, limits)

    summary = world.expected_summary()
    removals = summary["remove"] + summary["change"]
    return Part(
        name="channels",
        seed=world.seed(),
        settings={
            **world.settings(),
            "safety": {"max_removals": max(removals, 10), "max_removal_fraction": 1.0},
        },
        write_files=world.write_files,
        summary=summary,
        read_bound=channel_bounds.read_bound(world, limits),
        apply_bound=channel_bounds.apply_bound(world, limits),
        naive=naive_channels.apply,
        quota_seconds=quota_seconds,
    )


@dataclass(frozen=True)
class Scenario:
    parts: tuple[Part, ...]

    def seed(self) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        for p in self.parts:
            doc.update(p.seed)
        return doc

    def write_desired(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        settings: dict[str, Any] = {}
        for p in self.parts:
            p.write_files(directory)
            for key, value in p.settings.items():
                if key == "safety" and key in settings:
                    value = _safety(settings[key], value)
                settings[key] = value
        dump(directory / "settings.yaml", settings)
        return directory

    def summary(self) -> dict[str, int]:
        total: dict[str, int] = {"add": 0, "change": 0, "remove": 0}
        for p in self.parts:
            for k, v in p.summary.items():
                total[k] += v
        return total

    @property
    def read_bound(self) -> Calls:
        return add(*(p.read_bound for p in self.parts))

    @property
    def apply_bound(self) -> Calls:
        if not any(self.summary().values()):
            return self.read_bound
        return add(*(p.apply_bound for p in self.parts))

    def quota_seconds(self, bound: Calls, step: str, bearers: int) -> float | None:
        """The least time AWS's documented quotas allow the channel calls of ``bound``
        (the calls of ``step``: "plan" or "apply")."""
        timed = [p.quota_seconds for p in self.parts if p.quota_seconds is not None]
        if not timed:
            return None
        return max(seconds(bound, step, bearers) for seconds in timed)

    def naive(self, url: str, desired: Path) -> None:
        for p in self.parts:
            p.naive(url, desired)


def _safety(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    out["max_removals"] = a.get("max_removals", 0) + b.get("max_removals", 0)
    out["max_removal_fraction"] = max(
        a.get("max_removal_fraction", 0.0), b.get("max_removal_fraction", 0.0)
    )
    return out


def scenario(parts: Sequence[Part]) -> Scenario:
    if not parts:
        raise ValueError("a scenario has rooms, channels or both")
    return Scenario(tuple(parts))
