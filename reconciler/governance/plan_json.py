"""The governance keys of the JSON plan (and so of a saved plan file), written and read
back. Both are optional within format version 1: a path's grant keys appear only when it
has an until, a reason, a ticket or expired; the plan's ``expiring`` only when some
membership ends within the warning window. Reading raises ValueError (the plan-file
reader names where)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

from reconciler.governance.expiry import Expiring
from reconciler.governance.grant import Grant, Until
from reconciler.refs import Location, MemberRef, Provenance, TargetKey
from reconciler.typed_number import whole_text

GRANT_KEYS = ("until", "ends_at", "until_at", "reason", "ticket", "expired", "protection")


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def grant_json(p: Provenance) -> dict[str, Any]:
    """The grant keys of one path ({} when it has no until, reason or ticket);
    ``"protection": true`` on a ``protected:`` path through a group entry that ended."""
    g = p.grant
    if g is None or (g.empty and not p.expired):
        return {}
    until = g.until
    return {
        "until": until.text if until else None,
        "ends_at": instant(until.instant) if until else None,
        "until_at": str(until.location) if until and until.location else None,
        "reason": g.reason,
        "ticket": g.ticket,
        "expired": p.expired,
    } | ({"protection": True} if p.protection else {})


def grant_from(d: dict[str, Any]) -> tuple[Grant | None, bool]:
    """The grant and the expired flag of a path read back ((None, False) without)."""
    if not any(k in d for k in GRANT_KEYS):
        return None, False
    until = None
    if d.get("until") is not None:
        until = Until(_moment(d.get("ends_at")), _text(d, "until"), _at(d.get("until_at")))
    grant = Grant(until, _optional(d, "reason"), _optional(d, "ticket"))
    expired = d.get("expired", False)
    if not isinstance(expired, bool):
        raise ValueError("expired: expected true or false")
    return grant, expired


def expiring_json(e: Expiring, role: Any) -> dict[str, Any]:
    """One ``expiring`` (or ``expired_kept``) item; ``"protection": true`` when it is a
    ``protected:`` group entry whose end removes or demotes the member (``role``: its
    live one)."""
    return (
        {
            "kind": e.target.kind,
            "target": e.target.name,
            "scope": e.target.scope,
            "member": str(e.member),
            "member_key": e.member.key,
            "member_type": e.member.kind.value,
            "role": role,
            "until": e.until.text,
            "ends_at": instant(e.until.instant),
            "days_left": e.days_left,
            "declared_at": str(e.declared_at),
            "until_at": str(e.set_at),
        }
        | ({"member_id": e.member_id} if e.member_id else {})  # expired_kept's
        | ({"protection": True} if e.protection else {})
        | (
            {"refusal": e.refusal} if e.refusal else {}  # its end makes the plan refused
        )
    )


def expiring_from(d: dict[str, Any], member: MemberRef, role: Hashable) -> Expiring:
    at, until_at = _at(d.get("declared_at")), _at(d.get("until_at"))
    if at is None:
        raise ValueError("declared_at: expected FILE:LINE")
    until = Until(_moment(d.get("ends_at")), _text(d, "until"), until_at)
    days = d.get("days_left")
    if not isinstance(days, int) or isinstance(days, bool):
        raise ValueError("days_left: expected a whole number")
    key = TargetKey(_text(d, "kind"), _text(d, "scope"), _text(d, "target"))
    protection = d.get("protection", False)
    if not isinstance(protection, bool):
        raise ValueError("protection: expected true or false")
    refusal = d.get("refusal", "")
    if not isinstance(refusal, str):
        raise ValueError("refusal: expected a string")
    member_id = d.get("member_id", "")
    if not isinstance(member_id, str):
        raise ValueError("member_id: expected a string")
    return Expiring(until, key, member, at, days, role, protection, refusal, member_id)


def _moment(value: Any) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"ends_at: expected a date and time, got {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"ends_at: {value!r} has no time zone")
    return moment.astimezone(dt.UTC)


def _at(value: Any) -> Location | None:
    if value is None:
        return None
    file, sep, line = str(value).rpartition(":")
    number = whole_text(line) if sep else None  # not ² nor ٨ (QA-GV Q-GV-12)
    if number is None:
        raise ValueError(f"expected FILE:LINE, got {value!r}")
    return Location(file, number)


def _text(d: dict[str, Any], key: str) -> str:
    value = d.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key}: expected a string")
    return value


def _optional(d: dict[str, Any], key: str) -> str | None:
    return None if d.get(key) is None else _text(d, key)
