"""The planner: (desired, live) → Plan. Pure: no boto3, no clock, no printing.

For each declared target that was read from Chime:

- a declared member that is not live is created (when its reference resolved to an id,
  and the provider did not refuse it for that target, ``LiveState.refused``: a member
  banned from a channel, an attendee asking for video in a meeting created without it;
  both were already reported by the provider in ``live.problems``);
- a live member whose role differs from the declared one is updated (roles compared with
  ``==``; where the kind cannot change it in place, the applier replaces the member),
  unless the provider refused it for that target (as above: it is left as it is);
- a live member that is not declared is deleted where pruning is on for the target, and
  listed as unmanaged where it is off;
- members of a kind's ``never_managed`` types (webhooks in rooms) are never touched
  (always unmanaged); protected members are never removed or demoted (``Kind.is_removal``),
  but for an elevated role an ``until:`` that has passed gave them, which ends (QA-K Q-K-2).
  ``TargetPlan.protected`` lists those a pruned target would otherwise remove: members no
  file declares there (a break-glass account, an entry that expired), which a reviewer
  should know are in Chime. Not listed, as they would be on every plan for nothing: the
  tool itself in the target's scope (``DesiredState.own_members``: a channel's app
  instance's bearers), and a protected member the files declare in that target with a
  lower role (``explain`` says it is kept: protected). The tool itself is not listed as
  unmanaged either where pruning is off: it is never drift.

A target that would have more members after the apply than AWS allows in one
(``Kind.max_members``, or the target's own: ``LiveTarget.max_members``, a meeting created
with a MaxCount), counting its declared members and the protected ones it keeps
(the tool itself, as a channel's bearer), is reported at its declaration and not planned:
AWS would refuse the adds over the maximum on every run (``over_maximum``).

Two declared targets read as one (their ids resolved to the same room, channel or
meeting: ``declared_once``) are reported at each declaration, and neither is planned;
under --shard, one of them may be another shard's (``desired.elsewhere``, its id in
``live.elsewhere_ids``): this shard's is reported and not planned.

Live and declared members are matched by ``MemberRef`` (users by e-mail, compared
case-insensitively; bots by name). Then the safety rules (``reconciler.safety``) are
evaluated on the whole plan.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

from reconciler import kinds
from reconciler.declared_once import declared_twice
from reconciler.desired.model import DesiredState, DesiredTarget
from reconciler.governance.ending_floor import below_minimum
from reconciler.governance.expiry import (
    Expiring,
    as_of,
    expiring,
    kept_after_expiry,
    lapsed,
    protection_path,
    protections_ending,
)
from reconciler.governance.grant import Ending
from reconciler.kinds import RoleValue
from reconciler.live import LiveMember, LiveProblem, LiveState, LiveTarget
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.prose import listed_first
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, TargetKey
from reconciler.safety import check
from reconciler.target_select import select, target_errors


def plan(
    desired: DesiredState,
    live: LiveState,
    *,
    targets: Collection[str] | None = None,
    keys: Collection[TargetKey] | None = None,
    now: datetime.datetime | None = None,
    matched: Mapping[TargetKey, Matched] = {},
) -> Plan:
    """The plan that makes ``live`` match ``desired``.

    ``targets``: names given with ``--target``; only those targets are planned, and a name
    that no declared target has, or that names targets of several kinds, becomes an error
    in ``Plan.errors``. ``keys``: the targets the tool itself plans again (a saved plan's,
    a confirmed plan's, a watch's meetings), exactly those: never by name, so never
    refused as a name two kinds share (QA-HJ Q-HJ-1).
    ``now``: the moment ``until:`` is evaluated at (``governance.expiry``): expired paths
    are not declared (a member left without one is removed where pruning is on, and the
    change says why), and paths ending within ``expiry_warning_days`` are listed in
    ``Plan.expiring``. None: nothing expires (the CLI always passes its clock).
    """
    if now is not None:
        desired = as_of(desired, now)
    # members no longer protected: their protection's end is why they go (QA-K Q-K-1)
    ended_protection = lapsed(desired, now) if now is not None else {}
    if keys is not None:
        wanted = set(keys)
        selected = [t for t in desired.targets if t.key in wanted]
    else:
        selected = select(desired.targets, targets)
    selected_keys = {t.key for t in selected}
    everything = targets is None and keys is None
    problems = [
        p for p in live.problems if everything or p.target is None or p.target in selected_keys
    ]
    # one target declared twice (found by its resolved id): reported, neither planned; also
    # where the other entry is another shard's (``desired.elsewhere``)
    ids = {**live.elsewhere_ids, **{k: lt.target_id for k, lt in live.targets.items()}}
    twice = declared_twice(selected, ids, desired.elsewhere)
    problems += twice.values()
    notices = [
        n for n in live.notices if everything or n.target is None or n.target in selected_keys
    ]
    reported = {p.target for p in (*problems, *live.notices) if p.target is not None}
    refused: dict[str, set[MemberRef]] = {}
    for target_id, ref in live.refused:
        refused.setdefault(target_id, set()).add(ref)
    planned: list[TargetPlan] = []
    ids_by_scope: dict[str, dict[MemberRef, str]] = {}
    for dt in sorted(selected, key=lambda t: t.key):
        lt = live.targets.get(dt.key) if dt.key not in twice else None
        if lt is None:
            if dt.key not in reported:
                problems.append(
                    LiveProblem(
                        dt.key,
                        dt.location,
                        f"{kinds.get(dt.key.kind).words.noun} {dt.key.name!r} was not read "
                        "from Chime; "
                        "it is left out of this plan",
                    )
                )
            continue
        if dt.key.scope not in ids_by_scope:
            ids_by_scope[dt.key.scope] = live.ids_in(dt.key.scope)
        quiet = desired.own_members_of(dt.key)  # the tool itself: kept, never listed
        member_ids = ids_by_scope[dt.key.scope]
        no: Collection[MemberRef] = refused.get(lt.target_id, frozenset())
        tp = plan_target(
            dt, lt, member_ids, desired.protected, quiet, no, ended_protection, matched.get(dt.key)
        )
        # the floor apply keeps (``applier.apply``'s safety): full_swap warns with it
        tp = replace(tp, minimum=desired.safety_for(dt.key).minimum(tp.kind.minimum_setting))
        over = over_maximum(tp, lt, dt, desired.protected, quiet)
        if over:  # AWS would refuse the adds over it on every run: not planned
            problems.append(LiveProblem(dt.key, dt.location, over))
            continue
        planned.append(tp)

    errors = _problem_messages(problems)
    if targets is not None:
        errors.extend(target_errors(desired.targets, targets))

    days = desired.policy.expiry_warning_days
    # an end in a target left out (an ended meeting, one not read) changes nothing: only
    # the planned targets' ends are warned of (QA-EE Q-EE-2)
    keys = {tp.key for tp in planned}
    kept = [t for t in selected if t.key in keys]
    return Plan(
        targets=tuple(planned),
        violations=check(planned, desired.safety, {t.key: t.safety for t in selected if t.safety}),
        errors=tuple(_unique(errors)),
        desired_digest=desired.digest,
        expiring=_expiring(desired, kept, planned, now),
        expiry_warning_days=days,
        expired_kept=kept_after_expiry(kept, planned, now) if now is not None else (),
        notices=tuple(_unique(_problem_messages(notices))),
    )


def quiet_members(desired: DesiredState) -> dict[str, frozenset[MemberRef]]:
    """Per scope, the members that are the tool itself there (``DesiredState.own_members``
    of every kind scoped by it): protected, and never listed there (``plan_target``'s
    ``quiet``; ``plan`` itself reads ``DesiredState.own_members_of`` a target)."""
    out: dict[str, frozenset[MemberRef]] = {}
    for (_kind, scope), refs in desired.own_members.items():
        out[scope] = out.get(scope, frozenset()) | refs
    return out


def plan_target(
    desired: DesiredTarget,
    live: LiveTarget,
    member_ids: dict[MemberRef, str],
    protected: Collection[MemberRef] = frozenset(),
    quiet: Collection[MemberRef] = frozenset(),
    refused: Collection[MemberRef] = frozenset(),
    unprotected: Mapping[MemberRef, Ending] = {},
    matched: Matched | None = None,
) -> TargetPlan:
    """The changes for one target, with its unmanaged and protected members (those of
    ``protected`` that pruning would remove). A member of both ``protected`` and ``quiet``
    (the tool itself in the target's scope: ``DesiredState.own_members``) that no file
    declares is neither: it is
    kept and not listed, pruned or not, so it is never drift. A declared member in
    ``refused`` (the provider's, for this target: banned) is neither added nor changed.

    Protection keeps a member in, not a grant past its end: a protected member whose
    elevated role came from a path that has ended (``until:``) loses that role like
    anyone else (QA-K Q-K-2), and keeps its membership: it is demoted to the role the
    files still declare, or, where none does, to ``Kind.without_elevation`` (in a kind
    whose every role is elevated, a channel's moderators, removed from it).
    ``unprotected``: members whose protection (a ``protected:`` group entry) ended, and
    when: the change removing or demoting them says so. ``matched``: ``match(desired,
    live)`` done before (while other targets were read), used when it is of these two."""
    kind = kinds.get(desired.key.kind)
    found = matched if matched is not None and matched.of(desired, live) else match(desired, live)
    never = found.never
    matched_to = found.members
    undeclared = found.undeclared
    doubled = found.doubled

    changes: list[Change] = []
    unmanaged: list[LiveMember] = []
    kept: list[LiveMember] = []
    held: list[LiveMember] = []  # declared lower, kept elevated: protected
    guarded: list[MemberRef] = []  # unmanaged, and protected: prune would keep them

    for i in found.differing:  # the others are live as declared: nothing to do
        dm, lm = desired.members[i], matched_to[i]
        if dm.ref.kind in never:
            continue  # never managed (the loader refuses them; this is a second guard)
        if lm is None:
            member_id = member_ids.get(dm.ref)
            if member_id is not None and dm.ref not in refused:
                changes.append(
                    Change(
                        Action.CREATE,
                        desired.key,
                        dm.ref,
                        member_id,
                        dm.ref.kind,
                        None,
                        dm.role,
                        dm.provenance,
                    )
                )
        elif lm.role != dm.role and dm.ref not in refused:
            guarded_role = lm.ref in protected or dm.ref in protected
            if (
                kind.is_removal(lm.role, dm.role)
                and guarded_role
                and not _granted_then_ended(kind, lm.role, dm.expired)
            ):
                held.append(lm)  # declared with a lower role: kept, and not listed
            else:
                # the protection held the live role only where this is a demotion: not a
                # promotion or a type change it never kept (QA-GG Q-GG-5)
                why = (
                    _protection_ended(unprotected, dm.ref, lm.role)
                    if kind.is_removal(lm.role, dm.role)
                    else ()
                )
                changes.append(
                    Change(
                        Action.UPDATE,
                        desired.key,
                        lm.ref if i in doubled else dm.ref,
                        lm.member_id,
                        lm.kind,
                        lm.role,
                        dm.role,
                        dm.provenance + dm.expired + why,  # an expired path: why it changes
                    )
                )

    ended = {m.ref: m.expired for m in desired.expired}  # every path expired
    for m in undeclared:
        if m.kind in kind.never_managed or not desired.prune:
            if m.ref not in quiet or m.ref not in protected:
                unmanaged.append(m)
                if m.ref in protected:
                    guarded.append(m.ref)
        elif m.ref in protected:
            paths = ended.get(m.ref, ())
            drop = _elevation_ends(kind, m.role, paths)
            if drop is not None:
                # its elevated role came from entries that ended: it goes, the membership
                # stays (QA-K Q-K-2, QA-AO Q-AO-2): down to the kind's role without the
                # elevation (a room's Member, a meeting's capabilities without content
                # Send), or out of a target of elevated roles only (a channel's moderators)
                action, after = drop
                changes.append(
                    Change(action, desired.key, m.ref, m.member_id, m.kind, m.role, after, paths)
                )
            elif m.ref not in quiet:
                kept.append(m)
        else:
            why = _protection_ended(unprotected, m.ref, m.role)
            changes.append(
                Change(
                    Action.DELETE,
                    desired.key,
                    m.ref,
                    m.member_id,
                    m.kind,
                    m.role,
                    None,
                    ended.get(m.ref, ()) + why,  # the expired paths: why it goes
                )
            )

    return TargetPlan(
        key=desired.key,
        target_id=live.target_id,
        fingerprint=found.fingerprint,
        changes=tuple(sorted(changes, key=lambda c: (*c.sort_key, c.member_id))),
        unmanaged=tuple(sorted(unmanaged, key=_live_order)),
        protected=tuple(sorted(kept, key=_live_order)),
        unmanaged_protected=tuple(sorted(set(guarded))),
        live_count=len(live.members),
        # None for a kind without an elevated role (a channel's memberships): none to count
        live_elevated=found.live_elevated,
        max_members=live.max_members,
        held=tuple(held),
        live_ids=found.live_ids,
    )


@dataclass(frozen=True, eq=False)
class Matched:
    """A target's live members matched with its declared ones (``match``): the part of
    ``plan_target`` that needs nothing but the two, done for one target while the others
    are still read (``Session.read``); ``plan(matched=...)`` uses it for these two objects
    only (``of``), and matches anew otherwise."""

    desired: DesiredTarget
    live: LiveTarget
    never: tuple[MemberKind, ...]  # the kind's never-managed member types
    members: list[LiveMember | None]  # per declared member (by place): its live one
    undeclared: list[LiveMember]
    doubled: set[int]  # declared members two live spellings match
    # the declared members not live as declared (no live one, or another role), in order
    differing: list[int]
    fingerprint: str  # ``LiveTarget.fingerprint``
    live_elevated: int | None  # ``TargetPlan.live_elevated``
    live_ids: frozenset[str]  # ``TargetPlan.live_ids``

    def of(self, desired: DesiredTarget, live: LiveTarget) -> bool:
        return self.desired is desired and self.live is live


def match(desired: DesiredTarget, live: LiveTarget) -> Matched:
    """``desired``'s declared members matched with ``live``'s members (``Matched``)."""
    kind = kinds.get(desired.key.kind)
    # a tuple: ``in`` compares by identity first, in C, where a set would call the enum's
    # ``__hash__`` (Python) for each of a million members
    never = tuple(kind.never_managed)
    # each declared member's place, taken by the first live member with its ref (in
    # ``_live_order``); a second one with the same ref is undeclared: two hashes a member.
    # Two live members spelled differently with one ref (meeting attendees whose e-mail
    # ExternalUserIds differ only in case, QA4 R14): the one spelled as declared is kept,
    # else the first in code-point order (never by the ids AWS gave them), and a change
    # to it names it as live spells it (``doubled``)
    # Found by the ref's key, a str (hashed and compared in C, where a ``MemberRef``'s
    # hash and equality are Python's), its kind compared after; by the ref itself where
    # two declared members share a key (a bot named as a user's e-mail, one ref twice).
    refs = list(map(_ref, desired.members))
    place: dict[object, int] = {r.key: i for i, r in enumerate(refs)}
    by_key = len(place) == len(refs)
    if not by_key:
        place = {r: i for i, r in enumerate(refs)}
    matched: list[LiveMember | None] = [None] * len(desired.members)
    undeclared: list[LiveMember] = []
    doubled: set[int] = set()
    for m in sorted(live.members, key=_live_order):
        if m.kind in never:
            i = None
        elif by_key:
            i = place.get(m.ref.key)
            if i is not None and refs[i].kind is not m.ref.kind:
                i = None
        else:
            i = place.get(m.ref)
        if i is None:
            undeclared.append(m)
            continue
        first = matched[i]
        if first is None:
            matched[i] = m
            continue
        if m.ref.display != first.ref.display:
            doubled.add(i)
        if m.ref.display == desired.members[i].ref.display != first.ref.display:
            undeclared.append(first)
            matched[i] = m
        else:
            undeclared.append(m)

    declared = desired.members
    differing = [
        i
        for i, (dm, lm) in enumerate(zip(declared, matched, strict=True))
        if lm is None or lm.role != dm.role
    ]
    # None for a kind without an elevated role (a channel's memberships): none to count
    elevated = kind.elevated_count(map(_role, live.members)) if kind.elevated else None
    ids = frozenset(map(_member_id, live.members))
    return Matched(
        desired,
        live,
        never,
        matched,
        undeclared,
        doubled,
        differing,
        fingerprint=live.fingerprint,
        live_elevated=elevated,
        live_ids=ids,
    )


def expiry_notes(
    desired: DesiredState, planned: Sequence[TargetPlan], now: datetime.datetime
) -> tuple[tuple[Expiring, ...], tuple[Expiring, ...]]:
    """The notes on `until:` of a plan of the targets ``planned`` made at ``now``: the
    paths ending within the warning window (``Plan.expiring``), and the members whose
    entries all expired that stay in Chime (``Plan.expired_kept``). For a saved plan
    applied later: its notes as of then, not as of when it was made."""
    desired = as_of(desired, now)
    keys = {t.key for t in planned}
    selected = [t for t in desired.targets if t.key in keys]
    return _expiring(desired, selected, planned, now), kept_after_expiry(selected, planned, now)


def _expiring(
    desired: DesiredState,
    selected: Iterable[DesiredTarget],
    planned: Iterable[TargetPlan],
    now: datetime.datetime | None,
) -> tuple[Expiring, ...]:
    """The paths ending within the warning window, and the protections (``protected:``
    group entries) whose end removes a member the plan keeps; none without ``now``."""
    if now is None:
        return ()
    days = desired.policy.expiry_warning_days
    planned, selected = tuple(planned), tuple(selected)
    paths = expiring(selected, now, days, planned=True)
    found = tuple(sorted((*paths, *protections_ending(desired, planned, now, days))))
    return below_minimum(found, selected, planned)


def _elevation_ends(
    kind: kinds.Kind, live: RoleValue, paths: Iterable[Provenance]
) -> tuple[Action, RoleValue | None] | None:
    """For a protected member no file declares in a target, live as ``live``: when that
    elevated role came from one of ``paths``, all ended, the change that ends it and the
    role it keeps (``Kind.without_elevation``: a room's Member, a meeting's capabilities
    without content Send; ``DELETE, None``: it leaves a target whose every role is
    elevated, a channel's moderators); None when it keeps what it has."""
    if not _granted_then_ended(kind, live, paths):
        return None
    after = kind.without_elevation(live)
    if after is None:
        return Action.DELETE, None
    return (Action.UPDATE, after) if after != live else None


def _protection_ended(
    unprotected: Mapping[MemberRef, Ending], ref: MemberRef, role: RoleValue
) -> tuple[Provenance, ...]:
    """Why ``ref``, live as ``role``, is removed or demoted when its protection (a
    ``protected:`` group entry) has ended: that path; none otherwise."""
    lost = unprotected.get(ref)
    return (protection_path(lost, role),) if lost is not None else ()


def _granted_then_ended(kind: kinds.Kind, live: object, paths: Iterable[Provenance]) -> bool:
    """Whether the elevated role ``live`` was given by one of ``paths`` that has ended: a
    protected member loses it then (``plan_target``)."""
    return kind.is_elevated(live) and any(p.role == live for p in paths)


def over_maximum(
    tp: TargetPlan,
    live: LiveTarget,
    desired: DesiredTarget,
    protected: Collection[MemberRef] = frozenset(),
    quiet: Collection[MemberRef] = frozenset(),
) -> str:
    """Why ``tp`` would leave its target over AWS's maximum (``TargetPlan.maximum``: the
    target's own, else ``Kind.max_members``), or "".
    Counted: the members it will have after the apply that are the desired state's, the
    declared ones and the protected ones a pruned target keeps though no file declares
    them there, and the tool itself (``quiet``) in any; not those left unmanaged where
    pruning is off, protected or not, someone else's: their target is full meanwhile,
    as it may be by apply time (AWS refuses each add over the maximum then)."""
    kind = tp.kind
    most = tp.maximum
    if most is None:
        return ""
    adds = sum(c.action is Action.CREATE for c in tp.changes)
    removes = sum(c.action is Action.DELETE for c in tp.changes)
    # a protected member no file declares is the desired state's only where the target
    # prunes (protection is what keeps it); elsewhere it stays as every undeclared member
    # does, someone else's: not counted (Q-CY-1)
    others = [m for m in tp.unmanaged if not (desired.prune and m.ref in protected)]
    after = tp.live_count + adds - removes - len(others)
    if after <= most:
        return ""
    declared = {m.ref for m in desired.members}
    gone = {c.member_id for c in tp.changes if c.action is Action.DELETE}
    gone.update(m.member_id for m in others)  # not counted: not among those kept either
    kept = [
        m
        for m in live.members
        if m.ref in protected and m.ref not in declared and m.member_id not in gone
    ]
    words = kind.words
    # what the files declare there, though the plan refuses some (a medium the meeting
    # has not, an ExternalUserId AWS refuses: errors of their own), adding fewer (Q-CH-6)
    named = len({m.ref for m in desired.members})
    refused = named - (after - len(kept))
    why = f"{named:,} declared"
    if refused > 0:
        why += f", {refused:,} of them refused by this plan (not added)"
    if kept:
        shown = listed_first(
            [f"{m.ref}: {words.own_member if m.ref in quiet else 'protected'}" for m in kept[:3]],
            3,
            len(kept),
        )
        why += f", and {len(kept):,} kept that no file declares there ({shown})"
    return (
        f"{words.noun} {desired.key.name!r} would have {after:,} {words.members} after this "
        f"apply, more than {_whose(tp)} maximum of {most:,}: {why}; apply would fail for the "
        f"{after - most:,} over it"
    )


def _whose(tp: TargetPlan) -> str:
    """Whose maximum ``TargetPlan.maximum`` is: AWS's for the kind, or the target's own."""
    return "AWS's" if tp.max_members is None else f"the {tp.kind.words.noun}'s own"


_role, _member_id, _ref = attrgetter("role"), attrgetter("member_id"), attrgetter("ref")
# a live member's order: its ref's (kind, key), then its spelling (two attendees whose
# e-mails differ only in case: QA4 R14), then its id (attrgetter: in C)
_live_order: Callable[[LiveMember], tuple[MemberKind, str, str, str]] = attrgetter(
    "ref.kind", "ref.key", "ref.display", "member_id"
)


def _problem_messages(problems: Iterable[LiveProblem]) -> list[str]:
    """Located messages in file and line order (unlocated ones last)."""
    ordered = sorted(
        problems, key=lambda p: (p.location is None, p.location or Location("", 0), p.message)
    )
    return [str(p) for p in ordered]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
