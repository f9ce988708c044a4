"""Merging the plans of the shards of one run (``plan --shard K/N --out FILE``, one per CI
job) into the plan the whole run would have made: ``merge-plans``. Pure.

Refused, with a message naming the files: a plan made without --shard, shards of
different partitions (N differs) or of different desired-state files (digest), a shard
given twice, a missing shard, a target in a file whose shard does not hold it (an
edited file, or one from another partition), and one target (kind and id, and scope where
``Kind.id_per_scope``) planned under two names by two shards: one target declared twice.
Each shard refuses its own entry when its provider resolves the other shards' ids
(``LiveState.elsewhere_ids``, as the three kinds' providers do); this refuses the merge
whatever the provider, so that two plans undoing each other are never merged.

A target's own safety limits were checked by its shard; the plan-wide ``max_removals``
is checked again over every shard's targets (each shard's file keeps the limit:
``Plan.removal_limit``), so the merged plan is refused exactly when the unsharded one is.
Files made before the limit was kept: each shard's own plan-wide refusals.
"""

from __future__ import annotations

from collections.abc import Sequence

from reconciler.declared_once import repeated
from reconciler.errors import UsageError
from reconciler.message_order import in_file_order
from reconciler.plan import Plan, RemovalLimit, SafetyViolation, TargetPlan
from reconciler.safety import over_removal_limit
from reconciler.shard import Shard


class MergeError(UsageError):
    """The files given are not the complete set of shards of one plan."""


def merge_plans(plans: Sequence[tuple[str, Plan]]) -> Plan:
    """One plan from every shard's plan (``(file name, plan)`` pairs, in any order)."""
    if not plans:
        raise MergeError("merge-plans needs the plan files of every shard")
    shards = [_shard(name, p) for name, p in plans]
    first_name, first = plans[0]
    count = shards[0].count
    by_index: dict[int, str] = {}
    for (name, p), shard in zip(plans, shards, strict=True):
        if shard.count != count:
            raise MergeError(
                f"{name} is shard {shard} but {first_name} is shard {shards[0]}: the shards "
                "of one run all have the same N"
            )
        if p.desired_digest != first.desired_digest:
            raise MergeError(
                f"{name} and {first_name} were planned from different desired-state files "
                "(desired_digest differs): plan every shard from the same commit"
            )
        if shard.index in by_index:
            raise MergeError(f"shard {shard} is given twice: {by_index[shard.index]} and {name}")
        by_index[shard.index] = name
        for t in p.targets:
            if not shard.holds(t.key):
                raise MergeError(
                    f"{name} (shard {shard}) plans {t.kind.words.noun} {t.key.name!r}, which "
                    "belongs to another shard: the file was edited or is from another run"
                )
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in by_index]
    if missing:
        raise MergeError(
            f"shard{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} missing: give the plan file of every "
            f"shard 1/{count} to {count}/{count}"
        )
    ordered_named = sorted(plans, key=lambda np: _shard(*np).index)
    _once_each(ordered_named)
    ordered = [p for _, p in ordered_named]
    targets = tuple(sorted((t for p in ordered for t in p.targets), key=lambda t: t.key))
    return Plan(
        targets=targets,
        violations=_violations(ordered, targets),
        errors=in_file_order(e for p in ordered for e in p.errors),
        governance_errors=in_file_order(e for p in ordered for e in p.governance_errors),
        desired_digest=first.desired_digest,
        # each item is of a target, so of one shard: none to drop (two bots of one name
        # still in a room are two expired memberships, as the whole plan counts them)
        expiring=tuple(sorted(e for p in ordered for e in p.expiring)),
        expired_kept=tuple(sorted(e for p in ordered for e in p.expired_kept)),
        unadoptable=tuple(x for p in ordered for x in p.unadoptable),
        expiry_warning_days=first.expiry_warning_days,
        notices=in_file_order(n for p in ordered for n in p.notices),
        unmanaged_is_drift=first.unmanaged_is_drift,
    )


def _violations(
    plans: Sequence[Plan], targets: Sequence[TargetPlan]
) -> tuple[SafetyViolation, ...]:
    """The plan-wide refusal over all ``targets``, then the targets' own, by target (as
    the planner orders them)."""
    every = [v for p in plans for v in p.violations]
    own = sorted((v for v in every if v.target is not None), key=lambda v: v.target or ())
    limits = [p.removal_limit for p in plans]
    if None in limits:  # a file made before shards kept the limit: each shard's own
        return (*(v for v in every if v.target is None), *own)
    capped = frozenset(k for limit in limits if limit is not None for k in limit.capped)
    limit = RemovalLimit(min(lim.max_removals for lim in limits if lim is not None), capped)
    return (*over_removal_limit(targets, limit), *own)


def _once_each(plans: Sequence[tuple[str, Plan]]) -> None:
    """Refuse two targets of the shards' plans that are one target in Chime (its kind and
    id, and scope where ids are per scope: ``declared_once.repeated``), naming both."""
    every = [(name, p, t) for name, p in plans for t in p.targets]
    found = repeated((t.key, t.target_id) for _, _, t in every)
    if found is None:
        return
    (other_name, other, o), (name, p, t) = every[found[0]], every[found[1]]
    words = t.kind.words
    raise MergeError(
        f"{other_name} (shard {other.shard}) plans {words.noun} {o.key.name!r} and "
        f"{name} (shard {p.shard}) plans {words.noun} {t.key.name!r}, which are one "
        f"{words.entry_noun} ({words.id_word[0]} {t.target_id}) declared twice, whose "
        "plans would undo each other on every apply; declare it once (plan without "
        "--shard names both entries)"
    )


def _shard(name: str, plan: Plan) -> Shard:
    if plan.shard is None:
        raise MergeError(f"{name} was not made with --shard K/N: there is nothing to merge")
    return plan.shard
