"""The saved-plan file: ``plan --out FILE`` writes it, ``show FILE`` and ``apply FILE`` read it.

The file is the plan's JSON document (``reconciler.plandoc``, format version 2, schema
``plan.schema.json``), which holds everything ``apply`` needs to execute exactly this
plan: per target its kind, scope, name, id and live fingerprint; per change the member's
id, type, display and key, and roles as the kind writes them; the desired-state digest.
``load_plan(save_plan(p, f)) == p``. Files of format version 1 (before kinds: ``rooms[]``
with ``account``) are still read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from reconciler import atomic_file, interrupt, jsondoc, kinds
from reconciler.atomic_file import write_atomically
from reconciler.errors import UsageError
from reconciler.governance.expiry import Expiring
from reconciler.governance.grant import DEFAULT_WARNING_DAYS
from reconciler.governance.plan_json import expiring_from, grant_from
from reconciler.kinds import Kind, RoleValue
from reconciler.live import LiveMember
from reconciler.plan import Action, Change, Plan, SafetyViolation, TargetPlan
from reconciler.plandoc import FORMAT_VERSION, READABLE_VERSIONS, plan_to_data
from reconciler.refs import (
    BOT_PREFIX,
    WEBHOOK_PREFIX,
    Location,
    MemberKind,
    MemberRef,
    Provenance,
    TargetKey,
)
from reconciler.render.json import indented
from reconciler.shard import Shard

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class PlanFileError(UsageError):
    """A saved plan that cannot be used: missing, unreadable, corrupt or another version."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"Cannot use the saved plan {self.path}: {self.reason}"


class PlanWriteError(UsageError):
    """``plan --out FILE`` could not write FILE."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"Cannot save the plan to {self.path}: {self.reason}"


class _Corrupt(Exception):
    """Raised while decoding; ``where`` is the JSON path of the bad value."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)


ORIGIN_KEYS = ("desired", "endpoint_url", "region", "now", "made_at")


def save_plan(plan: Plan, path: Path | str, origin: Mapping[str, str | None] | None = None) -> Path:
    """Write ``plan`` to ``path`` (atomically: a reader never sees half a file), with
    ``origin``: the desired-state directory, endpoint, region and --now it was made with,
    and when (``made_at``)."""
    path = Path(path)
    data = plan_to_data(plan)
    if origin is not None:
        data["origin"] = {k: origin.get(k) for k in ORIGIN_KEYS}
    text = indented(data) + "\n"
    interrupt.raise_if_pressed()  # a Ctrl-C swallowed on its way writes nothing
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise PlanWriteError(path, str(exc.strerror or exc)) from exc
    return path


def check_writable(path: Path | str) -> None:
    """``PlanWriteError`` now, before any work, when ``save_plan`` could not write ``path``
    (its folder is missing or not writable, it is a directory...)."""
    reason = atomic_file.problem(Path(path))
    if reason is not None:
        raise PlanWriteError(path, reason)


def read_origin(path: Path | str) -> dict[str, str]:
    """The ``origin`` a saved plan records (its non-empty strings), or nothing: a file
    that cannot be read is ``load_plan``'s to report."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    origin = data.get("origin") if isinstance(data, dict) else None
    if not isinstance(origin, dict):
        return {}
    return {k: v for k in ORIGIN_KEYS if isinstance(v := origin.get(k), str) and v}


def load_plan(path: Path | str) -> Plan:
    """Read a saved plan. Raises PlanFileError with a clear message when it can't."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PlanFileError(path, "no such file") from exc
    except IsADirectoryError as exc:
        raise PlanFileError(path, "it is a directory, not a file") from exc
    except UnicodeDecodeError as exc:
        raise PlanFileError(path, "not a plan file (not UTF-8 text)") from exc
    except OSError as exc:
        raise PlanFileError(path, f"cannot read it: {exc.strerror or exc}") from exc
    try:
        data = jsondoc.loads(text)
    except jsondoc.JsonDocumentError as exc:
        raise PlanFileError(path, f"not a plan file ({exc})") from None
    return plan_from_data(data, path)


def plan_from_data(data: Any, path: Path | str = "<data>") -> Plan:
    """Decode the JSON document ``reconciler.plandoc`` writes (or a version-1 one)."""
    if not isinstance(data, dict) or "format_version" not in data:
        raise PlanFileError(path, "not a chime-reconciler plan (no format_version)")
    version = data["format_version"]
    if version not in READABLE_VERSIONS:
        readable = " or ".join(repr(v) for v in READABLE_VERSIONS)
        raise PlanFileError(
            path,
            f"format_version {version!r} is not supported; this chime-reconciler reads "
            f"version {readable} (make the plan again with this version)",
        )
    try:
        return _plan(data, LAYOUTS[version])
    except _Corrupt as exc:
        raise PlanFileError(path, f"the file is corrupt: {exc}") from exc


# --- decoding ------------------------------------------------------------------------------


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


def _plan(d: dict[str, Any], layout: _Layout) -> Plan:
    targets = _list(d, layout.targets, "")
    safety = _obj(d, "safety", "")
    return Plan(
        targets=tuple(_target(t, layout, f"{layout.targets}[{i}]") for i, t in enumerate(targets)),
        violations=tuple(
            _violation(v, layout, f"safety.violations[{i}]")
            for i, v in enumerate(_list(safety, "violations", "safety"))
        ),
        errors=tuple(_as(str, e, f"errors[{i}]") for i, e in enumerate(_list(d, "errors", ""))),
        desired_digest=_field(d, "desired_digest", "", str),
        expiring=_expiring(d),
        expired_kept=_expiring(d, "expired_kept"),
        expiry_warning_days=_optional_int(d, "expiry_warning_days", "") or DEFAULT_WARNING_DAYS,
        notices=tuple(
            _as(str, n, f"notices[{i}]")
            for i, n in enumerate(_list(d, "notices", "") if "notices" in d else [])
        ),
        **_shard(d),
    )


def _shard(d: dict[str, Any]) -> dict[str, Any]:
    """``shard`` and ``unmanaged_is_drift`` of a plan made with --shard K/N."""
    if "shard" not in d:
        return {}
    s = _obj(d, "shard", "")
    index, count = _field(s, "index", "shard", int), _field(s, "count", "shard", int)
    try:
        shard = Shard(index, count)
    except ValueError as exc:
        raise _Corrupt("shard", str(exc)) from None
    return {"shard": shard, "unmanaged_is_drift": _field(s, "unmanaged_is_drift", "shard", bool)}


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
        live_count=_field(d, "live_count", where, int),
        live_elevated=_optional_int(d, layout.elevated, where),
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
    """``member`` is ``str(ref)``: the display, with ``bot:``/``webhook:`` for those kinds."""
    shown = _field(d, "member", where, str)
    prefix = {MemberKind.BOT: BOT_PREFIX, MemberKind.WEBHOOK: WEBHOOK_PREFIX}.get(kind, "")
    if not shown.startswith(prefix):
        raise _Corrupt(f"{where}.member", f"a {kind.value} should start with {prefix!r}")
    return MemberRef(kind, _field(d, "member_key", where, str), shown[len(prefix) :])


def _provenance(d: Any, k: Kind, where: str) -> Provenance:
    d = _as(dict, d, where)
    location = d.get("location")
    try:
        grant, expired = grant_from(d)  # optional keys: until, reason, ticket, expired
    except ValueError as exc:
        raise _Corrupt(where, str(exc)) from None
    return Provenance(
        role=_role(k, _field(d, "role", where, object), f"{where}.role"),
        declared_at=_location(_field(d, "declared_at", where, str), f"{where}.declared_at"),
        via=tuple(_as(str, g, f"{where}.via[{i}]") for i, g in enumerate(_list(d, "via", where))),
        location=None if location is None else _location(location, f"{where}.location"),
        grant=grant,
        expired=expired,
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
            raise _Corrupt(where, str(exc)) from None
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
    if not sep or not line.lstrip("-").isdigit():
        raise _Corrupt(where, f"expected FILE:LINE, got {text!r}")
    return Location(file, int(line))


def _role_or_none(d: dict[str, Any], k: Kind, key: str, where: str) -> RoleValue | None:
    if key not in d:
        raise _Corrupt(where, f"missing {key!r}")
    value = d[key]
    return None if value is None else _role(k, value, f"{where}.{key}")


def _role(k: Kind, value: Any, where: str) -> RoleValue:
    try:
        return k.parse_role(value)
    except ValueError as exc:
        raise _Corrupt(where, str(exc)) from None


def _kind(value: str, where: str) -> Kind:
    try:
        return kinds.get(value)
    except kinds.UnknownKindError as exc:
        raise _Corrupt(where, str(exc)) from None


def _optional_int(d: dict[str, Any], key: str, where: str) -> int | None:
    """A key added within format version 1 (absent or null in older files), or null."""
    value = d.get(key)
    return None if value is None else _as(int, value, f"{where}.{key}")


def _field(d: dict[str, Any], key: str, where: str, typ: type[T]) -> T:
    if key not in d:
        raise _Corrupt(where, f"missing {key!r}")
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
        raise _Corrupt(where, f"expected {expected}, got {json.dumps(value)[:40]}")
    return value


def _enum(cls: type[E], value: Any, where: str) -> E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise _Corrupt(where, f"expected one of {allowed}, got {json.dumps(value)[:40]}") from None
