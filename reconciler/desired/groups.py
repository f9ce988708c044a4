"""Groups: undefined references, cycles, and expansion with provenance. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from reconciler.desired.messages import closest, located
from reconciler.desired.spec import Entry, GroupRef
from reconciler.desired.yamlpos import Path
from reconciler.errors import Problem
from reconciler.refs import Location, MemberRef


@dataclass(frozen=True)
class EntryAt:
    """One entry of a member list, where it is written."""

    entry: Entry
    location: Location
    path: Path


@dataclass(frozen=True)
class GroupDef:
    name: str
    location: Location  # the group's key
    path: Path
    entries: tuple[EntryAt, ...]


@dataclass(frozen=True)
class Reached:
    """A member reached through groups: the chain (outermost first) and where the member
    string is written in the innermost group."""

    ref: MemberRef
    via: tuple[str, ...]
    location: Location


def undefined(
    entries: Iterable[EntryAt],
    groups: Mapping[str, GroupDef],
    broken: frozenset[str],
    unread: Sequence[str] = (),
) -> list[Problem]:
    """A problem for each ``@group`` that no file defines. Groups that failed validation
    count as defined (their own errors are reported); files whose groups could not be read
    at all (``unread``) are named as where the group may be."""
    maybe = ""
    if unread:
        maybe = f" (unless it is in {', '.join(unread)}, which could not be loaded)"
    problems = []
    for at in entries:
        if not isinstance(at.entry, GroupRef):
            continue
        name = at.entry.name
        if name in groups or name in broken:
            continue
        suggestion = closest(name, sorted(groups), cutoff=0.5)
        hint = f" (did you mean '@{suggestion}'?)" if suggestion else maybe
        problems.append(
            located(at.location.file, at.location.line, at.path, f"undefined group '@{name}'{hint}")
        )
    return problems


def cycles(groups: Mapping[str, GroupDef]) -> list[Problem]:
    """One problem per cycle, at the entry that starts it from the cycle's first group in
    name order: ``groups.a[1]: group cycle: @a -> @b -> @a``."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []
    found: dict[tuple[str, ...], None] = {}

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for at in groups[name].entries:
            if not isinstance(at.entry, GroupRef) or at.entry.name not in groups:
                continue
            target = at.entry.name
            if state.get(target) == 1:
                loop = stack[stack.index(target) :]
                start = loop.index(min(loop))
                found.setdefault(tuple(loop[start:] + loop[:start]), None)
            elif target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(groups):
        if name not in state:
            visit(name)
    problems = []
    for loop in found:
        following = loop[1] if len(loop) > 1 else loop[0]
        at = next(e for e in groups[loop[0]].entries if e.entry == GroupRef(following))
        chain = " -> ".join(f"@{g}" for g in (*loop, loop[0]))
        problems.append(
            located(at.location.file, at.location.line, at.path, f"group cycle: {chain}")
        )
    return problems


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
        for at in self.groups[name].entries:
            if isinstance(at.entry, MemberRef):
                out.append(Reached(at.entry, (name,), at.location))
            else:
                out.extend(
                    Reached(r.ref, (name, *r.via), r.location) for r in self.members(at.entry.name)
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
