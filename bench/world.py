"""A benchmark world: one Chime account (users, bots, rooms with live memberships) and the
desired state declared for it. Pure values, plus the two files the run needs: the
emulator's seed document and the desired-state YAML directory.

Members are written as the desired state writes them: an e-mail for a user, ``bot:NAME``
for a bot. The expected changes (``diff``) are computed here independently of the tool,
so the benchmark can check the plan it measures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

ADMIN = "Administrator"
MEMBER = "Member"
BOT_PREFIX = "bot:"
ROOMS_PER_FILE = 100

Roles = Mapping[str, str]  # member (e-mail or bot:NAME) -> role, in listing order


def is_bot(member: str) -> bool:
    return member.startswith(BOT_PREFIX)


@dataclass(frozen=True)
class Room:
    """A room as it is live (``live``) and as declared (``desired``; None: not declared)."""

    name: str
    room_id: str
    live: Roles
    desired: Roles | None = None
    by_name: bool = True  # declared by name (ListRooms resolves it) or with `id:`
    prune: bool = False
    entry: Mapping[str, Any] | None = None  # the YAML entry, when written with groups


@dataclass(frozen=True)
class RoomDiff:
    adds: tuple[str, ...] = ()
    updates: tuple[str, ...] = ()  # role changes (users only in these scenarios)
    deletes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.adds or self.updates or self.deletes)


def diff(room: Room) -> RoomDiff:
    """What a correct plan changes in ``room``."""
    if room.desired is None:
        return RoomDiff()
    adds = tuple(m for m in room.desired if m not in room.live)
    updates = tuple(m for m, r in room.desired.items() if m in room.live and room.live[m] != r)
    deletes = tuple(m for m in room.live if room.prune and m not in room.desired)
    if any(is_bot(m) for m in updates):
        raise ValueError(f"room {room.name}: bot role changes are not modelled by the bench")
    return RoomDiff(adds, updates, deletes)


def after(room: Room) -> Room:
    """``room`` once the plan is applied."""
    if room.desired is None:
        return room
    desired = room.desired
    kept = {m: desired.get(m, r) for m, r in room.live.items() if m in desired or not room.prune}
    added = {m: r for m, r in desired.items() if m not in room.live}
    return replace(room, live={**kept, **added})


@dataclass(frozen=True)
class World:
    account: str
    users: tuple[str, ...]  # e-mails, in ListUsers order
    rooms: tuple[Room, ...]  # in ListRooms order
    bots: tuple[str, ...] = ()  # display names
    groups: Mapping[str, list[str]] = field(default_factory=dict)  # written to the YAML only
    max_removals: int = 10_000
    max_removal_fraction: float = 0.25

    @property
    def declared(self) -> tuple[Room, ...]:
        return tuple(r for r in self.rooms if r.desired is not None)

    def applied(self) -> World:
        """This world once the plan is applied: every declared room as desired."""
        return replace(self, rooms=tuple(after(r) for r in self.rooms))

    def expected_summary(self) -> dict[str, int]:
        """The plan's ``summary`` (JSON format) a correct planner prints."""
        diffs = [diff(r) for r in self.declared]
        return {
            "add": sum(len(d.adds) for d in diffs),
            "change": sum(len(d.updates) for d in diffs),
            "remove": sum(len(d.deletes) for d in diffs),
        }

    # -- files ---------------------------------------------------------------------------

    def seed(self) -> dict[str, Any]:
        """The emulator's seed document (ids derived from e-mails and names)."""
        return {
            "accounts": [
                {
                    "id": self.account,
                    "name": "Bench Corp",
                    "users": [{"id": f"uid-{e}", "email": e} for e in self.users],
                    "bots": [{"id": f"bid-{b}", "name": b} for b in self.bots],
                    "rooms": [
                        {
                            "id": r.room_id,
                            "name": r.name,
                            "memberships": [{"member": m, "role": v} for m, v in r.live.items()],
                        }
                        for r in self.rooms
                    ],
                }
            ]
        }

    def write_desired(self, directory: Path) -> Path:
        """Write the desired-state directory (settings.yaml and rooms-NNN.yaml files)."""
        directory.mkdir(parents=True, exist_ok=True)
        settings = {
            "account": self.account,
            "prune": False,
            "safety": {
                "max_removals": self.max_removals,
                "max_removal_fraction": self.max_removal_fraction,
                "min_administrators": 1,
            },
        }
        _dump(directory / "settings.yaml", settings)
        declared = self.declared
        for n, start in enumerate(range(0, max(len(declared), 1), ROOMS_PER_FILE)):
            doc: dict[str, Any] = {}
            if n == 0 and self.groups:
                doc["groups"] = {g: list(ms) for g, ms in self.groups.items()}
            doc["rooms"] = {r.name: _entry(r) for r in declared[start : start + ROOMS_PER_FILE]}
            _dump(directory / f"rooms-{n:03d}.yaml", doc)
        return directory


def _entry(room: Room) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if not room.by_name:
        entry["id"] = room.room_id
    if room.prune:
        entry["prune"] = True
    if room.entry is not None:
        return {**entry, **room.entry}
    desired = room.desired or {}
    entry["administrators"] = [m for m, r in desired.items() if r == ADMIN]
    entry["members"] = [m for m, r in desired.items() if r != ADMIN]
    return entry


def _dump(path: Path, doc: Mapping[str, Any]) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(doc, Dumper=dumper, sort_keys=False), encoding="utf-8")
