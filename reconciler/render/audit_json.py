"""``chime-reconciler audit --format json``: an Audit as one JSON document, its keys in
the kind's words (a room's: ``accounts``, ``rooms``, ``live_rooms``)."""

from __future__ import annotations

from typing import Any

from reconciler import kinds
from reconciler.audit import Audit, AuditRow
from reconciler.kinds import Kind
from reconciler.refs import Provenance

# a string, as the plan's format_version; "2": a section row's ``where`` is a list, its
# roles the plan's JSON (a meeting's capabilities object), every section key written and
# a room row's ``note``
JSON_VERSION = "2"


def to_json(a: Audit) -> dict[str, Any]:
    """The ``--format json`` document (stable keys; ``format_version`` changes if they do):
    its keys are the kind's words (a room's: ``accounts``, ``rooms``, ``live_rooms``)."""
    words = a.words
    scope = _key(words.scope)
    return {
        "format_version": JSON_VERSION,
        "member": str(a.member),
        "kind": a.member.kind.value,
        f"{scope}s": [{scope: x.scope, "member_ids": list(x.member_ids)} for x in a.lookups],
        "desired_state": {"read": a.desired_read, "note": a.desired_note},
        _key(words.plural): [_row_json(r) for r in a.rows],
        "summary": {
            f"live_{_key(words.plural)}": a.live_count,
            f"declared_{_key(words.plural)}": a.declared_count,
        },
    }


def _key(words: str) -> str:
    return words.replace(" ", "_")


def _row_json(r: AuditRow) -> dict[str, Any]:
    kind = kinds.get(r.kind)
    noun = _key(kind.words.noun)
    return {
        _key(kind.words.scope): r.scope,
        noun: r.name,
        f"{noun}_id": r.target_id,
        "member_id": r.member_id,
        "live_role": r.role_text(r.live_role),
        "declared_role": r.role_text(r.declared_role),
        "status": r.status.value,
        "note": r.note,  # what a plan does there, as the text's NOTE column
        "prune": r.prune,
        "protected": r.protected,
        "declared_at": [_provenance_json(p, kind, noun) for p in r.provenance],
    }


def _provenance_json(p: Provenance, kind: Kind, noun: str) -> dict[str, Any]:
    where = p.where
    return {
        "role": kind.role_text(p.role),
        "file": where.file,
        "line": where.line,
        "via": list(p.via),  # group names without `@`, as the plan's JSON writes them
        f"{noun}_entry": str(p.declared_at),
    }
