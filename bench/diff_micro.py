"""Micro-benchmark: the planner's per-room diff (plain dict/set comparison) against
deepdiff's ``DeepDiff`` on the same data, 1,000-member rooms.

Three ways to get one room's changes (members to add, to change role, to remove):

- ``dict/set``: the comparison the planner does, on ``{member: role}`` dicts;
- ``DeepDiff``: ``DeepDiff(live, desired, view="tree")`` on the same dicts, its result
  turned into the same three sets;
- ``plan_target``: the planner's whole per-room function, for scale (it also builds the
  ``Change`` values, the unmanaged list and the order the renderers print).

All three must find the same changes; each is timed (median of 3 runs of a loop
lasting about 0.1 s). deepdiff is optional: without it, this section is skipped with a note.
"""

from __future__ import annotations

import importlib.metadata
import statistics
import timeit
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from reconciler.desired.model import DesiredMember, DesiredTarget
from reconciler.live import LiveMember, LiveTarget
from reconciler.plan import Action
from reconciler.planner import plan_target
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey, TargetKind

ROOM_SIZE = 1000
Changes = tuple[frozenset[str], frozenset[str], frozenset[str]]  # adds, updates, deletes


@dataclass(frozen=True)
class Sample:
    name: str
    desired: dict[str, str]  # member key -> role
    live: dict[str, str]


@dataclass(frozen=True)
class Timing:
    sample: str
    changes: int
    dict_set_us: float
    deepdiff_us: float
    plan_target_us: float

    @property
    def ratio(self) -> float:
        return self.deepdiff_us / self.dict_set_us


def samples(size: int = ROOM_SIZE) -> list[Sample]:
    """A room of ``size`` declared members: in sync, 10% drifted, and empty (all to add)."""
    people = [f"user{i:04d}@example.com" for i in range(size)]
    desired = {p: "Administrator" if i < 5 else "Member" for i, p in enumerate(people)}
    drifted = dict(desired)
    for i, p in enumerate(people):
        if i % 20 == 0:
            del drifted[p]  # 5% to add
        elif i % 40 == 1:
            drifted[p] = "Administrator" if desired[p] == "Member" else "Member"  # 2.5%
    for i in range(size // 40):
        drifted[f"stray{i:04d}@example.com"] = "Member"  # 2.5% to remove
    return [
        Sample("in sync", desired, dict(desired)),
        Sample("10% drift", desired, drifted),
        Sample("empty room", desired, {}),
    ]


def dict_set_diff(desired: Mapping[str, str], live: Mapping[str, str]) -> Changes:
    adds = desired.keys() - live.keys()
    deletes = live.keys() - desired.keys()
    updates = {m for m in desired.keys() & live.keys() if desired[m] != live[m]}
    return frozenset(adds), frozenset(updates), frozenset(deletes)


def deepdiff_diff(desired: Mapping[str, str], live: Mapping[str, str]) -> Changes:
    from deepdiff import DeepDiff

    # threshold_to_diff_deeper=0: by default (0.33) two dicts sharing under a third of
    # their keys are reported as one changed root value, not key by key.
    tree: Any = DeepDiff(dict(live), dict(desired), view="tree", threshold_to_diff_deeper=0)

    def keys(kind: str) -> frozenset[str]:
        return frozenset(str(item.path(output_format="list")[0]) for item in tree.get(kind, []))

    return keys("dictionary_item_added"), keys("values_changed"), keys("dictionary_item_removed")


def _targets(sample: Sample) -> tuple[DesiredTarget, LiveTarget, dict[MemberRef, str]]:
    key = TargetKey(TargetKind.ROOM, "bench-account", "bench-room")
    here = Location("rooms.yaml", 1)
    wanted = sorted(
        (
            DesiredMember(MemberRef.user(m), Role(r), (Provenance(Role(r), here),))
            for m, r in sample.desired.items()
        ),
        key=lambda d: d.ref,
    )
    live = sorted(
        LiveMember(MemberRef.user(m), f"id-{m}", MemberKind.USER, Role(r))
        for m, r in sample.live.items()
    )
    ids = {MemberRef.user(m): f"id-{m}" for m in sample.desired}
    desired = DesiredTarget(key, "room-id", True, tuple(wanted), here)
    return desired, LiveTarget(key, "room-id", tuple(live)), ids


def planner_diff(sample: Sample) -> Callable[[], Changes]:
    desired, live, ids = _targets(sample)

    def run() -> Changes:
        changes = plan_target(desired, live, ids).changes

        def keys(action: Action) -> frozenset[str]:
            return frozenset(c.member.key for c in changes if c.action is action)

        return keys(Action.CREATE), keys(Action.UPDATE), keys(Action.DELETE)

    return run


def _time(fn: Callable[[], object]) -> float:
    """Microseconds per call: the median of 3 runs of a loop lasting about 0.1 s."""
    timer = timeit.Timer(fn)
    once = max(timer.timeit(number=1), 1e-6)
    number = max(1, int(0.1 / once))
    runs = timer.repeat(repeat=3, number=number)
    return statistics.median(runs) / number * 1e6


def deepdiff_version() -> str | None:
    try:
        return importlib.metadata.version("deepdiff")
    except importlib.metadata.PackageNotFoundError:
        return None


def run(size: int = ROOM_SIZE) -> list[Timing]:
    """Time the three diffs on each sample; raises AssertionError if they disagree."""
    out = []
    for s in samples(size):
        planner = planner_diff(s)
        expected = dict_set_diff(s.desired, s.live)
        for name, got in (("DeepDiff", deepdiff_diff(s.desired, s.live)), ("planner", planner())):
            if got != expected:
                raise AssertionError(f"{s.name}: {name} found other changes than dict/set")
        out.append(
            Timing(
                s.name,
                sum(len(part) for part in expected),
                _time(partial(dict_set_diff, s.desired, s.live)),
                _time(partial(deepdiff_diff, s.desired, s.live)),
                _time(planner),
            )
        )
    return out
