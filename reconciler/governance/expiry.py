"""The desired state as of a moment: expired paths are no longer declared.

``as_of(desired, now)`` removes every path (a list entry, directly or through groups)
whose ``until`` has passed. A member left with no path is no longer declared in that
target (kept in ``DesiredTarget.expired``, so the plan can say why it removes it); a
member left with fewer paths gets the role of those (a demotion the plan explains).
``expiring(desired, now, days)`` lists the paths that end within ``days`` days.

Pure: ``now`` is given (the CLI passes ``--now`` or the clock).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field, replace

import reconciler.kinds as kinds
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.governance.grant import (
    DEFAULT_WARNING_DAYS,  # noqa: F401 (re-exported)
    FOREVER,
    Ending,
    Until,
    days_left,
)
from reconciler.kinds.base import RoleConflict
from reconciler.plan import Action, Change, TargetPlan
from reconciler.prose import counted
from reconciler.refs import Location, MemberRef, Provenance, TargetKey

FOREVER_UNTIL = Until(FOREVER, "")


def until_of(p: Provenance) -> Until | None:
    return p.grant.until if p.grant is not None else None


def until_elsewhere(until: Until | None, *own: Location | None) -> Location | None:
    """Where ``until`` is written when that is none of ``own`` (the path's own lines: the
    member's, its target entry's), i.e. an outer group's entry: the line to edit to
    extend it (QA-FZ Q-FZ-2); None when it is written on one of them, or nowhere known.
    The one rule of ``explain``'s and the plan's "(until set at FILE:LINE)"."""
    if until is None or until.location is None or until.location in own:
        return None
    return until.location


def until_set_at(until: Until | None, *own: Location | None) -> str:
    """`` (until set at FILE:LINE)`` by ``until_elsewhere``'s rule; "" otherwise."""
    at = until_elsewhere(until, *own)
    return f" (until set at {at})" if at is not None else ""


def ended_by(c: Change) -> tuple[Until, Provenance] | None:
    """The path whose end makes the change ``c`` (a removal, a demotion, a type change a
    ``hidden:`` entry's end makes: ``_makes``), with its ``until``; None when no path of
    it ended (an add never is one). A removal is the last
    path's ending, whatever role it gave (an Administrator entry ended, the member live as
    Member: QA-E Q-E-2; one path ended in January and the last in March: March's, QA-F
    Q-F-2); a demotion the last of its live role's. A ``protected:`` group entry that
    ended is one of them (``protection_path``). What plan's change says
    (``render.governance.expired_note``) and audit's NOTE (``audit_expiry``)."""
    if c.action is Action.CREATE:
        return None
    ended = [
        (until, p)
        for p in c.provenance
        if p.expired and (until := until_of(p)) is not None and _makes(c, p)
    ]
    return max(ended, key=lambda e: e[0].instant) if ended else None


def ended_words(until: Until, last: Provenance) -> tuple[str, Location]:
    """What ended and where its ``until`` is written, for an ended path (``ended_by``):
    (``expired 2027-03-31`` or ``protection expired 2027-03-31`` for a ``protected:``
    group entry, QA-K Q-K-1; the ``until``'s line, or the member's). Plan's change words
    them ``…, declared at FILE:LINE`` (``render.governance.expired_note``), audit's NOTE
    ``… (declared at FILE:LINE, reason: …)`` (``audit_expiry``)."""
    what = "protection expired" if last.protection else "expired"
    return f"{what} {until}", until.location or last.where


def _makes(c: Change, p: Provenance) -> bool:
    """Whether the end of ``p`` (a path of ``c`` that ended) makes the change ``c``: with
    ``p`` still running the plan would not make it. Any ended path of a removal; for a
    role change, one of the live role whose role, with the running paths', would not give
    the new one (an Administrator entry ended: a demotion; a channel's ``hidden:`` entry
    ended: HIDDEN -> DEFAULT), not an old Member entry of a member now promoted (QA-GG
    Q-GG-5); a ``protected:`` group entry, which keeps elevated roles only, for a
    demotion only."""
    if c.action is Action.DELETE:
        return True
    if p.role != c.role_before:
        return False
    if p.protection:
        return c.is_demotion
    running = [q.role for q in c.provenance if not q.expired]
    try:
        return c.kind.combine([*running, p.role]) != c.role_after
    except RoleConflict:
        return True  # the two could not both hold: the ended one's end settles it


def is_expired(p: Provenance, now: dt.datetime) -> bool:
    until = until_of(p)
    return until is not None and until.expired(now)


def as_of(desired: DesiredState, now: dt.datetime) -> DesiredState:
    """``desired`` without the paths expired at ``now`` (see the module docstring); a
    member ``protected:`` reaches only through group entries that have all ended is no
    longer protected. The state as of ``now`` already (the CLI's, then the planner's) is
    returned as it is."""
    if desired.as_of == now:
        return desired
    ended = {ref for ref, end in desired.protected_until if end.until.expired(now)}
    return replace(
        desired,
        targets=tuple(_target(t, now) for t in desired.targets),
        protected=desired.protected - ended if ended else desired.protected,
        as_of=now,
    )


def _dated(t: DesiredTarget) -> bool:
    """Whether some path of the target has an ``until`` (a loop, not a generator: it
    runs over every path of every target that may have one)."""
    if not t.dated:
        return False
    for m in t.members:
        for p in m.provenance:
            if p.grant is not None and p.grant.until is not None:
                return True
    return False


def _target(t: DesiredTarget, now: dt.datetime) -> DesiredTarget:
    if not _dated(t):
        return t  # nothing in it ends (most targets): one pass, nothing made
    kind = kinds.get(t.key.kind)
    members: list[DesiredMember] = []
    gone: list[DesiredMember] = list(t.expired)
    changed = False  # a path ended (a member demoted or gone)
    for m in t.members:
        active = tuple(p for p in m.provenance if not is_expired(p, now))
        ended = tuple(replace(p, expired=True) for p in m.provenance if is_expired(p, now))
        changed = changed or bool(ended)
        if not ended:
            members.append(m)
        elif active:
            role = kind.combine([p.role for p in active])
            members.append(DesiredMember(m.ref, role, active, expired=m.expired + ended))
        else:
            gone.append(DesiredMember(m.ref, m.role, (), expired=m.expired + ended))
    if not changed:
        return t
    return replace(t, members=tuple(members), expired=tuple(sorted(gone, key=lambda m: m.ref)))


@dataclass(frozen=True, order=True)
class Expiring:
    """A path that ends soon: ``member`` in ``target`` with ``role`` until ``until``."""

    until: Until
    target: TargetKey
    member: MemberRef
    # the entry that puts the member in the target, as the path's provenance has it: the
    # target's list entry, or for a protection the ``protected:`` entry (QA-EE Q-EE-7)
    declared_at: Location
    days_left: int
    role: Hashable = field(compare=False)  # a role of the target's kind
    # a ``protected:`` group entry (not a grant of ``role``): its end removes or demotes
    # the member, live as ``role`` (None where it is not known: ``ended_between``)
    protection: bool = False
    # what its end does to the target's plan, when it is refused then: ``its end leaves 0
    # administrators, fewer than the minimum of 1 (...): the plan is then refused``
    # (``governance.ending_floor``; "": nothing)
    refusal: str = field(default="", compare=False)
    # the live member's id, for one kept after it expired (``kept_after_expiry``): two bots
    # of one name are told apart by it (QA-GT Q-GT-6); "" where no live member is meant
    member_id: str = ""

    @property
    def set_at(self) -> Location:
        """Where the ``until`` that ends the path is written."""
        return self.until.location or self.declared_at

    def _what(self) -> str:
        """``Administrator``, or ``protected`` for a protection that ends."""
        return "protected" if self.protection else kinds.get(self.target.kind).role_text(self.role)

    def message(self) -> str:
        kind = kinds.get(self.target.kind)
        left = "ends today" if self.days_left <= 0 else f"{_days(self.days_left)} left"
        refusal = f"; {self.refusal}" if self.refusal else ""
        return (
            f"{self.member} in {kind.words.noun} {self.target.name}: "
            f"{self._what()} until {self.until} "
            f"({left}), declared at {self.set_at}{refusal}"
        )

    def ended_message(self) -> str:
        """For an entry that ended since a moment (a saved plan's: ``ended_between``)."""
        kind = kinds.get(self.target.kind)
        return (
            f"{self.member} in {kind.words.noun} {self.target.name}: "
            f"{self._what()} until {self.until}, declared at {self.set_at}"
        )

    def kept_message(self, member: str = "") -> str:
        """For an entry that expired but stays in Chime (its target does not prune);
        ``member``: how the plan names it (``bot:Pager (id b2)``), if not as written."""
        kind = kinds.get(self.target.kind)
        return (
            f"{member or self.member} in {kind.words.noun} {self.target.name}: "
            f"{kind.role_text(self.role)} expired {self.until}, declared at {self.set_at}; "
            f"still {kind.words.kept_as}: this {kind.words.entry_noun} does not prune"
        )


def kept_after_expiry(
    targets: Iterable[DesiredTarget], planned: Iterable[TargetPlan], now: dt.datetime
) -> tuple[Expiring, ...]:
    """Members every path of which expired but that a plan leaves in place, because
    their target does not prune (they are unmanaged now): access that did not end."""
    by_key = {t.key: t for t in targets}
    found = []
    for tp in planned:
        t = by_key.get(tp.key)
        gone = {m.ref: m for m in t.expired} if t is not None else {}
        for lm in tp.unmanaged:
            m = gone.get(lm.ref)
            paths = [p for p in (m.expired if m is not None else ()) if until_of(p)]
            if not paths:
                continue
            last = max(paths, key=lambda p: until_of(p) or FOREVER_UNTIL)  # ended for good
            until = until_of(last)
            assert until is not None
            left = days_left(until, now)
            found.append(
                Expiring(
                    until,
                    tp.key,
                    lm.ref,
                    last.declared_at,
                    left,
                    last.role,
                    member_id=lm.member_id,
                )
            )
    return tuple(sorted(found))


def _days(n: int) -> str:
    """``1 day``, ``26,326 days``: separated as every count is (QA-GV Q-GV-16)."""
    return counted(n, "day")


def ending_between(
    desired: DesiredState,
    keys: Iterable[TargetKey],
    now: dt.datetime,
    later: dt.datetime,
    planned: Iterable[TargetPlan] | None = None,
) -> tuple[Expiring, ...]:
    """The paths of the targets ``keys`` (of ``desired`` as of ``now``) that end after
    ``now`` and by ``later``, and the ``protected:`` group entries that do: why a plan
    made as of ``later`` may not be the plan made now. ``planned``: the plan made now of
    those targets; then only the ends that change it, by the rule of its "ends within"
    warning (``expiring(planned=True)``, ``protections_ending``: QA-CY Q-CY-12), and an
    end in a target that does not prune that stops a change it makes (QA-FC Q-FC-2)."""
    wanted = set(keys)
    days = (later - now).days + 1
    mine = [t for t in desired.targets if t.key in wanted]
    if planned is None:
        paths = expiring(mine, now, days)
        protections = _protections_between(desired, mine, now, later, now)
    else:
        kept = [tp for tp in planned if tp.key in wanted]
        paths = expiring(mine, now, days, planned=True, changed=changed_members(kept))
        protections = list(protections_ending(desired, kept, now, days))
    found = {e for e in (*paths, *protections) if now < e.until.instant <= later}
    return tuple(sorted(found))


def _protections_between(
    desired: DesiredState,
    targets: Iterable[DesiredTarget],
    since: dt.datetime,
    by: dt.datetime,
    now: dt.datetime,
) -> list[Expiring]:
    """The ``protected:`` group entries ending after ``since`` and by ``by``, for each of
    ``targets`` that does not declare the member (where the end may remove it) or
    declares it with a role that is not elevated (where it may demote it: QA-AO Q-AO-4)."""
    ends = [(r, e) for r, e in desired.protected_until if since < e.until.instant <= by]
    found = []
    for t in targets:
        kind = kinds.get(t.key.kind)
        for ref, end in ends:
            m = t.member(ref)
            if m is None or (kind.elevated and not kind.is_elevated(m.role)):
                until, at = end.until, end.entry or end.until.location or t.location
                found.append(Expiring(until, t.key, ref, at, days_left(until, now), None, True))
    return found


def lapsed(desired: DesiredState, now: dt.datetime) -> dict[MemberRef, Ending]:
    """The members ``protected:`` reached only through group entries that have all ended
    at ``now``: the last one to end (its until, reason and ticket)."""
    return {r: e for r, e in desired.protected_until if e.until.expired(now)}


def protection_ending(desired: DesiredState, member: MemberRef) -> Ending | None:
    """The end of ``member``'s protection (its ``protected:`` group entries), with its
    path: None when it is protected for good, or not at all."""
    return dict(desired.protected_until).get(member)


def protection_ends(desired: DesiredState, member: MemberRef) -> Until | None:
    """When ``member``'s protection ends (``protection_ending``'s ``until``)."""
    end = protection_ending(desired, member)
    return end.until if end is not None else None


def protected_words(until: Until | None, never: str) -> str:
    """``protected (never removed)``, or ``protected until 2027-03-31 (declared at
    FILE:LINE; removed after it)`` for a protection that ends (``never``: "removed",
    "demoted"): where its ``until:`` is written, the line to edit to extend it, as the
    ended one's words say it (QA-GG Q-GG-1)."""
    if until is None:
        return f"protected (never {never})"
    where = f"declared at {until.location}; " if until.location else ""
    return f"protected until {until} ({where}{never} after it)"


def protection_path(end: Ending, role: Hashable) -> Provenance:
    """Why a member live as ``role`` is removed or demoted: its protection (a ``protected:``
    group entry) ended; the entry's reason and ticket with it (QA-AO Q-AO-3), and its way:
    the ``protected:`` entry, the group chain, where the member is written (QA-CJ Q-CJ-4)."""
    return Provenance(
        role,
        end.entry or _protection_at(end.until),
        via=end.via,
        location=end.where,
        grant=end,
        expired=True,
        protection=True,
    )


def _protection_at(until: Until) -> Location:
    """Where a ``protected:`` group entry's ``until`` is written (settings.yaml, line
    unknown, where the loader did not say)."""
    return until.location or Location("settings.yaml", 0)


def protections_ending(
    desired: DesiredState, planned: Iterable[TargetPlan], now: dt.datetime, days: int
) -> tuple[Expiring, ...]:
    """The protected members a plan keeps (``TargetPlan.protected``: not declared in a
    pruned target; ``TargetPlan.held``: declared with a lower role) whose protection, a
    ``protected:`` group entry, ends within ``days`` days: its end removes them (QA-K
    Q-K-1) or demotes them (QA-AO Q-AO-4)."""
    ends = {
        r: e
        for r, e in desired.protected_until
        if not e.until.expired(now) and days_left(e.until, now) <= days
    }
    return _protections_kept(ends, planned, now)


def _protections_kept(
    ends: dict[MemberRef, Ending], planned: Iterable[TargetPlan], now: dt.datetime
) -> tuple[Expiring, ...]:
    """For each target of ``planned`` that keeps a member only because it is protected
    (``TargetPlan.protected``, ``held``), the end of that protection among ``ends``,
    declared at the ``protected:`` entry, as its provenance is once it ended."""
    found = []
    for tp in planned:
        for lm in (*tp.protected, *tp.held):
            end = ends.get(lm.ref)
            if end is None:
                continue
            at, left = end.entry or _protection_at(end.until), days_left(end.until, now)
            found.append(Expiring(end.until, tp.key, lm.ref, at, left, lm.role, True))
    return tuple(sorted(found))


def expiring(
    targets: Iterable[DesiredTarget],
    now: dt.datetime,
    days: int,
    *,
    planned: bool = False,
    changed: Collection[tuple[TargetKey, MemberRef]] = frozenset(),
) -> tuple[Expiring, ...]:
    """Paths still declared at ``now`` that end within ``days`` days (of ``targets`` as
    of ``now``), soonest first; one notice per member, target and ``until``. ``planned``:
    only those whose end changes what a plan does, as the plan warns (not an end that
    leaves the member with no path in a target that does not prune: it stays there,
    unmanaged, QA-CJ Q-CJ-3, unless the plan made now changes it, ``changed``:
    ``changed_members``; then the plan made after the end does not)."""
    found: dict[tuple[TargetKey, MemberRef, Until], Expiring] = {}
    for t in targets:
        if not t.dated:
            continue  # no path has an until
        kind = kinds.get(t.key.kind)
        removes = t.prune or not planned  # whether a plan removes a member left no path
        for m in t.members:
            for p in m.provenance:
                until = p.grant.until if p.grant is not None else None  # until_of, inline
                if until is None or until.expired(now) or days_left(until, now) > days:
                    continue
                gone = removes or (t.key, m.ref) in changed  # an end leaving no path
                if not _changes_at(kind, m, until, gone):
                    continue  # other paths keep the member as it is (QA-F Q-F-1)
                key = (t.key, m.ref, until)
                if key not in found:
                    left = days_left(until, now)
                    found[key] = Expiring(until, t.key, m.ref, p.declared_at, left, p.role)
    return tuple(sorted(found.values()))


def changed_members(planned: Iterable[TargetPlan]) -> frozenset[tuple[TargetKey, MemberRef]]:
    """The members a plan changes in each of its targets (adds, updates, removes): where
    the target does not prune, an end that leaves one of them no path changes that plan
    (the plan made after it leaves the member as it is), as no other end there does."""
    return frozenset((tp.key, c.member) for tp in planned for c in tp.changes)


def _changes_at(kind: kinds.Kind, m: DesiredMember, until: Until, removes: bool = True) -> bool:
    """Whether ``m``'s role changes when its paths ending at ``until`` end: it is
    removed (where ``removes``: the target prunes), or the paths left give it another
    role; not when others keep it as it is."""
    after = [
        p.role for p in m.provenance if (u := until_of(p)) is None or u.instant > until.instant
    ]
    if not after:
        return removes
    try:
        return kind.combine(after) != m.role
    except RoleConflict:
        return True


def ended_between(
    desired: DesiredState,
    keys: Iterable[TargetKey],
    since: dt.datetime,
    now: dt.datetime,
    planned: Iterable[TargetPlan] | None = None,
) -> tuple[Expiring, ...]:
    """The paths of the targets ``keys`` (of ``desired`` as of ``now``) that ended after
    ``since`` and by ``now``, and the ``protected:`` group entries that did: why a plan
    made at ``since`` is not the plan made now. ``planned``: that plan (a saved plan's
    targets, the plan a confirmation waited on); a protection's end is then listed only
    where it kept the member because it was protected, as its warning named it (QA-EE
    Q-EE-6); without it, in every target of ``keys`` that does not declare the member
    (which targets to plan again). With it, an end that left the member no path in a
    target that does not prune only where that plan changes the member (QA-FC Q-FC-2:
    ``changed_members``); elsewhere the member stays as it was, unmanaged."""
    wanted = set(keys)
    mine = [t for t in desired.targets if t.key in wanted]
    changed: Collection[tuple[TargetKey, MemberRef]] = ()
    if planned is None:
        found: set[Expiring] = set(_protections_between(desired, mine, since, now, now))
    else:
        kept = [tp for tp in planned if tp.key in wanted]
        ends = {r: e for r, e in desired.protected_until if since < e.until.instant <= now}
        found = set(_protections_kept(ends, kept, now))
        changed = changed_members(kept)
    for t in mine:
        gone = [m for m in t.expired if planned is None or t.prune or (t.key, m.ref) in changed]
        for m in (*t.members, *gone):
            for p in m.expired:
                until = until_of(p)
                if until is not None and since < until.instant <= now:
                    found.add(Expiring(until, t.key, m.ref, p.declared_at, 0, p.role))
    return tuple(sorted(found))


def passed_words(ended: Iterable[Expiring]) -> str:
    """``an `until:` has passed`` or ``3 `until:`s have passed``: the entries written with
    an ``until:`` (each once, however many targets its end changes), not the ends listed."""
    n = len({e.set_at for e in ended})
    return "an `until:` has passed" if n == 1 else f"{n} `until:`s have passed"
