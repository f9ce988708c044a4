"""The plan's JSON document (``reconciler.plandoc``, format version 2, or a version-1 one:
``rooms[]`` with ``account``) read back into a ``Plan``: the inverse of ``plan_to_data``.
Every value is checked for its type; the first that is wrong raises ``CorruptPlan`` with
its JSON path (``targets[0].changes[3].role_after: ...``). Checking ``format_version``,
and the file around the document, are ``reconciler.planfile``'s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from reconciler import kinds
from reconciler.declared_once import repeated
from reconciler.governance.expiry import Expiring
from reconciler.governance.grant import DEFAULT_WARNING_DAYS, parse_moment
from reconciler.governance.plan_json import expiring_from, grant_from
from reconciler.kinds import Kind, RoleValue
from reconciler.live import LiveMember
from reconciler.plan import Action, Change, Plan, RemovalLimit, SafetyViolation, TargetPlan
from reconciler.plandoc import FORMAT_VERSION
from reconciler.refs import (
    BOT_PREFIX,
    WEBHOOK_PREFIX,
    Location,
    MemberKind,
    MemberRef,
    Provenance,
    TargetKey,
    email_key,
)
from reconciler.shard import Shard
from reconciler.typed_number import whole_text

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class CorruptPlan(Exception):
    """A value of the document that is missing or wrong; ``where`` is its JSON path."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)


class OlderPlan(Exception):
    """A document an older chime-reconciler wrote under a rule this one no longer reads
    the same way (its format_version unchanged): refused, to be made again, not applied
    under another meaning. ``where`` is its JSON path."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class _Layout:
    """The key names that differ between format versions."""

    targets: str
    scope: str
    elevated: str
    violation_name: str


LAYOUTS = {
    "1": _Layout("rooms", "account", "live_administrators", "room"),
    FORMAT_VERSION: _Layout("targets", "scope", "live_elevated", "name"),
}


def plan_from_document(data: dict[str, Any], version: str) -> Plan:
    """The ``Plan`` that ``data``, a document of format ``version`` (one of
    ``READABLE_VERSIONS``), holds. Raises ``CorruptPlan``."""
    return _plan(data, LAYOUTS[version])


ORIGIN_KEYS = ("desired", "endpoint_url", "region", "now", "made_at")
ORIGIN_MOMENTS = ("now", "made_at")
# a merged plan's: the keys its shards' files differ on, so it records none of them
ORIGIN_DIFFERS = "differs"
MAY_DIFFER = ("desired", "endpoint_url", "region")


def origin_from(data: dict[str, Any]) -> dict[str, str]:
    """The document's ``origin`` (``plan --out``'s: what ``apply FILE`` uses), its
    non-empty strings; none: ``{}``; ``differs`` (a list in the file) as its keys joined
    by spaces (``origin_differs`` splits them). A value that is not a string or null, or
    a moment that is no date, raises ``CorruptPlan`` (never read as no origin at all)."""
    origin = data.get("origin")
    if origin is None:
        return {}
    origin = _as(dict, origin, "origin")
    read = {}
    differs = _differs(origin.get(ORIGIN_DIFFERS))
    if differs:
        read[ORIGIN_DIFFERS] = " ".join(differs)
    for key in ORIGIN_KEYS:
        value = origin.get(key)
        if value is None or _as(str, value, f"origin.{key}") == "":
            continue
        if key in ORIGIN_MOMENTS:
            try:
                parse_moment(value)
            except ValueError as exc:
                raise CorruptPlan(f"origin.{key}", str(exc)) from None
        read[key] = value
    return read


def origin_differs(origin: dict[str, str]) -> list[str]:
    """The keys of a merged plan's origin that its shards' files differ on."""
    return origin.get(ORIGIN_DIFFERS, "").split()


def _differs(value: Any) -> list[str]:
    if value is None:
        return []
    keys = _as(list, value, f"origin.{ORIGIN_DIFFERS}")
    for i, key in enumerate(keys):
        if key not in MAY_DIFFER:
            where = f"origin.{ORIGIN_DIFFERS}[{i}]"
            raise CorruptPlan(
                where, f"expected one of {', '.join(MAY_DIFFER)}, got {json.dumps(key)[:40]}"
            )
    return list(keys)


def _plan(d: dict[str, Any], layout: _Layout) -> Plan:
    listed = _list(d, layout.targets, "")
    safety = _obj(d, "safety", "")
    minimums = _swap_minimums(d)
    targets = tuple(
        _with_minimum(_target(t, layout, f"{layout.targets}[{i}]"), minimums)
        for i, t in enumerate(listed)
    )
    _once_each(targets, layout.targets)
    return Plan(
        targets=targets,
        violations=tuple(
            _violation(v, layout, f"safety.violations[{i}]")
            for i, v in enumerate(_list(safety, "violations", "safety"))
        ),
        errors=tuple(_as(str, e, f"errors[{i}]") for i, e in enumerate(_list(d, "errors", ""))),
        governance_errors=tuple(
            _as(str, e, f"governance_errors[{i}]")
            for i, e in enumerate(
                _list(d, "governance_errors", "") if "governance_errors" in d else []
            )
        ),
        desired_digest=_field(d, "desired_digest", "", str),
        expiring=_expiring(d),
        expired_kept=_expiring(d, "expired_kept"),
        unadoptable=_unadoptable(listed, targets, layout.targets),
        expiry_warning_days=_optional_int(d, "expiry_warning_days", "") or DEFAULT_WARNING_DAYS,
        notices=tuple(
            _as(str, n, f"notices[{i}]")
            for i, n in enumerate(_list(d, "notices", "") if "notices" in d else [])
        ),
        **{"unmanaged_is_drift": _counts_as_drift(d), **_shard(d)},
    )


def _unadoptable(
    listed: list[Any], targets: tuple[TargetPlan, ...], name: str
) -> tuple[tuple[TargetKey, MemberRef], ...]:
    """The drift members ``import --adopt`` refuses (``Plan.unadoptable``): those marked
    ``"unadoptable": true`` in a target's ``unmanaged`` (optional, added within version
    2: a plan saved before says none, and its drift hint offers adopt for them)."""
    found = []
    for i, (raw, t) in enumerate(zip(listed, targets, strict=True)):
        for j, (item, m) in enumerate(zip(raw["unmanaged"], t.unmanaged, strict=True)):
            if _as(bool, item.get("unadoptable", False), f"{name}[{i}].unmanaged[{j}].unadoptable"):
                found.append((t.key, m.ref))
    return tuple(found)


def _once_each(targets: tuple[TargetPlan, ...], name: str) -> None:
    """Refuse a target listed twice (by its key, or two names of one id): ``show`` would
    list it twice, ``apply`` would plan it once (QA-CZ Q-CZ-5); ``merge-plans`` refuses
    the shards' plans by the same check (``declared_once.repeated``)."""
    found = repeated((t.key, t.target_id) for t in targets)
    if found is None:
        return
    first, again = targets[found[0]], targets[found[1]]
    noun = again.kind.words.noun
    if first.key == again.key:
        what = f"{noun} {again.key.name!r} is {name}[{found[0]}] again"
    else:
        id_word = again.kind.words.id_word[0]
        what = (
            f"{noun} {again.key.name!r} is {name}[{found[0]}], {noun} {first.key.name!r}, "
            f"again (one {again.kind.words.entry_noun}, {id_word} {again.target_id})"
        )
    raise CorruptPlan(f"{name}[{found[1]}]", f"{what}: a plan lists each target once")


def _counts_as_drift(d: dict[str, Any]) -> bool:
    """Whether members no file declares count as drift: ``drift.counts_as_drift`` (written
    only as false, with settings.yaml ``drift: changes-only``), true when absent (``shard``
    says it too, in a plan made with --shard)."""
    if "drift" not in d:
        return True
    drift = _obj(d, "drift", "")
    if "counts_as_drift" not in drift:
        return True
    return bool(_field(drift, "counts_as_drift", "drift", bool))


def _swap_minimums(d: dict[str, Any]) -> dict[tuple[str, str, str], int]:
    """The minimum each ``full_swap`` item was worked out with, by target: a plan file
    keeps no settings, and a room's warning needs its ``min_administrators`` to be worked
    out again (``show``, ``merge-plans``; QA-BC Q-BC-1). Items without one: none."""
    found: dict[tuple[str, str, str], int] = {}
    for i, item in enumerate(_list(d, "full_swap", "") if "full_swap" in d else []):
        where = f"full_swap[{i}]"
        item = _as(dict, item, where)
        minimum = _optional_int(item, "minimum", where)
        if minimum is not None and minimum < 0:  # the schema's, as min_administrators'
            raise CorruptPlan(f"{where}.minimum", f"expected 0 or more, got {minimum}")
        if minimum is not None:
            key = tuple(_field(item, k, where, str) for k in ("kind", "scope", "name"))
            found[(key[0], key[1], key[2])] = minimum
    return found


def _with_minimum(tp: TargetPlan, minimums: dict[tuple[str, str, str], int]) -> TargetPlan:
    minimum = minimums.get((tp.key.kind, tp.key.scope, tp.key.name))
    if minimum is None or tp.kind.minimum_setting is None:
        return tp
    return replace(tp, minimum=minimum)


def _shard(d: dict[str, Any]) -> dict[str, Any]:
    """``shard``, ``unmanaged_is_drift`` and ``removal_limit`` (absent in files made before
    it was kept: None) of a plan made with --shard K/N."""
    if "shard" not in d:
        return {}
    s = _obj(d, "shard", "")
    index, count = _field(s, "index", "shard", int), _field(s, "count", "shard", int)
    try:
        shard = Shard(index, count)
    except ValueError as exc:
        raise CorruptPlan("shard", str(exc)) from None
    return {
        "shard": shard,
        "unmanaged_is_drift": _field(s, "unmanaged_is_drift", "shard", bool),
        "removal_limit": _removal_limit(s),
        "none_declared": _field(s, "none_declared", "shard", bool)
        if "none_declared" in s
        else False,
    }


def _removal_limit(s: dict[str, Any]) -> RemovalLimit | None:
    if "max_removals" not in s:
        return None
    capped = []
    for i, k in enumerate(_list(s, "own_max_removals", "shard")):
        where = f"shard.own_max_removals[{i}]"
        k = _as(dict, k, where)
        kind = _kind(_field(k, "kind", where, str), f"{where}.kind")
        capped.append(
            TargetKey(kind.id, _field(k, "scope", where, str), _field(k, "name", where, str))
        )
    return RemovalLimit(_field(s, "max_removals", "shard", int), frozenset(capped))


def _target(d: Any, layout: _Layout, where: str) -> TargetPlan:
    d = _as(dict, d, where)
    key = TargetKey(
        _kind(_field(d, "kind", where, str), f"{where}.kind").id,
        _field(d, layout.scope, where, str),
        _field(d, "name", where, str),
    )
    kind = kinds.get(key.kind)
    unmanaged = _live_members(d, kind, "unmanaged", where)
    # "protected": true (optional) on an unmanaged member that pruning would keep
    flag = (f"{where}.unmanaged[{i}].protected" for i in range(len(unmanaged)))
    raw = zip(unmanaged, d["unmanaged"], flag, strict=True)
    guarded = {m.ref for m, j, at in raw if _as(bool, j.get("protected", False), at)}
    return TargetPlan(
        key=key,
        target_id=_field(d, "id", where, str),
        fingerprint=_field(d, "fingerprint", where, str),
        changes=tuple(
            _change(c, kind, key, f"{where}.changes[{i}]")
            for i, c in enumerate(_list(d, "changes", where))
        ),
        unmanaged=unmanaged,
        unmanaged_protected=tuple(sorted(guarded)),
        protected=_live_members(d, kind, "protected", where),
        held=_live_members(d, kind, "held", where) if "held" in d else (),
        live_count=_field(d, "live_count", where, int),
        live_elevated=_optional_int(d, layout.elevated, where),
        max_members=_optional_int(d, "max_members", where),
    )


def _change(d: Any, k: Kind, target: TargetKey, where: str) -> Change:
    d = _as(dict, d, where)
    kind = _enum(MemberKind, _field(d, "member_type", where, str), f"{where}.member_type")
    return Change(
        action=_enum(Action, _field(d, "action", where, str), f"{where}.action"),
        target=target,
        member=_ref(d, kind, where),
        member_id=_field(d, "member_id", where, str),
        member_kind=kind,
        role_before=_role_or_none(d, k, "role_before", where),
        role_after=_role_or_none(d, k, "role_after", where),
        provenance=tuple(
            _provenance(p, k, f"{where}.provenance[{i}]")
            for i, p in enumerate(_list(d, "provenance", where))
        ),
    )


def _live_members(d: dict[str, Any], k: Kind, key: str, where: str) -> tuple[LiveMember, ...]:
    out = []
    for i, m in enumerate(_list(d, key, where)):
        at = f"{where}.{key}[{i}]"
        m = _as(dict, m, at)
        kind = _enum(MemberKind, _field(m, "member_type", at, str), f"{at}.member_type")
        out.append(
            LiveMember(
                ref=_ref(m, kind, at),
                member_id=_field(m, "member_id", at, str),
                kind=kind,
                role=_role(k, _field(m, "role", at, object), f"{at}.role"),
            )
        )
    return tuple(out)


def _ref(d: dict[str, Any], kind: MemberKind, where: str) -> MemberRef:
    """``member`` is ``str(ref)``: the display, with ``bot:``/``webhook:`` for those kinds.
    It is what ``show`` prints and ``member_key`` what is applied, so they must name the
    same member (``_names``): an edited display would show one member and apply another."""
    shown = _field(d, "member", where, str)
    prefix = {MemberKind.BOT: BOT_PREFIX, MemberKind.WEBHOOK: WEBHOOK_PREFIX}.get(kind, "")
    if not shown.startswith(prefix):
        raise CorruptPlan(f"{where}.member", f"a {kind.value} should start with {prefix!r}")
    key = _field(d, "member_key", where, str)
    display = shown[len(prefix) :]
    if not _names(kind, display, key):
        if _casefolded(kind, display, key):
            raise OlderPlan(
                f"{where}.member_key",
                f"{key!r} is {shown!r} casefolded, the key of versions that took "
                "e-mail addresses differing only by casefold (straße@ and strasse@) for one "
                "member; they are two now",
            )
        raise CorruptPlan(
            f"{where}.member", f"{shown!r} is not the member its member_key {key!r} names"
        )
    return MemberRef(kind, key, display)


def _names(kind: MemberKind, display: str, key: str) -> bool:
    """Whether ``display`` is how ``MemberRef`` writes the member ``key``: the key as
    written, or (a user's e-mail address) its ``email_key``."""
    return display == key or (kind is MemberKind.USER and email_key(display) == key)


def _casefolded(kind: MemberKind, display: str, key: str) -> bool:
    """Whether ``key`` is a user's key as versions before ``email_key`` wrote it
    (``str.casefold``, under the same format_version): a plan made by one of them."""
    return kind is MemberKind.USER and display.strip().casefold() == key


def _provenance(d: Any, k: Kind, where: str) -> Provenance:
    d = _as(dict, d, where)
    location = d.get("location")
    try:
        grant, expired = grant_from(d)  # optional keys: until, reason, ticket, expired
    except ValueError as exc:
        raise CorruptPlan(where, str(exc)) from None
    return Provenance(
        role=_role(k, _field(d, "role", where, object), f"{where}.role"),
        declared_at=_location(_field(d, "declared_at", where, str), f"{where}.declared_at"),
        via=tuple(_as(str, g, f"{where}.via[{i}]") for i, g in enumerate(_list(d, "via", where))),
        location=None if location is None else _location(location, f"{where}.location"),
        grant=grant,
        expired=expired,
        protection=d.get("protection") is True,
    )


def _expiring(d: dict[str, Any], key: str = "expiring") -> tuple[Expiring, ...]:
    """``expiring`` or ``expired_kept`` (optional: absent when there are none)."""
    out = []
    for i, e in enumerate(_as(list, d.get(key) or [], key)):
        where = f"{key}[{i}]"
        e = _as(dict, e, where)
        kind = _kind(_field(e, "kind", where, str), f"{where}.kind")
        member_type = _field(e, "member_type", where, str)
        ref = _ref(e, _enum(MemberKind, member_type, f"{where}.member_type"), where)
        try:
            out.append(expiring_from(e, ref, _role(kind, e.get("role"), f"{where}.role")))
        except ValueError as exc:
            raise CorruptPlan(where, str(exc)) from None
    return tuple(out)


def _violation(d: Any, layout: _Layout, where: str) -> SafetyViolation:
    d = _as(dict, d, where)
    name = d.get(layout.violation_name)
    target = None
    if name is not None:
        target = TargetKey(
            _kind(_field(d, "kind", where, str), f"{where}.kind").id,
            _field(d, layout.scope, where, str),
            _as(str, name, f"{where}.{layout.violation_name}"),
        )
    return SafetyViolation(
        rule=_field(d, "rule", where, str),
        target=target,
        message=_field(d, "message", where, str),
    )


def _location(text: Any, where: str) -> Location:
    text = _as(str, text, where)
    file, sep, line = text.rpartition(":")
    number = whole_text(line, signed=True) if sep else None  # not ² nor ٨ (Q-GV-12)
    if number is None:
        raise CorruptPlan(where, f"expected FILE:LINE, got {text!r}")
    return Location(file, number)


def _role_or_none(d: dict[str, Any], k: Kind, key: str, where: str) -> RoleValue | None:
    if key not in d:
        raise CorruptPlan(where, f"missing {key!r}")
    value = d[key]
    return None if value is None else _role(k, value, f"{where}.{key}")


def _role(k: Kind, value: Any, where: str) -> RoleValue:
    try:
        return k.parse_role(value)
    except ValueError as exc:
        raise CorruptPlan(where, str(exc)) from None


def _kind(value: str, where: str) -> Kind:
    try:
        return kinds.get(value)
    except kinds.UnknownKindError as exc:
        raise CorruptPlan(where, str(exc)) from None


def _optional_int(d: dict[str, Any], key: str, where: str) -> int | None:
    """A key added within format version 1 (absent or null in older files), or null."""
    value = d.get(key)
    return None if value is None else _as(int, value, f"{where}.{key}")


def _field(d: dict[str, Any], key: str, where: str, typ: type[T]) -> T:
    if key not in d:
        raise CorruptPlan(where, f"missing {key!r}")
    return _as(typ, d[key], f"{where}.{key}" if where else key)


def _obj(d: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    return _field(d, key, where, dict)


def _list(d: dict[str, Any], key: str, where: str) -> list[Any]:
    return _field(d, key, where, list)


_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    int: "an integer",
    dict: "an object",
    list: "a list",
}


def _as(typ: type[T], value: Any, where: str) -> T:
    if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
        expected = _TYPE_NAMES.get(typ, typ.__name__)
        raise CorruptPlan(where, f"expected {expected}, got {json.dumps(value)[:40]}")
    return value


def _enum(cls: type[E], value: Any, where: str) -> E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise CorruptPlan(
            where, f"expected one of {allowed}, got {json.dumps(value)[:40]}"
        ) from None
