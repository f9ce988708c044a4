"""From validated declarations to the resolved DesiredState. Pure: no I/O.

Checks that need every file at once live here: undefined groups, group cycles, the
same room or group declared twice, rooms without an account, and the final expansion of
groups into members with their highest role and every path that put them there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reconciler.desired.groups import EntryAt, Expander, GroupDef, cycles, too_deep, undefined
from reconciler.desired.messages import located
from reconciler.desired.model import DesiredMember, DesiredTarget, Safety
from reconciler.desired.spec import RoomSpec, SafetySpec
from reconciler.desired.yamlpos import Path
from reconciler.errors import Problem
from reconciler.refs import Location, MemberRef, Provenance, Role, TargetKey, TargetKind


@dataclass(frozen=True)
class RoomDef:
    key: str  # the mapping key: the room's name, or a label when `id:` is given
    spec: RoomSpec
    location: Location  # the key's line
    path: Path
    administrators: tuple[EntryAt, ...]
    members: tuple[EntryAt, ...]


@dataclass
class Declarations:
    """Everything the files declared, merged, with what could not be validated."""

    account: str | None = None
    account_broken: bool = False  # settings' account was invalid: do not cascade
    prune: bool = False
    safety: SafetySpec = field(default_factory=SafetySpec)
    protected: tuple[EntryAt, ...] = ()
    groups: dict[str, GroupDef] = field(default_factory=dict)
    broken_groups: set[str] = field(default_factory=set)
    groups_unknown_in: list[str] = field(default_factory=list)  # files we could not read
    rooms: list[RoomDef] = field(default_factory=list)


@dataclass(frozen=True)
class Resolved:
    targets: tuple[DesiredTarget, ...]
    safety: Safety
    protected: frozenset[MemberRef]
    problems: tuple[Problem, ...]


def resolve(d: Declarations) -> Resolved:
    problems: list[Problem] = []
    all_entries = [e for g in d.groups.values() for e in g.entries] + list(d.protected)
    for room in d.rooms:
        all_entries += [*room.administrators, *room.members]
    problems += undefined(all_entries, d.groups, frozenset(d.broken_groups), d.groups_unknown_in)
    nesting = cycles(d.groups) or too_deep(d.groups)
    problems += nesting
    expander = Expander({} if nesting else d.groups)  # bounded recursion, or nothing
    targets: list[DesiredTarget] = []
    by_key: dict[TargetKey, RoomDef] = {}
    by_id: dict[tuple[str, str], RoomDef] = {}
    for room in d.rooms:
        account = room.spec.account or d.account
        name = room.key if room.key.strip() else room.spec.id
        where = (room.location.file, room.location.line, room.path)
        if name is None:
            problems.append(located(*where, "room has neither a name nor an id"))
            continue
        if account is None:
            if not d.account_broken:
                message = "room has no account: set `account:` here or in settings.yaml"
                problems.append(located(*where, message))
            continue
        key = TargetKey(TargetKind.ROOM, account, name)
        if key in by_key:
            first = by_key[key].location
            problems.append(located(*where, f"room {name!r} is already declared at {first}"))
            continue
        if room.spec.id is not None:
            if (account, room.spec.id) in by_id:
                first = by_id[(account, room.spec.id)].location
                message = f"room id {room.spec.id!r} is already declared at {first}"
                problems.append(located(*where, message))
                continue
            by_id[(account, room.spec.id)] = room
        by_key[key] = room
        prune = d.prune if room.spec.prune is None else room.spec.prune
        targets.append(_target(key, room, prune, expander))
    return Resolved(
        targets=tuple(sorted(targets, key=lambda t: t.key)),
        safety=Safety(
            max_removals=d.safety.max_removals,
            max_removal_fraction=d.safety.max_removal_fraction,
            min_administrators=d.safety.min_administrators,
        ),
        protected=frozenset(expander.refs(d.protected)),
        problems=tuple(problems),
    )


def _target(key: TargetKey, room: RoomDef, prune: bool, expander: Expander) -> DesiredTarget:
    found: dict[MemberRef, tuple[MemberRef, list[Provenance]]] = {}

    def add(ref: MemberRef, provenance: Provenance) -> None:
        found.setdefault(ref, (ref, []))[1].append(provenance)

    for role, entries in ((Role.ADMINISTRATOR, room.administrators), (Role.MEMBER, room.members)):
        for at in entries:
            if isinstance(at.entry, MemberRef):
                add(at.entry, Provenance(role, at.location))
                continue
            for reached in expander.members(at.entry.name):
                add(reached.ref, Provenance(role, at.location, reached.via, reached.location))
    members = []
    for ref, provenance in found.values():
        role = max((p.role for p in provenance), key=lambda r: r.rank)
        members.append(DesiredMember(ref, role, tuple(sorted(set(provenance)))))
    return DesiredTarget(
        key=key,
        target_id=room.spec.id,
        prune=prune,
        members=tuple(sorted(members, key=lambda m: m.ref)),
        location=room.location,
    )
