"""The plan as a JSON document (format version 2): what ``plan --format json`` prints and
what ``plan --out FILE`` saves. The encoder lives here, apart from the renderers, so that
the saved-plan file (``reconciler.planfile``, decoded by ``reconciler.plandecode``) and
the JSON renderer share it and neither depends on the other.

Version 2 (schema: ``reconciler/render/plan.schema.json``)::

    {"format_version": "2",
     "summary": {"add", "change", "remove"},
     "drift": {"members", "elevated",
               "counts_as_drift"},  # only false, with settings.yaml drift: changes-only
     "targets": [{"kind", "scope", "name", "id", "fingerprint", "live_count",
                  "live_elevated",
                  "max_members",  # only for a target with its own maximum (a meeting's)
                  "changes": [{"action", "member", "member_key", "member_type",
                               "member_id", "role_before", "role_after",
                               "provenance": [{"role", "declared_at", "via",
                                               "location"}]}],
                  "unmanaged": [...],  # "protected": true on a protected one,
                                       # "unadoptable": true on one import --adopt refuses
                  "protected": [...],
                  "held": [...]}],  # only when some protected members are kept elevated
     "safety": {"safe", "violations": [{"rule", "kind", "scope", "name", "message",
                                        "setting"}]},
     "errors": [...], "desired_digest": "...",
     "expiring": [...], "expiry_warning_days": N,   # only when a membership ends soon
     "expired_kept": [...],                         # only when expired members stay
     "over_maximum": [{"kind", "scope", "name", "id", "maximum", "own_maximum", "after",
                       "undeclared", "adds", "refused", "message"}],  # only when full
     "full_swap": [{"kind", "scope", "name", "id", "maximum", "own_maximum", "live_count",
                    "adds", "refused", "refused_adds", "kept", "keeps", "applies",
                    "minimum", "message"}],  # adds that do not fit
     "shard": {"index", "count", "unmanaged_is_drift",   # only with plan --shard K/N
               "max_removals", "own_max_removals": [{"kind", "scope", "name"}],
               "none_declared": true}}  # only when the desired state declares no target

Roles are written as their kind writes them (``Kind.role_json``: "Administrator" for
rooms). Version 1 (``rooms[]`` with ``account``, ``live_administrators``; violations
with ``room``/``account``) is still read by ``reconciler.plandecode``.
"""

from __future__ import annotations

from typing import Any

from reconciler import kinds
from reconciler.crowded import Crowded, crowded
from reconciler.full_swap import FullSwap, full_swaps
from reconciler.governance.plan_json import expiring_json, grant_json
from reconciler.kinds import Kind, RoleValue
from reconciler.live import LiveMember
from reconciler.plan import Change, Plan, SafetyViolation, TargetPlan
from reconciler.refs import MemberRef, Provenance, TargetKey

FORMAT_VERSION = "2"
READABLE_VERSIONS = ("1", "2")

JsonObject = dict[str, Any]


def plan_to_data(plan: Plan, origin: JsonObject | None = None) -> JsonObject:
    """The plan as plain JSON-ready data, keys in their documented order (the schema's);
    ``origin`` (a saved plan's: ``plan --out``) after ``full_swap``, before ``notices``
    and ``shard``."""
    s = plan.summary
    return {
        "format_version": FORMAT_VERSION,
        "summary": {"add": s.add, "change": s.change, "remove": s.remove},
        "drift": {
            "members": len(plan.drift),
            "elevated": sum(t.kind.is_elevated(m.role) for t in plan.targets for m in t.drift),
            **({} if plan.unmanaged_is_drift else {"counts_as_drift": False}),
        },
        "targets": [_target(t, frozenset(plan.unadoptable)) for t in plan.targets],
        "safety": {
            "safe": plan.safe,
            "violations": [_violation(v) for v in plan.violations],
        },
        "errors": list(plan.errors),
        **({"governance_errors": list(plan.governance_errors)} if plan.governance_errors else {}),
        "desired_digest": plan.desired_digest,
        **_expiring(plan),
        **_over_maximum(plan),
        **_full_swap(plan),
        **({"origin": origin} if origin is not None else {}),
        **({"notices": list(plan.notices)} if plan.notices else {}),
        **_shard(plan),
    }


def _shard(plan: Plan) -> JsonObject:
    """``shard`` (only in a plan made with --shard K/N): which one, whether members no
    file declares count as drift (settings.yaml ``drift:``), and the plan-wide removal
    limit with the targets that have their own, for ``merge-plans``."""
    if plan.shard is None:
        return {}
    limit = {}
    if plan.removal_limit is not None:
        limit = {
            "max_removals": plan.removal_limit.max_removals,
            "own_max_removals": [
                {"kind": k.kind, "scope": k.scope, "name": k.name}
                for k in sorted(plan.removal_limit.capped)
            ],
        }
    return {
        "shard": {
            "index": plan.shard.index,
            "count": plan.shard.count,
            "unmanaged_is_drift": plan.unmanaged_is_drift,
            **limit,
            **({"none_declared": True} if plan.none_declared else {}),
        }
    }


def _expiring(plan: Plan) -> JsonObject:
    """``expiring`` and its window (only when some membership ends within it), and
    ``expired_kept`` (only when an expired member stays, its target not pruning)."""
    out: JsonObject = {}
    if plan.expiring:
        out["expiring"] = [
            expiring_json(e, kinds.get(e.target.kind).role_json(e.role)) for e in plan.expiring
        ]
        out["expiry_warning_days"] = plan.expiry_warning_days
    if plan.expired_kept:
        out["expired_kept"] = [
            expiring_json(e, kinds.get(e.target.kind).role_json(e.role)) for e in plan.expired_kept
        ]
    return out


def _over_maximum(plan: Plan) -> JsonObject:
    """``over_maximum`` (only when a target's adds would take it over its maximum, members
    no file declares filling it: AWS refuses those adds on every apply, Q-S-1). Derived
    from the targets' own numbers: a saved plan read back computes it again."""
    found = crowded(plan)
    return {"over_maximum": [_crowded(c) for c in found]} if found else {}


def _crowded(c: Crowded) -> JsonObject:
    return {
        "kind": c.target.kind,
        "scope": c.target.scope,
        "name": c.target.name,
        "id": c.target_id,
        "maximum": c.maximum,
        "own_maximum": c.own_maximum,
        "after": c.after,
        "undeclared": c.undeclared,
        "adds": c.adds,
        "refused": c.refused,
        "message": c.message(),
    }


def _full_swap(plan: Plan) -> JsonObject:
    """``full_swap`` (only when a target's adds find no place before apply would remove
    the last elevated members that stay: AWS refuses some of them, Q-AT-2; ``applies``:
    how many applies complete the plan, None when none does, Q-AX-1).
    Derived from the targets' own numbers, as ``over_maximum``."""
    found = full_swaps(plan)
    return {"full_swap": [_swap(s) for s in found]} if found else {}


def _swap(s: FullSwap) -> JsonObject:
    return {
        "kind": s.target.kind,
        "scope": s.target.scope,
        "name": s.target.name,
        "id": s.target_id,
        "maximum": s.maximum,
        "own_maximum": s.own_maximum,
        "live_count": s.live_count,
        "adds": [str(m) for m in s.adds],
        "refused": s.refused,
        "refused_adds": [str(m) for m in s.refused_adds],
        "kept": [str(m) for m in s.kept],
        "keeps": s.keeps,
        "applies": s.applies,
        "minimum": s.minimum,
        "message": s.message(),
    }


def _target(t: TargetPlan, unadoptable: frozenset[tuple[TargetKey, MemberRef]]) -> JsonObject:
    """One target; ``unadoptable``: the plan's drift members ``import --adopt`` refuses
    (``Plan.unadoptable``), marked on their ``unmanaged`` items so that a saved plan's
    drift hint (``show``, ``merge-plans``) is the live one (QA-LD Q-LD-5)."""
    kind = t.kind
    guarded = set(t.unmanaged_protected)
    own = {} if t.max_members is None else {"max_members": t.max_members}
    return {
        "kind": t.key.kind,
        "scope": t.key.scope,
        "name": t.key.name,
        "id": t.target_id,
        "fingerprint": t.fingerprint,
        "live_count": t.live_count,
        "live_elevated": t.live_elevated,
        **own,
        "changes": [_change(kind, c) for c in t.changes],
        "unmanaged": [
            _live_member(kind, m)
            | ({"protected": True} if m.ref in guarded else {})
            | ({"unadoptable": True} if (t.key, m.ref) in unadoptable else {})
            for m in t.unmanaged
        ],
        "protected": [_live_member(kind, m) for m in t.protected],
        # protected members declared lower, kept elevated: a protection's end demotes them,
        # which apply of the saved plan warns of as plan does (only when there are some)
        **({"held": [_live_member(kind, m) for m in t.held]} if t.held else {}),
    }


def _member(ref: MemberRef) -> JsonObject:
    return {"member": str(ref), "member_key": ref.key}


def _role(kind: Kind, role: RoleValue | None) -> Any:
    return None if role is None else kind.role_json(role)


def _change(kind: Kind, c: Change) -> JsonObject:
    return {
        "action": c.action.value,
        **_member(c.member),
        "member_type": c.member_kind.value,
        "member_id": c.member_id,
        "role_before": _role(kind, c.role_before),
        "role_after": _role(kind, c.role_after),
        "provenance": [_provenance(kind, p) for p in c.provenance],
    }


def _live_member(kind: Kind, m: LiveMember) -> JsonObject:
    return {
        **_member(m.ref),
        "member_type": m.kind.value,
        "member_id": m.member_id,
        "role": kind.role_json(m.role),
    }


def _provenance(kind: Kind, p: Provenance) -> JsonObject:
    return {
        "role": kind.role_json(p.role),
        "declared_at": str(p.declared_at),
        "via": list(p.via),
        "location": str(p.location) if p.location else None,
        **grant_json(p),  # until, reason, ticket, expired: only when the path has them
    }


def _violation(v: SafetyViolation) -> JsonObject:
    return {
        "rule": v.rule,
        "kind": v.target.kind if v.target else None,
        "scope": v.target.scope if v.target else None,
        "name": v.target.name if v.target else None,
        "message": v.message,
        "setting": v.setting,
    }
