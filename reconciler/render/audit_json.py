"""``chime-reconciler audit --format json``: an Audit as one JSON document, its keys in
the kind's words (a room's: ``accounts``, ``rooms``, ``live_rooms``)."""

from __future__ import annotations

from typing import Any

from reconciler import kinds
from reconciler.audit import Audit, AuditRow
from reconciler.kinds import Kind, RoleValue
from reconciler.refs import Provenance

# a string, as the plan's format_version; "2": a section row's ``where`` is a list, its
# roles the plan's JSON (a meeting's capabilities object), every section key written and
# a room row's ``note``; added within "2": a room row's ``live``, ``declared`` and
# ``declared_at[].entry``, the names a section row gives the same facts, and ``where``;
# the old names of those facts (``live_role``, ``declared_role``, ``declared_at[].room_entry``
# and each kind's ``<noun>_entry``) go at "3", so a consumer reads one key per fact
# (QA-RR Q-RR-24: tests/unit/test_audit.py fails on a bump that keeps them)
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
        # the same facts under the names a channel's or meeting's row (and explain) gives
        # them (QA-GS Q-GS-3; added within "2", beside the room's own names above)
        "live": _role(kind, r.live_role),
        "declared": _role(kind, r.declared_role),
        "where": [str(p.where) for p in r.provenance],  # each path's FILE:LINE (Q-GX-5)
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
        "entry": str(p.declared_at),  # as a channel's row names it (QA-GS Q-GS-3)
    }


def _role(kind: Kind, role: RoleValue | None) -> Any:
    """A role as the plan's JSON writes it (``Kind.role_json``); None: no role."""
    return None if role is None else kind.role_json(role)
