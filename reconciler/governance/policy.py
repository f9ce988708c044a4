"""Policy checks `validate` runs on the resolved desired state, and every plan that
``Session.plan`` makes (``cli/policy_errors.py``) (pure; ``now`` is given):

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from reconciler import kinds
from reconciler.desired.messages import closest, located
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.desired.yamlpos import Positions
from reconciler.errors import Problem
from reconciler.governance.grant import Ending, days_left, latest_allowed
from reconciler.prose import counted, listed_first
from reconciler.quoted import named
from reconciler.refs import Location, MemberRef, Provenance

EVERY_ROLE = "*"  # the key of a limit for every role


@dataclass(frozen=True)
class Limits:
    """Longest grants, in days: per list key, or for every role (``EVERY_ROLE``)."""

    days: Mapping[str, int] = field(default_factory=dict)
    source: str = "settings.yaml max_grant_days"

    def for_keys(self, keys: Iterable[str]) -> tuple[str, int] | None:
        """The limit of the first of ``keys`` that has one, else the limit for every role
        (``EVERY_ROLE``): ``(key, days)``, or None."""
        for key in (*keys, EVERY_ROLE):
            if key in self.days:
                return key, self.days[key]
        return None

    def __bool__(self) -> bool:
        return bool(self.days)


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
                found = limits.for_keys(kind.limit_keys(p.role)) if limits else None
                if found is not None:
                    why = _too_long(p, now, found[1])
                    if why:
                        said = _limit(*found, limits.source)
                        too_long.setdefault((p.declared_at, said), []).append(f"{m.ref} {why}")
                if require_reason and kind.is_elevated(p.role) and not _has_reason(p):
                    elevated = kind.words.elevated[0].capitalize() or kind.role_text(
                        p.role
                    )  # "Administrator"
                    no_reason.setdefault((p.declared_at, elevated), []).append(m.ref)
        # a member on one line twice (directly and through a group) is one problem
        for (at, limit), whats in too_long.items():
            problems.append(Problem(at, f"{label}: {_listed(list(dict.fromkeys(whats)))}: {limit}"))
        for (at, role), refs in no_reason.items():
            members = _listed([str(r) for r in sorted(set(refs))])
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


def _limit(key: str, days: int, source: str) -> str:
    which = "grants" if key == EVERY_ROLE else f"grants in {key}"
    return f"{which} may last at most {counted(days, 'day')} ({source})"


def _has_reason(p: Provenance) -> bool:
    return p.grant is not None and bool(p.grant.reason or p.grant.ticket)


def _listed(items: list[str], most: int = 3) -> str:
    """The first ``most`` of ``items``, the rest counted, in the one wording of a list cut
    short (``prose.listed_first``: QA-LF Q-LF-10)."""
    return listed_first(items, most)


def list_keys() -> list[str]:
    """Every ``max_grant_days`` key of the registered kinds (their list keys, and
    ``presenters``), and ``*`` (every role)."""
    keys = {key for kind in kinds.all_kinds() for key in kind.grant_keys()}
    return [*sorted(keys), EVERY_ROLE]


def unknown_keys(keys: Iterable[str]) -> list[str]:
    known = set(list_keys())
    return sorted(k for k in keys if k not in known)


def grant_key_problems(
    days: int | Mapping[str, int] | None, file: str, positions: Positions
) -> list[Problem]:
    """settings.yaml ``max_grant_days``'s keys that no kind has, each at its line:
    ``max_grant_days.admins: unknown list key 'admins' (did you mean 'administrators'?)``."""
    if not isinstance(days, Mapping):
        return []
    known = list_keys()
    problems = []
    for key in unknown_keys(days):
        suggestion = closest(key, known)
        hint = f"did you mean {suggestion!r}?" if suggestion else f"one of: {', '.join(known)}"
        path = ("max_grant_days", key)
        message = f"unknown list key {named(key)} ({hint})"
        problems.append(located(file, positions.line_of(path), path, message))
    return problems


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


def protection_notes(desired: DesiredState, now: dt.datetime, days: int) -> list[str]:
    """The ``protected:`` group entries ending within ``days`` days of ``now``, for a
    member whose protection they are (``DesiredState.protected_until``: their end removes
    or demotes the member where the plan kept it for it, and the plan warns of it, target
    by target), and every such entry ended by then (``DesiredState.protection_ends``:
    the entry can go, though another protects the member longer: QA-EE Q-EE-5); such an
    entry is in no target's paths (``expired_notes``). Ending soon first, then ended;
    each once, in the members' order."""
    soon = []
    for ref, end in sorted(desired.protected_until, key=lambda item: item[0]):
        left = days_left(end.until, now)
        if not end.until.expired(now) and left <= days:
            when = "ends today" if left <= 0 else f"{counted(left, 'day')} left"  # Q-GV-16
            soon.append(
                f"{_protected(ref, end)}: protected until {end.until} ({when}), "
                f"declared at {_at(end)}"
            )
    ended = [
        f"{_protected(ref, end)}: protection expired {end.until}, declared at {_at(end)}: "
        "the entry can be removed"
        for ref, end in desired.protection_ends
        if end.until.expired(now)
    ]
    return soon + ended


def _protected(ref: MemberRef, end: Ending) -> str:
    """``dave@example.com (protected: via @oncall)``: the member and its protection's way."""
    chain = " > ".join(f"@{g}" for g in end.via)
    return f"{ref} (protected: via {chain})" if chain else f"{ref} (protected:)"


def _at(end: Ending) -> Location:
    """Where a protection's ``until`` is written."""
    return end.until.location or end.entry or Location("settings.yaml", 0)
