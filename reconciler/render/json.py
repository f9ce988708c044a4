"""The JSON rendering of a Plan: versioned, documented, stable key order.

The document is described by the JSON Schema ``reconciler/render/plan.schema.json``
(``load_schema()``). It holds everything ``apply`` needs, so the saved-plan file
(``reconciler.planfile``) is this same document. Keys appear in a fixed order; new keys
may be added within a format version, never renamed or removed.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import reconciler.kinds as kinds
from reconciler.governance.plan_json import expiring_json, grant_json
from reconciler.kinds import Kind, RoleValue
from reconciler.live import LiveMember
from reconciler.plan import Change, Plan, SafetyViolation, TargetPlan
from reconciler.refs import MemberRef, Provenance

FORMAT_VERSION = "1"
SCHEMA_RESOURCE = "plan.schema.json"

JsonObject = dict[str, Any]


def plan_to_data(plan: Plan) -> JsonObject:
    """The plan as plain JSON-ready data, keys in their documented order."""
    s = plan.summary
    return {
        "format_version": FORMAT_VERSION,
        "summary": {"add": s.add, "change": s.change, "remove": s.remove},
        "rooms": [_target(t) for t in plan.targets],
        "safety": {
            "safe": plan.safe,
            "violations": [_violation(v) for v in plan.violations],
        },
        "errors": list(plan.errors),
        "desired_digest": plan.desired_digest,
        **_expiring(plan),
    }


def _expiring(plan: Plan) -> JsonObject:
    """``expiring`` and its window: only when some membership ends within it."""
    if not plan.expiring:
        return {}
    return {
        "expiring": [
            expiring_json(e, kinds.get(e.target.kind).role_json(e.role)) for e in plan.expiring
        ],
        "expiry_warning_days": plan.expiry_warning_days,
    }


def render_json(plan: Plan) -> str:
    """The JSON document, indented, ending with a newline."""
    return json.dumps(plan_to_data(plan), indent=2, ensure_ascii=False) + "\n"


def load_schema() -> JsonObject:
    """The JSON Schema (draft 2020-12) of the document ``render_json`` writes."""
    text = resources.files("reconciler.render").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: JsonObject = json.loads(text)
    return schema


def _target(t: TargetPlan) -> JsonObject:
    kind = t.kind
    return {
        "name": t.key.name,
        "account": t.key.scope,
        "id": t.target_id,
        "kind": t.key.kind,
        "fingerprint": t.fingerprint,
        "live_count": t.live_count,
        "changes": [_change(kind, c) for c in t.changes],
        "unmanaged": [_live_member(kind, m) for m in t.unmanaged],
        "protected": [_live_member(kind, m) for m in t.protected],
        "live_administrators": t.live_elevated,
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
        "room": v.target.name if v.target else None,
        "account": v.target.scope if v.target else None,
        "kind": v.target.kind if v.target else None,
        "message": v.message,
    }
