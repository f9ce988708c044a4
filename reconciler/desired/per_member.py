"""AWS's most targets of one scope a member may be in (``Kind.max_targets_per_member``: a
room's quota "Memberships per profile", 1,000 rooms of an account per user or bot).

A member the files declare in more is an error of ``validate`` and ``plan``, as a target
declaring too many members is (``resolve._too_many``): located at the member's entry in
the first target over the maximum, in the order the targets are resolved, before any
call. Counting is a ``Counter.update`` per target; the targets are walked again only when
some member is over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from reconciler.desired.messages import located
from reconciler.desired.model import DesiredTarget
from reconciler.desired.yamlpos import Path
from reconciler.errors import Problem
from reconciler.kinds import Kind
from reconciler.refs import MemberRef

Scope = tuple[str, str]  # a kind's id and a target's scope


class TargetsPerMember:
    def __init__(self) -> None:
        self._counts: dict[Scope, Counter[MemberRef]] = {}
        self._kinds: dict[Scope, Kind] = {}
        self._targets: list[tuple[Scope, DesiredTarget, Path]] = []  # in resolve order

    def add(self, kind: Kind, target: DesiredTarget, path: Path, refs: Iterable[MemberRef]) -> None:
        """``target`` (at ``path``) holds ``refs`` (its members still declared)."""
        if kind.max_targets_per_member is None:
            return
        scope = (kind.id, target.key.scope)
        self._kinds[scope] = kind
        self._counts.setdefault(scope, Counter()).update(refs)
        self._targets.append((scope, target, path))

    def problems(self, declared: Callable[[DesiredTarget], Iterable[MemberRef]]) -> list[Problem]:
        """One located error per member over its kind's maximum in a scope, at its entry
        in the first target over it; ``declared``: a target's members still declared (as
        ``add`` was given them: an entry whose grants have all ended does not count, nor
        is it where the count goes over)."""
        over = {
            scope: {ref for ref, n in counts.items() if n > most}
            for scope, counts in self._counts.items()
            if (most := self._kinds[scope].max_targets_per_member) is not None
        }
        if not any(over.values()):
            return []
        seen: dict[tuple[Scope, MemberRef], int] = {}
        problems = []
        for scope, target, path in self._targets:
            refs = over[scope]
            kind = self._kinds[scope]
            most = kind.max_targets_per_member or 0
            counted = refs.intersection(declared(target))
            for member in target.members:
                if member.ref not in counted:
                    continue
                n = seen[scope, member.ref] = seen.get((scope, member.ref), 0) + 1
                if n == most + 1:
                    at = member.provenance[0].declared_at
                    count = self._counts[scope][member.ref]
                    words = kind.words
                    message = (
                        f"{member.ref} is declared in {count:,} {words.plural} of "
                        f"{words.scope} {scope[1]}, more than AWS's maximum of {most:,}: "
                        f"apply would fail for the {count - most:,} over it"
                    )
                    problems.append(located(at.file, at.line, path, message))
        return problems
