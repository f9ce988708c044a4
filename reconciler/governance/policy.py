"""Policy checks `validate` runs on the resolved desired state (pure; ``now`` is given):

- ``max_grant_days`` (settings.yaml) or ``validate --max-duration``: a grant may last at
  most that many days from today, per list key (``administrators``, ``members``, ...) or
  for every role. A path without ``until`` lasts for ever, so it is refused too.
- ``require_reason`` (settings.yaml): every path to an elevated role (administrators,
  moderators, presenters: the kind's ``elevated``) carries a ``reason:`` or a
  ``ticket:`` somewhere on it (the target's entry, or the group entries it goes through).

Problems are located at the target's list entry that gives the role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from reconciler import kinds
from reconciler.desired.model import DesiredTarget
from reconciler.errors import Problem
from reconciler.governance.grant import latest_allowed
from reconciler.kinds import Kind
from reconciler.refs import Location, MemberRef, Provenance

EVERY_ROLE = "*"  # the key of a limit for every role


@dataclass(frozen=True)
class Limits:
    """Longest grants, in days: per list key, or for every role (``EVERY_ROLE``)."""

    days: Mapping[str, int] = field(default_factory=dict)
    source: str = "settings.yaml max_grant_days"

    def for_key(self, key: str) -> int | None:
        return self.days.get(key, self.days.get(EVERY_ROLE))

    def __bool__(self) -> bool:
        return bool(self.days)


def list_key(kind: Kind, role: Hashable) -> str:
    """The list key that gives ``role`` (``administrators``), else the role's text."""
    for rl in kind.role_lists:
        if rl.role == role:
            return rl.key
    return kind.role_text(role)


def check(
    targets: Iterable[DesiredTarget],
    now: dt.datetime,
    limits: Limits,
    require_reason: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    for t in targets:
        kind = kinds.get(t.key.kind)
        label = f"{kind.words.noun} {t.key.name}"
        too_long: dict[tuple[Location, str], list[str]] = {}
        no_reason: dict[tuple[Location, str], list[MemberRef]] = {}
        for m in t.members:
            for p in m.provenance:
                role = kind.role_text(p.role)
                key = list_key(kind, p.role)
                days = limits.for_key(key) if limits else None
                if days is not None:
                    why = _too_long(p, now, days)
                    if why:
                        too_long.setdefault((p.declared_at, _limit(key, days, limits)), [])
                        too_long[(p.declared_at, _limit(key, days, limits))].append(
                            f"{m.ref} {why}"
                        )
                if require_reason and kind.is_elevated(p.role) and not _has_reason(p):
                    no_reason.setdefault((p.declared_at, role), []).append(m.ref)
        for (at, limit), whats in too_long.items():
            problems.append(Problem(at, f"{label}: {_listed(whats)}: {limit}"))
        for (at, role), refs in no_reason.items():
            members = _listed([str(r) for r in sorted(refs)])
            problems.append(
                Problem(
                    at,
                    f"{label}: {role} {members} needs a reason: add `reason:` or `ticket:` "
                    "to this entry (settings.yaml require_reason)",
                )
            )
    return sorted(problems, key=lambda p: (p.location or Location("", 0), p.message))


def _too_long(p: Provenance, now: dt.datetime, days: int) -> str | None:
    until = p.grant.until if p.grant is not None else None
    if until is None:
        return "has no `until:`"
    if until.instant > latest_allowed(now, days):
        last = (latest_allowed(now, days) - dt.timedelta(days=1)).date().isoformat()
        return f"until {until} ends after {last}"
    return None


def _limit(key: str, days: int, limits: Limits) -> str:
    which = "grants" if key not in limits.days else f"grants in {key}"
    return f"{which} may last at most {days} days ({limits.source})"


def _has_reason(p: Provenance) -> bool:
    return p.grant is not None and bool(p.grant.reason or p.grant.ticket)


def _listed(items: list[str], most: int = 3) -> str:
    if len(items) <= most:
        return ", ".join(items)
    return f"{', '.join(items[:most])} and {len(items) - most} more"


def list_keys() -> list[str]:
    """Every list key of the registered kinds, and ``*`` (every role)."""
    keys = {rl.key for kind in kinds.all_kinds() for rl in kind.role_lists}
    return [*sorted(keys), EVERY_ROLE]


def unknown_keys(keys: Iterable[str]) -> list[str]:
    known = set(list_keys())
    return sorted(k for k in keys if k not in known)


def expired_notes(targets: Iterable[DesiredTarget]) -> list[str]:
    """One line per path that has ended but is still written in the files (as of the
    moment ``targets`` were evaluated at): the entry can go."""
    notes: dict[tuple[str, str, str], str] = {}
    for t in targets:
        kind = kinds.get(t.key.kind)
        for m in (*t.members, *t.expired):
            for p in m.expired:
                until = p.grant.until if p.grant is not None else None
                if until is None:
                    continue
                at = until.location or p.declared_at
                key = (str(t.key), str(m.ref), str(at))
                notes.setdefault(
                    key,
                    f"{m.ref} in {kind.words.noun} {t.key.name}: {kind.role_text(p.role)} "
                    f"expired {until}, declared at {at}: the entry can be removed",
                )
    return list(notes.values())
