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

Under ``--shard K/N`` the two entries may fall in two shards, each of which sees only its
own: the other shards' targets are then ``DesiredState.elsewhere``, never read or planned
here, but compared (``elsewhere``), so that every shard refuses its own entry as the run
without ``--shard`` refuses both. A provider resolves the ids of those that can be one of
its targets (``compared``) while it resolves its own: the same calls, except where a shard
declares a target only by id in a scope where another shard declares one by name (then
that scope's listing: ListRooms, ListChannels).
"""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter

from reconciler import kinds
from reconciler.desired.model import DesiredTarget
from reconciler.live import LiveProblem
from reconciler.refs import TargetKey


def identity(key: TargetKey, target_id: str) -> tuple[str, str, str]:
    """What one target is in Chime: its kind, its id, and the scope the id is unique in
    (``Kind.id_per_scope``; "" where ids are unique in the whole kind)."""
    scope = key.scope if _per_scope(key.kind) else ""
    return key.kind, scope, target_id


def repeated(targets: Iterable[tuple[TargetKey, str]]) -> tuple[int, int] | None:
    """The positions of the first two of a plan's ``targets`` (key and id pairs) that are
    one target: one key, or one target in Chime (``identity``: two names of one id).
    None: each is there once. A plan file (``plandecode``) and the shards' plans merged
    (``plan_merge``) are refused with them: plans of one target would undo each other."""
    seen: dict[tuple[str, object], int] = {}
    for i, (key, target_id) in enumerate(targets):
        for one in (("key", key), ("id", identity(key, target_id))):
            first = seen.setdefault(one, i)
            if first != i:
                return first, i
    return None


_KEY = attrgetter("key")


@functools.cache
def _per_scope(kind_id: str) -> bool:
    return kinds.get(kind_id).id_per_scope


def compared(
    targets: Sequence[DesiredTarget], elsewhere: Iterable[DesiredTarget]
) -> list[DesiredTarget]:
    """The targets of ``elsewhere`` that may be one of ``targets``, whose ids are to be
    resolved: of their kinds, those declared with an id (it costs nothing), and those
    declared by name in a scope where one of ``targets`` is declared with an id. Two names
    in one scope are two targets (loading refuses one name twice), so a target declared by
    name elsewhere is never compared with one declared by name here."""
    kinds_here = {t.key.kind for t in targets}
    with_id = {(t.key.kind, t.key.scope) for t in targets if t.target_id is not None}
    return [
        t
        for t in elsewhere
        if t.key.kind in kinds_here
        and (t.target_id is not None or (t.key.kind, t.key.scope) in with_id)
    ]


def declared_twice(
    targets: Iterable[DesiredTarget],
    ids: Mapping[TargetKey, str],
    elsewhere: Iterable[DesiredTarget] = (),
) -> dict[TargetKey, LiveProblem]:
    """The problem of each of ``targets`` whose resolved id (``ids``, by key; a target not
    in it is not compared) another of them, or of ``elsewhere``, shares, located at it and
    naming the others: the targets not to plan. ``elsewhere``: targets declared outside
    this run's scope (the other shards'), compared but never reported (their own run
    reports them); ``ids`` holds the ids of those resolved."""
    targets = list(targets)
    here = {t.key for t in targets}
    by_identity: dict[tuple[str, str, str], list[DesiredTarget]] = defaultdict(list)
    for t in itertools.chain(targets, elsewhere):
        target_id = ids.get(t.key)
        if target_id is not None:
            by_identity[identity(t.key, target_id)].append(t)
    problems: dict[TargetKey, LiveProblem] = {}
    shared = sorted((i, declared) for i, declared in by_identity.items() if len(declared) > 1)
    for (kind_id, _, target_id), declared in shared:
        noun = kinds.get(kind_id).words.entry_noun
        declared.sort(key=_KEY)  # as the desired state lists them, wherever each is
        for t in declared:
            if t.key not in here:
                continue
            others = "; ".join(f"{o.key.name} at {o.location}" for o in declared if o is not t)
            message = (
                f"{noun} {target_id} is declared more than once (also as {others}); declare it once"
            )
            problems[t.key] = LiveProblem(t.key, t.location, message)
    return problems
