"""One target, one declaration: the check, for every kind, that no two entries of the
desired state name the same target once their ids are resolved. Pure: no I/O.

Loading refuses two entries with one name, or with one id as written
(``desired.resolve``). What only the resolved ids show is found here: a room by name and
by ``id:``, a channel by name and by ``arn:``, a meeting through two ``${VARIABLE}``s
holding one id. Two such entries would undo each other's changes on every apply, so each
is reported where it is declared, naming the others, and none of them is planned.

The planner runs this check on what the providers read (``planner.plan``); a provider may
run it sooner, on the ids it resolved before reading anything, so as not to read a target
that will not be planned (rooms: ``RoomsProvider.read``). The messages are the same.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping

from reconciler import kinds
from reconciler.desired.model import DesiredTarget
from reconciler.live import LiveProblem
from reconciler.refs import TargetKey


def identity(key: TargetKey, target_id: str) -> tuple[str, str, str]:
    """What one target is in Chime: its kind, its id, and the scope the id is unique in
    (``Kind.id_per_scope``; "" where ids are unique in the whole kind)."""
    scope = key.scope if _per_scope(key.kind) else ""
    return key.kind, scope, target_id


@functools.cache
def _per_scope(kind_id: str) -> bool:
    return kinds.get(kind_id).id_per_scope


def declared_twice(
    targets: Iterable[DesiredTarget], ids: Mapping[TargetKey, str]
) -> dict[TargetKey, LiveProblem]:
    """The problem of each of ``targets`` whose resolved id (``ids``, by key; a target not
    in it is not compared) another of them shares, located at it and naming the others:
    the targets not to plan."""
    by_identity: dict[tuple[str, str, str], list[DesiredTarget]] = defaultdict(list)
    for t in targets:
        target_id = ids.get(t.key)
        if target_id is not None:
            by_identity[identity(t.key, target_id)].append(t)
    problems: dict[TargetKey, LiveProblem] = {}
    shared = sorted((i, declared) for i, declared in by_identity.items() if len(declared) > 1)
    for (kind_id, _, target_id), declared in shared:
        noun = kinds.get(kind_id).words.entry_noun
        for t in declared:
            others = "; ".join(f"{o.key.name} at {o.location}" for o in declared if o is not t)
            message = (
                f"{noun} {target_id} is declared more than once (also as {others}); declare it once"
            )
            problems[t.key] = LiveProblem(t.key, t.location, message)
    return problems
