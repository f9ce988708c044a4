"""From validated declarations to the resolved DesiredState. Pure: no I/O.

Checks that need every file at once live here: undefined groups, group cycles, the
same target or group declared twice, targets without a scope (a room without an account),
and the final expansion of groups into members with their role (``Kind.combine`` of
every path's: the highest for rooms; conflicting roles are a located error) and every
path that put them there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

from pydantic import BaseModel

from reconciler import kinds
from reconciler.desired.groups import (
    EntryAt,
    Expander,
    GroupDef,
    Reached,
    cycles,
    too_deep,
    undefined,
)
from reconciler.desired.member_entries import Entry
from reconciler.desired.messages import located
from reconciler.desired.model import DesiredMember, DesiredTarget, Policy, Safety
from reconciler.desired.per_member import TargetsPerMember
from reconciler.desired.spec import GroupRef, SettingsFileBase
from reconciler.desired.yamlpos import Path
from reconciler.errors import Problem
from reconciler.fastinit import slot_init
from reconciler.governance.codeowners import Ownership
from reconciler.governance.grant import NO_GRANT, Ending, Grant, combine
from reconciler.kinds import Kind, RoleConflict
from reconciler.refs import Location, MemberRef, Provenance, TargetKey


@slot_init
@dataclass(frozen=True, slots=True)
class RoleEntry(EntryAt):
    """One entry of a target's member lists and the role it gives (one value rather than an
    ``EntryAt`` and its role: a million entries at the service maximums)."""

    role: Hashable = None


@dataclass(frozen=True, slots=True)
class EntryList:
    """The valid entries of one member list, in order, column by column: at the service
    maximums a million entries are loaded and resolved without a ``RoleEntry`` made for
    each (one is made where asked for: iterating). A column the same for every entry, or
    the list's own (nothing skipped), is not kept per entry (None)."""

    within: Path  # the list's path
    file: str  # the file it is in, as shown
    role: Hashable  # the role its entries give (``roles``: when they differ)
    entries: list[Entry]
    lines: Sequence[int]  # each entry's line
    indices: list[str | int] | None = None  # each one's index in the list (None: 0, 1, ...)
    roles: list[Hashable] | None = None  # each one's role (None: ``role``)
    grants: list[Grant] | None = None  # each one's (None: no entry has a mapping form)

    def __iter__(self) -> Iterator[RoleEntry]:
        indices = self.indices if self.indices is not None else range(len(self.entries))
        columns = zip(
            self.entries, self.lines, indices, self.all_roles(), self.all_grants(), strict=True
        )
        for entry, line, index, role, grant in columns:
            yield RoleEntry(entry, Location(self.file, line), self.within, index, grant, role)

    def all_roles(self) -> list[Hashable]:
        return self.roles if self.roles is not None else [self.role] * len(self.entries)

    def all_grants(self) -> list[Grant]:
        return self.grants if self.grants is not None else [NO_GRANT] * len(self.entries)

    def group_entries(self) -> list[RoleEntry]:
        """The entries that are ``@group``s (most lists have none: checked in C)."""
        if GroupRef not in map(type, self.entries):
            return []
        return [e for e in self if isinstance(e.entry, GroupRef)]


@dataclass(frozen=True)
class TargetDef:
    kind: Kind
    key: str  # the mapping key: the target's name, or a label when its id is given
    spec: BaseModel  # the kind's spec model
    location: Location  # the key's line
    path: Path
    lists: tuple[EntryList, ...]
    # its id was broken or missing (reported; ``salvage``): its members are still checked,
    # but it is no target to compare with the others (as declared twice), nor to plan
    unidentified: bool = False

    @property
    def entries(self) -> tuple[RoleEntry, ...]:
        """Every entry, made anew on each call (for error messages: resolving reads
        ``lists``)."""
        return tuple(e for entries in self.lists for e in entries)

    @property
    def size(self) -> int:
        """How many entries it declares (a group counts one)."""
        return sum(len(entries.entries) for entries in self.lists)


@dataclass
class Declarations:
    """Everything the files declared, merged, with what could not be validated."""

    settings: BaseModel | None = None  # the SettingsFile, when one was read
    settings_unreadable: bool = False  # settings.yaml could not be read at all
    broken_settings: set[str] = field(default_factory=set)  # top-level keys dropped
    prune: bool = False
    safety: BaseModel | None = None  # settings.yaml's `safety:` (``settings_spec``)
    protected: tuple[EntryAt, ...] = ()
    rates: dict[str, float | None] = field(default_factory=dict)  # settings' `rates:`
    groups: dict[str, GroupDef] = field(default_factory=dict)
    broken_groups: set[str] = field(default_factory=set)
    groups_unknown_in: list[str] = field(default_factory=list)  # files we could not read
    targets: list[TargetDef] = field(default_factory=list)

    def scope_broken(self, kind: Kind) -> bool:
        """The default scope may have been in settings that could not be read: do not
        report targets without one (the settings problem is reported)."""
        return self.settings_unreadable or kind.scope_setting in self.broken_settings

    @property
    def policy(self) -> Policy:
        """The governance keys of settings.yaml (defaults without one)."""
        settings = self.settings if isinstance(self.settings, SettingsFileBase) else None
        if settings is None:
            return Policy()
        days = settings.max_grant_days
        limits = {"*": days} if isinstance(days, int) else dict(days or {})
        return Policy(
            require_reason=settings.require_reason,
            expiry_warning_days=settings.expiry_warning_days,
            max_grant_days=tuple(sorted(limits.items())),
        )


@dataclass(frozen=True)
class Resolved:
    targets: tuple[DesiredTarget, ...]
    safety: Safety
    protected: frozenset[MemberRef]
    problems: tuple[Problem, ...]
    owned: tuple[Ownership, ...] = ()
    protected_until: tuple[tuple[MemberRef, Ending], ...] = ()
    protection_ends: tuple[tuple[MemberRef, Ending], ...] = ()


def resolve(d: Declarations, now: dt.datetime | None = None) -> Resolved:
    """The targets with their members; ``now``: entries expired then make no conflict.
    Takes the targets out of ``d`` as it goes: their entries are most of loading's memory,
    and each is dropped once its target is resolved."""
    problems: list[Problem] = []
    refs = [e for g in d.groups.values() for e in g.entries] + list(d.protected)
    for t in d.targets:
        refs += [e for entries in t.lists for e in entries.group_entries()]
    problems += undefined(refs, d.groups, frozenset(d.broken_groups), d.groups_unknown_in)
    nesting = cycles(d.groups) or too_deep(d.groups)
    problems += nesting
    expander = Expander({} if nesting else d.groups)  # bounded recursion, or nothing
    targets: list[DesiredTarget] = []
    by_key: dict[TargetKey, Location] = {}
    by_id: dict[tuple[str, str, str], tuple[Location, str]] = {}  # and the id as written
    twice: set[tuple[str, int, Path]] = set()  # reported once for a section's kinds
    per_member = TargetsPerMember()
    for t in _taken(d):
        noun = t.kind.words.noun
        scope = t.kind.scope_of(t.spec, d.settings)
        target_id = None if t.unidentified else t.kind.target_id_of(t.spec, d.settings)
        name = t.key if t.key.strip() or t.unidentified else target_id
        where = (t.location.file, t.location.line, t.path)
        if name is None:
            if where not in twice:  # once for a section's kinds (Q-BS-5)
                twice.add(where)
                problems.append(located(*where, f"{noun} has neither a name nor an id"))
            continue
        if scope is None:
            why = located(*where, t.kind.no_scope_why(t.spec, d.settings))
            if not d.scope_broken(t.kind) and why not in problems:  # once for a section's kinds
                problems.append(why)
            continue
        key = TargetKey(t.kind.id, scope, name)
        named = key if t.kind.names_per_scope else TargetKey(t.kind.id, "", name)
        # a target whose id is broken (reported; ``unidentified``) is compared with none and
        # not planned: only its members are checked
        if not t.unidentified and named in by_key:
            if where not in twice:  # once for a section's kinds (a channel's moderators)
                twice.add(where)
                first = by_key[named]
                problems.append(located(*where, f"{noun} {name!r} is already declared at {first}"))
            continue
        if target_id is not None:
            # one target however its id is written (``Kind.normal_id``: a meeting's UUID in
            # any case), in its scope where ids are per scope, as ``plan`` compares them
            same = (t.kind.id, scope if t.kind.id_per_scope else "", t.kind.normal_id(target_id))
            if same in by_id:
                if where not in twice:
                    twice.add(where)
                    first, written = by_id[same]
                    what = t.kind.words.id_word[0]  # "channel ARN", "room id" (Q-BS-3)
                    message = f"{noun} {what} {target_id!r} is already declared at {first}"
                    if written.strip() != target_id.strip():  # another spelling there
                        message += f" (as {written.strip()!r})"
                    problems.append(located(*where, message))
                continue
            by_id[same] = (t.location, target_id)
        if not t.unidentified:
            by_key[named] = t.location
        own_prune = t.kind.prune_of(t.spec)
        prune = d.prune if own_prune is None else own_prune
        target, conflicts = _target(key, t, target_id, (prune, own_prune), expander, now)
        problems += conflicts
        too_many = _too_many(t.kind, name, target, now)
        if too_many:
            problems.append(located(*where, too_many))
        if not t.unidentified:
            targets.append(target)
            per_member.add(t.kind, target, t.path, _declared_refs(target, now))
    problems += per_member.problems(lambda target: _declared_refs(target, now))
    paths = _protection_paths(d.protected, expander)
    return Resolved(
        targets=tuple(sorted(targets, key=lambda t: t.key)),
        safety=Safety(**d.safety.model_dump()) if d.safety is not None else Safety(),
        protected=frozenset(expander.refs(d.protected)),
        problems=tuple(problems),
        owned=_owned(targets, d.groups.values()),
        protected_until=_protected_until(paths),
        protection_ends=_protection_ends(paths),
    )


def _protection_paths(
    entries: Iterable[EntryAt], expander: Expander
) -> list[tuple[MemberRef, Ending | None]]:
    """Every path ``protected:`` reaches a member by, in order: how it ends (None: it
    does not, a member named directly or through group entries without ``until``)."""
    paths: list[tuple[MemberRef, Ending | None]] = []
    for at in entries:
        if isinstance(at.entry, MemberRef):
            paths.append((at.entry, None))
            continue
        for reached in expander.members(at.entry.name):
            g = combine([at.grant, reached.grant])
            end = (
                Ending(g.until, g.reason, g.ticket, reached.via, reached.location, at.location)
                if g.until is not None
                else None
            )
            paths.append((reached.ref, end))
    return paths


def _protected_until(
    paths: Iterable[tuple[MemberRef, Ending | None]],
) -> tuple[tuple[MemberRef, Ending], ...]:
    """Members ``protected:`` reaches only through group entries with an ``until``: the
    path declared last (``governance.expiry.as_of`` stops protecting them after its
    ``until``), with its reason and ticket (QA-AO Q-AO-3). A member named directly, or by
    one path without an ``until``, is protected for good and not listed."""
    ends: dict[MemberRef, Ending | None] = {}
    for ref, end in paths:
        if ref not in ends:
            ends[ref] = end
        elif (old := ends[ref]) is not None:
            ends[ref] = max(old, end, key=attrgetter("until")) if end is not None else None
    return tuple(sorted(((r, e) for r, e in ends.items() if e is not None), key=_first))


def _protection_ends(
    paths: Iterable[tuple[MemberRef, Ending | None]],
) -> tuple[tuple[MemberRef, Ending], ...]:
    """Every group entry with an ``until`` on a path ``protected:`` reaches a member by,
    each once per member (by where its ``until`` is written), whether or not another path
    protects the member longer: ``validate`` says which have expired (QA-EE Q-EE-5)."""
    ends: dict[tuple[MemberRef, Location | None], Ending] = {}
    for ref, end in paths:
        if end is not None:
            ends.setdefault((ref, end.until.location), end)
    return tuple(sorted(((r, e) for (r, _), e in ends.items()), key=_first))


def _first(item: tuple[MemberRef, Ending]) -> MemberRef:
    return item[0]


def _taken(d: Declarations) -> Iterator[TargetDef]:
    """``d.targets`` in order, each let go of (by ``d`` and by this) once the next is asked
    for; ``d.targets`` is empty after."""
    pending, d.targets = d.targets, []
    for i, t in enumerate(pending):
        pending[i] = None  # type: ignore[call-overload]
        yield t
        del t


def _owned(targets: Iterable[DesiredTarget], groups: Iterable[GroupDef]) -> tuple[Ownership, ...]:
    """`owners:` of every target and group that names some, in file and line order."""
    owned = [
        Ownership(f"{kinds.get(t.key.kind).words.noun} {t.key.name}", t.location, t.owners)
        for t in targets
        if t.owners
    ]
    owned += [Ownership(f"group {g.name}", g.location, g.owners) for g in groups if g.owners]
    return tuple(sorted(owned, key=lambda o: (o.location, o.what)))


def _as_written(kind: Kind, reached: Reached) -> MemberRef:
    """A group's entry written otherwise than its reference (``Bot:X``) as ``kind`` reads
    that text: a room's ``bot:X``, a meeting's ExternalUserId as written (Q-EK-1); the
    group's reference where the kind refuses the text (its member check reports it)."""
    assert reached.written is not None
    try:
        return kind.parse_member(reached.written)
    except ValueError:
        return reached.ref


def _target(
    key: TargetKey,
    t: TargetDef,
    target_id: str | None,
    prunes: tuple[bool, bool | None],  # its prune, and its own ``prune:`` (None: none)
    expander: Expander,
    now: dt.datetime | None,
) -> tuple[DesiredTarget, list[Problem]]:
    found: dict[MemberRef, Provenance] = {}  # the first path to each member
    more: dict[MemberRef, list[Provenance]] = {}  # every path, for members with several
    members: list[DesiredMember] = []  # each member as its first path makes it (see below)
    problems: list[Problem] = []
    dated = False  # a path with an ``until``

    def add(ref: MemberRef, path: Provenance, role: Hashable) -> None:
        first = found.setdefault(ref, path)
        if first is path:
            members.append(DesiredMember(ref, role, (path,)))
        else:
            more.setdefault(ref, [first]).append(path)

    one_path: dict[Hashable, Hashable] = {}  # a role -> the kind's combine([role]), once each
    role: Hashable = _UNSEEN
    alone: Hashable = None  # the role of a member ``role``'s path alone gives
    for entries in t.lists:
        file, grants = entries.file, entries.grants
        # an entry's own grant: NO_GRANT for a plain reference (nearly all), else its
        # mapping form's (an ``until`` or not)
        dated = dated or any(g.until is not None for g in grants or ())
        columns = zip(
            entries.entries, entries.lines, entries.all_roles(), entries.all_grants(), strict=True
        )
        for entry, line, entry_role, grant in columns:
            if entry_role is not role:  # most lists: one role for all their entries
                role = entry_role
                alone = one_path.get(role, _UNSEEN)
                if alone is _UNSEEN:
                    alone = one_path[role] = t.kind.combine([role])
            if isinstance(entry, MemberRef):  # most entries: add(), inline
                path = Provenance(role, Location(file, line), (), None, grant)
                first = found.setdefault(entry, path)
                if first is path:
                    members.append(DesiredMember(entry, alone, (path,)))
                else:
                    more.setdefault(entry, [first]).append(path)
                continue
            at = Location(file, line)
            for reached in expander.members(entry.name):
                both = combine([grant, reached.grant])
                dated = dated or both.until is not None
                ref = reached.ref if reached.written is None else _as_written(t.kind, reached)
                add(ref, Provenance(role, at, reached.via, reached.location, both), alone)
    if more:  # members with several paths: made again from all of them, in order found
        members = [m for m in members if m.ref not in more]
        text = t.kind.role_text
        for ref in found:
            provenance = more.get(ref)
            if provenance is None:
                continue
            paths = sorted(
                set(provenance),
                key=lambda p: (text(p.role), p.declared_at, p.via, p.location or Location("", 0)),
            )
            # paths expired at ``now`` make no conflict: the role is the active paths' (or,
            # when every path has ended, the one that ended last: ``as_of`` removes it)
            active = [p for p in paths if now is None or not _ended(p, now)]
            considered = active or [max(paths, key=_end)]
            try:
                role = t.kind.combine([p.role for p in considered])
            except RoleConflict as exc:
                problems.append(_conflict(t, ref, considered, str(exc)))
                continue
            members.append(DesiredMember(ref, role, tuple(paths)))
    target = DesiredTarget(
        key=key,
        target_id=target_id,
        prune=prunes[0],
        members=_in_ref_order(members),
        location=t.location,
        owners=tuple(getattr(t.spec, "owners", ())),  # any kind whose spec has `owners:`
        safety=t.kind.safety_of(t.spec),
        dated=dated,
        own_prune=prunes[1],
    )
    return target, problems


def _too_many(kind: Kind, name: str, target: DesiredTarget, now: dt.datetime | None) -> str:
    """The error for a target declaring more members than AWS allows in one (the members
    still declared at ``now``), or ""."""
    most = kind.max_members
    if most is None or len(target.members) <= most:
        return ""
    count = sum(
        1 for m in target.members if now is None or not all(_ended(p, now) for p in m.provenance)
    )
    if count <= most:
        return ""
    words = kind.words
    return (
        f"{words.noun} {name!r} declares {count:,} {words.members}, more than AWS's maximum "
        f"of {most:,}: apply would fail for the {count - most:,} over it"
    )


def _declared_refs(target: DesiredTarget, now: dt.datetime | None) -> Iterator[MemberRef]:
    """The members of ``target`` still declared at ``now``."""
    if now is None or not target.dated:
        return map(_ref, target.members)
    return (m.ref for m in target.members if not all(_ended(p, now) for p in m.provenance))


def _ended(p: Provenance, now: dt.datetime) -> bool:
    until = p.grant.until if p.grant is not None else None
    return until is not None and until.expired(now)


def _end(p: Provenance) -> dt.datetime:
    until = p.grant.until if p.grant is not None else None
    return until.instant if until is not None else dt.datetime.max.replace(tzinfo=dt.UTC)


def _in_ref_order(members: list[DesiredMember]) -> tuple[DesiredMember, ...]:
    """``members`` in ``MemberRef``'s own order (kind, then key): sorted by key, then
    (stable) by kind. Two sorts by one plain string each are quicker than one by the pair:
    strings compare in C without a tuple made and compared per member."""
    members.sort(key=_ref_key)
    members.sort(key=_ref_kind)
    return tuple(members)


_ref: Callable[[DesiredMember], MemberRef] = attrgetter("ref")
_ref_key: Callable[[DesiredMember], str] = attrgetter("ref.key")
_ref_kind: Callable[[DesiredMember], str] = attrgetter("ref.kind")
_UNSEEN = object()  # no role: not in a dict


def _conflict(t: TargetDef, ref: MemberRef, paths: list[Provenance], why: str) -> Problem:
    """``FILE:LINE: PATH: bob@x is HIDDEN at FILE:LINE and DEFAULT via @sre at FILE:LINE``,
    located at the last of the conflicting entries (the first is named in the message)."""
    text = t.kind.role_text
    ordered = sorted(paths, key=lambda p: (p.declared_at, p.where))
    last = ordered[-1]
    described = "; ".join(p.describe(text) for p in ordered)
    # the entry itself, not the first on its line (a one-line list holds several)
    written: Entry = GroupRef(last.via[0]) if last.via else ref
    at = (e for e in t.entries if e.location == last.declared_at and e.role == last.role)
    entry = next((e for e in at if e.entry == written), None)
    path = entry.path if entry is not None else t.path
    message = f"{ref}: {why} in {t.kind.words.noun} {t.key!r} ({described})"
    return located(last.declared_at.file, last.declared_at.line, path, message)
