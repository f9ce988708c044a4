"""What the loader reports while it loads (``load_desired(..., found=...)``): each target
of a file loaded without a problem, by its key and declared id, as soon as that file is
loaded, so that reading it can start while the other files are still being loaded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from reconciler.desired.resolve import Declarations
from reconciler.refs import TargetKey


@dataclass(frozen=True)
class FoundTarget:
    key: TargetKey
    target_id: str | None  # its declared id (``id:``); None: declared by name only
    rates: Mapping[str, float | None]  # settings.yaml's ``rates:`` (read before any target)
    size: int = 0  # the entries it declares (a group counts one): a hint of its length


Found = Callable[[FoundTarget], None]


def found_in(declared: Declarations, start: int) -> Iterator[FoundTarget]:
    """The targets declared from index ``start`` on that have a key (a scope and a name),
    keyed as ``resolve`` keys them; less those whose id another of them declares too (an
    error ``resolve`` reports: neither is read)."""
    found: list[FoundTarget] = []
    for t in declared.targets[start:]:
        scope = t.kind.scope_of(t.spec, declared.settings)
        target_id = t.kind.target_id_of(t.spec, declared.settings)
        name = t.key if t.key.strip() else target_id
        if scope is not None and name is not None:
            key = TargetKey(t.kind.id, scope, name)
            found.append(FoundTarget(key, target_id, declared.rates, t.size))
    ids = Counter(_by_id(f) for f in found if f.target_id is not None)
    for f in found:
        if f.target_id is None or ids[_by_id(f)] == 1:
            yield f


def _by_id(f: FoundTarget) -> tuple[str, str, str | None]:
    return (f.key.kind, f.key.scope, f.target_id)
