"""A channel estate for the scale harness (``bench/harness.py --channels C --channel-members M``):
one Chime SDK messaging app instance with ``C`` channels of ``M`` declared members each,
drawn from the app instance's pool of users, a share ``drift`` of each channel drifted
live. Pure values, plus the emulator's seed (``app_instances:``) and the desired-state
files. Deterministic.

Per channel, ``d = round(drift * M)`` differences: two fifths adds (declared DEFAULT
members not in the channel), as many removals (live DEFAULT members not declared; channels
are pruned), the rest type changes (declared HIDDEN, live DEFAULT: a delete and a
re-creation), and, when ``d > 0``, one moderator grant (two moderators declared, one
live). A twentieth of the declared members (at least the type changes) are HIDDEN. A
channel never holds more than ``M`` members before or after (so ``M`` may be AWS's maximum
of 10,000). The expected changes are computed here, independently of the tool.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

DEFAULT = "DEFAULT"
HIDDEN = "HIDDEN"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/bench"
LABEL = "bench"
BEARER = "reconciler"  # the AppInstanceAdmin the tool calls as
MODERATORS = 2
CHANNELS_PER_FILE = 100

Types = Mapping[str, str]  # user id -> DEFAULT or HIDDEN, in listing order


@dataclass(frozen=True)
class Channel:
    """A channel as it is live and as declared (members by user id)."""

    name: str
    channel_id: str
    live: Types
    live_moderators: tuple[str, ...]
    desired: Types
    moderators: tuple[str, ...]

    @property
    def arn(self) -> str:
        return f"{INSTANCE}/channel/{self.channel_id}"


@dataclass(frozen=True)
class ChannelDiff:
    adds: Mapping[str, tuple[str, ...]]  # type -> members created (re-creations included)
    retyped: tuple[str, ...]  # deleted and created again with the other type
    removes: tuple[str, ...]
    grants: tuple[str, ...]
    revokes: tuple[str, ...]

    @property
    def members_changed(self) -> bool:
        return bool(self.retyped or self.removes or any(self.adds.values()))

    @property
    def moderators_changed(self) -> bool:
        return bool(self.grants or self.revokes)


def diff(c: Channel) -> ChannelDiff:
    """What a correct plan changes in ``c`` (pruned: undeclared members go)."""
    new = [m for m in c.desired if m not in c.live]
    retyped = tuple(m for m, t in c.desired.items() if m in c.live and c.live[m] != t)
    adds = {
        kind: tuple(m for m in [*new, *retyped] if c.desired[m] == kind)
        for kind in (DEFAULT, HIDDEN)
    }
    removes = tuple(m for m in c.live if m not in c.desired)
    grants = tuple(m for m in c.moderators if m not in c.live_moderators)
    revokes = tuple(m for m in c.live_moderators if m not in c.moderators)
    return ChannelDiff(adds, retyped, removes, grants, revokes)


@dataclass(frozen=True)
class ChannelWorld:
    users: tuple[str, ...]  # user ids, the bearers first
    channels: tuple[Channel, ...]  # in ListChannels order
    bearers: tuple[str, ...] = (BEARER,)  # AppInstanceAdmins the tool calls as

    def applied(self) -> ChannelWorld:
        """This world once the plan is applied."""
        return replace(
            self,
            channels=tuple(
                replace(c, live=dict(c.desired), live_moderators=c.moderators)
                for c in self.channels
            ),
        )

    def expected_summary(self) -> dict[str, int]:
        """The plan's JSON ``summary``: a type change is one change; a grant an add."""
        diffs = [diff(c) for c in self.channels]
        return {
            "add": sum(len(d.adds[DEFAULT]) + len(d.adds[HIDDEN]) - len(d.retyped) for d in diffs)
            + sum(len(d.grants) for d in diffs),
            "change": sum(len(d.retyped) for d in diffs),
            "remove": sum(len(d.removes) + len(d.revokes) for d in diffs),
        }

    def seed(self) -> dict[str, Any]:
        """The emulator's ``app_instances:`` seed."""

        def channel(c: Channel) -> dict[str, Any]:
            return {
                "name": c.name,
                "id": c.channel_id,
                "members": [m for m, t in c.live.items() if t == DEFAULT],
                "hidden": [m for m, t in c.live.items() if t == HIDDEN],
                "moderators": list(c.live_moderators),
            }

        return {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": LABEL,
                    "admins": list(self.bearers),
                    "users": [{"id": u} for u in self.users],
                    "channels": [channel(c) for c in self.channels],
                }
            ]
        }

    def settings(self) -> dict[str, Any]:
        """This world's part of settings.yaml."""
        instance: dict[str, Any] = {"arn": INSTANCE}
        if len(self.bearers) == 1:
            instance["bearer"] = f"user:{self.bearers[0]}"
        else:  # several bearers (settings.yaml `bearers:`): the channels are spread
            instance["bearers"] = [f"user:{b}" for b in self.bearers]
        return {"app_instances": {LABEL: instance}}

    def write_files(self, directory: Path) -> None:
        """channels-NNN.yaml files (settings.yaml is the harness's: see ``settings``)."""
        for n, start in enumerate(range(0, len(self.channels), CHANNELS_PER_FILE)):
            doc = {
                "channels": {
                    c.name: _entry(c) for c in self.channels[start : start + CHANNELS_PER_FILE]
                }
            }
            dump(directory / f"channels-{n:03d}.yaml", doc)


def _entry(c: Channel) -> dict[str, Any]:
    return {
        "app_instance": LABEL,
        "prune": True,
        "members": [f"user:{m}" for m, t in c.desired.items() if t == DEFAULT],
        "hidden": [f"user:{m}" for m, t in c.desired.items() if t == HIDDEN],
        "moderators": [f"user:{m}" for m in c.moderators],
    }


def dump(path: Path, doc: Mapping[str, Any]) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    path.write_text(yaml.dump(dict(doc), Dumper=dumper, sort_keys=False), encoding="utf-8")


def user(n: int) -> str:
    return f"u{n:06d}"


def channel_estate(channels: int, members: int, drift: float, bearers: int = 1) -> ChannelWorld:
    """The world the harness seeds and declares, called at by ``bearers`` AppInstanceAdmins
    (``reconciler``, ``reconciler-1``, ...); see the module's docstring."""
    if bearers < 1:
        raise ValueError("at least one bearer")
    if channels < 1 or members < MODERATORS:
        raise ValueError(f"a channel estate has at least one channel of {MODERATORS} members")
    if not 0.0 <= drift <= 1.0:
        raise ValueError(f"drift is a share between 0 and 1, not {drift}")
    d = round(drift * members)
    adds = removes = (2 * d) // 5
    retyped = d - adds - removes
    hidden = min(members - MODERATORS - adds, max(retyped, members // 20))
    if hidden < retyped:
        raise ValueError(f"channels of {members} members cannot take a drift of {drift}")
    size = members + removes + 1
    pool = tuple(user(n) for n in range(size))
    stride = max(1, size // channels)
    out = []
    for i in range(channels):
        start = (i * stride) % size
        window = [pool[(start + j) % size] for j in range(members + removes)]
        team, strays = window[:members], window[members:]
        # hidden members last but the adds: moderators (first) stay DEFAULT members
        desired = {m: DEFAULT for m in team}
        first_hidden = members - adds - hidden
        for m in team[first_hidden : first_hidden + hidden]:
            desired[m] = HIDDEN
        added = set(team[members - adds :])
        live = {m: t for m, t in desired.items() if m not in added}
        for m in team[first_hidden : first_hidden + retyped]:
            live[m] = DEFAULT
        for m in strays:
            live[m] = DEFAULT
        mods = tuple(team[:MODERATORS])
        name = f"chan-{i:05d}"
        out.append(Channel(name, f"ch-{i:05d}", live, mods[:1] if d else mods, desired, mods))
    admins = (BEARER, *(f"{BEARER}-{n}" for n in range(1, bearers)))
    return ChannelWorld((*admins, *pool), tuple(out), admins)
