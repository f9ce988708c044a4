"""Groups: undefined references, cycles, and expansion with provenance. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from reconciler.desired.member_entries import Entry, GroupRef
from reconciler.desired.messages import closest, located
from reconciler.desired.yamlpos import Path
from reconciler.errors import Problem
from reconciler.fastinit import slot_init
from reconciler.governance.grant import NO_GRANT, Grant, combine
from reconciler.refs import Location, MemberRef


@slot_init
@dataclass(frozen=True, slots=True)
class EntryAt:
    """One entry of a member list, where it is written: ``path`` is ``(*within, index)``,
    the list's path and the entry's index in it (its key in a mapping of entries), kept
    apart so that a million entries of a thousand lists share a thousand list paths."""

    entry: Entry
    location: Location
    within: Path
    index: str | int
    grant: Grant = NO_GRANT  # until / reason / ticket of the entry's mapping form

    @property
    def path(self) -> Path:
        return (*self.within, self.index)


@dataclass(frozen=True)
class GroupDef:
    name: str
    location: Location  # the group's key
    path: Path
    entries: tuple[EntryAt, ...]
    owners: tuple[str, ...] = ()
    # entries written otherwise than the reference they read as (``Bot:X`` is ``bot:X``),
    # by index: their text, which a kind reading references as written reads (Q-EK-1)
    written: Mapping[str | int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reached:
    """A member reached through groups: the chain (outermost first) and where the member
    string is written in the innermost group."""

    ref: MemberRef
    via: tuple[str, ...]
    location: Location
    grant: Grant = NO_GRANT  # the group entries' on the way, combined
    written: str | None = None  # the entry's text where not ``ref``'s spelling (GroupDef)


def undefined(
    entries: Iterable[EntryAt],
    groups: Mapping[str, GroupDef],
    broken: frozenset[str],
    unread: Sequence[str] = (),
) -> list[Problem]:
    """A problem for each ``@group`` that no file defines. Groups that failed validation
    count as defined (their own errors are reported). When some files could not be loaded
    (``unread``), the references are knock-on errors as likely as not (those files may
    define the groups): they are folded into one problem, without suggestions."""
    missing = [
        at
        for at in entries
        if isinstance(at.entry, GroupRef)
        and at.entry.name not in groups
        and at.entry.name not in broken
    ]
    if unread and missing:
        return [_folded(missing, unread)]
    problems = []
    for at in missing:
        assert isinstance(at.entry, GroupRef)
        name = at.entry.name
        suggestion = closest(name, sorted(groups))
        hint = f" (did you mean '@{suggestion}'?)" if suggestion else ""
        problems.append(
            located(at.location.file, at.location.line, at.path, f"undefined group '@{name}'{hint}")
        )
    return problems


def _folded(missing: Sequence[EntryAt], unread: Sequence[str]) -> Problem:
    """``F could not be loaded, so 3 references to groups no other file defines are not
    checked: @sre (a.yaml:3, 6), @web (b.yaml:2)``."""
    where: dict[str, dict[str, list[int]]] = {}
    for at in missing:
        assert isinstance(at.entry, GroupRef)
        lines = where.setdefault(at.entry.name, {}).setdefault(at.location.file, [])
        if at.location.line not in lines:
            lines.append(at.location.line)
    listed = "; ".join(
        f"@{name} ({', '.join(f'{f}:' + ', '.join(map(str, ls)) for f, ls in files.items())})"
        for name, files in sorted(where.items())
    )
    files = " and ".join(unread) if len(unread) <= 2 else f"{len(unread)} files"
    n = len(missing)
    refs = "reference" if n == 1 else "references"
    return Problem(
        None,
        f"{files} could not be loaded (see above), so {n} {refs} to groups no other file "
        f"defines {'is' if n == 1 else 'are'} not checked: {listed}",
    )


MAX_DEPTH = 32  # levels of groups within groups


def _children(groups: Mapping[str, GroupDef], name: str) -> list[str]:
    return [
        at.entry.name
        for at in groups[name].entries
        if isinstance(at.entry, GroupRef) and at.entry.name in groups
    ]


def cycles(groups: Mapping[str, GroupDef]) -> list[Problem]:
    """One problem per cycle, at the entry that starts it from the cycle's first group in
    name order: ``groups.a[1]: group cycle: @a -> @b -> @a``. (Iterative: any depth.)"""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    found: dict[tuple[str, ...], None] = {}
    for root in sorted(groups):
        if root in state:
            continue
        path = [root]
        pending = [iter(_children(groups, root))]
        state[root] = 1
        while pending:
            target = next(pending[-1], None)
            if target is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(target) == 1:
                ring = path[path.index(target) :]
                start = ring.index(min(ring))
                found.setdefault(tuple(ring[start:] + ring[:start]), None)
            elif target not in state:
                state[target] = 1
                path.append(target)
                pending.append(iter(_children(groups, target)))
    problems = []
    for loop in found:
        following = loop[1] if len(loop) > 1 else loop[0]
        at = next(e for e in groups[loop[0]].entries if e.entry == GroupRef(following))
        chain = " -> ".join(f"@{g}" for g in (*loop, loop[0]))
        problems.append(
            located(at.location.file, at.location.line, at.path, f"group cycle: {chain}")
        )
    return problems


def too_deep(groups: Mapping[str, GroupDef], limit: int = MAX_DEPTH) -> list[Problem]:
    """Groups nested more than ``limit`` levels deep, reported at the outermost such group.
    Call only when there are no cycles."""
    depth: dict[str, int] = {}
    for root in sorted(groups):
        stack = [root]
        while stack:  # iterative post-order: a group's depth after its children's
            name = stack[-1]
            todo = [c for c in _children(groups, name) if c not in depth]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            depth[name] = 1 + max((depth[c] for c in _children(groups, name)), default=0)
    deep = {name for name, d in depth.items() if d > limit}
    inner = {c for name in deep for c in _children(groups, name)}
    return [
        located(
            groups[name].location.file,
            groups[name].location.line,
            groups[name].path,
            f"groups nest {depth[name]} levels deep here (at most {limit})",
        )
        for name in sorted(deep - inner)
    ]


class Expander:
    """Expands groups into members with their chains; memoised, safe on cycles (a group
    already being expanded contributes nothing: cycles are reported separately)."""

    def __init__(self, groups: Mapping[str, GroupDef]) -> None:
        self.groups = groups
        self.memo: dict[str, tuple[Reached, ...]] = {}
        self.active: set[str] = set()

    def members(self, name: str) -> tuple[Reached, ...]:
        if name in self.memo:
            return self.memo[name]
        if name in self.active or name not in self.groups:
            return ()
        self.active.add(name)
        out: list[Reached] = []
        group = self.groups[name]
        written = group.written.get if group.written else None
        for at in group.entries:
            if isinstance(at.entry, MemberRef):
                text = written(at.index) if written is not None else None
                out.append(Reached(at.entry, (name,), at.location, at.grant, text))
            else:
                out.extend(
                    Reached(
                        r.ref, (name, *r.via), r.location, _through(at.grant, r.grant), r.written
                    )
                    for r in self.members(at.entry.name)
                )
        self.active.discard(name)
        result = tuple(out)
        self.memo[name] = result
        return result

    def refs(self, entries: Iterable[EntryAt]) -> Iterator[MemberRef]:
        """Every member an entry list names, directly or through groups."""
        for at in entries:
            if isinstance(at.entry, MemberRef):
                yield at.entry
            else:
                yield from (r.ref for r in self.members(at.entry.name))


def _through(outer: Grant, inner: Grant) -> Grant:
    return inner if outer.empty else combine([outer, inner])
