"""Where is a member, and where does the desired state put it (``chime-reconciler audit``).

Pure: a provider (``MemberFinder``) finds the member's live memberships in the targets
it can list (``Whereabouts``); this module joins them with the desired state into sorted
rows (``render/audit_json.py`` shapes them as JSON). It is the same for every kind: a
row's note says what a plan does there, as the planner says it (``planner.plan_target``,
as ``explain`` asks it), in the kind's words (``Kind.words``, ``Kind.role_text``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from reconciler import kinds
from reconciler.audit_expiry import change_words, undeclared, with_expiry
from reconciler.declared_once import declared_twice
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.errors import ReconcilerError
from reconciler.governance.expiry import lapsed, protected_words, protection_ends
from reconciler.governance.grant import Until
from reconciler.kinds import RoleValue, Words
from reconciler.live import LiveMember, LiveTarget, declared_match
from reconciler.plan import Action, TargetPlan
from reconciler.planner import plan_target, quiet_members
from reconciler.quoted import named_bare
from reconciler.refs import MemberKind, MemberRef, Provenance, TargetKey
from reconciler.whereabouts import Found, NotThere, ScopeLookup, Whereabouts


class Status(StrEnum):
    """How a target's live membership compares with the desired state."""

    IN_SYNC = "in-sync"  # live, declared with the same role
    ROLE_DIFFERS = "role-differs"  # live, declared with another role
    NOT_DECLARED = "not-declared"  # live; the target is declared, the member is not
    ROOM_NOT_DECLARED = "room-not-declared"  # live; the desired state has no such target
    NOT_IN_CHIME = "not-in-chime"  # declared; Chime does not have the member there
    NO_SUCH_MEMBER = "no-such-member"  # declared; the scope has no such user or bot
    UNKNOWN = "unknown"  # live; the desired state was not read


@dataclass(frozen=True)
class AuditRow:
    kind: str  # ``Kind.id`` of the target
    scope: str
    name: str  # the live name, or the declared name (or label) when not in Chime
    target_id: str | None
    member_id: str | None
    live_role: RoleValue | None
    declared_role: RoleValue | None
    provenance: tuple[Provenance, ...]
    prune: bool | None  # the declared target's prune; None when it is not declared
    status: Status
    note: str = ""  # what a plan does here, in words (the planner's answer)
    protected: bool = False  # settings.yaml `protected:` (never removed or demoted)
    # the declared target, where the planner changes the member (adds, removes, changes
    # its role: ``planned_change``): the plan's safety rules may refuse the plan with it
    # (``audit_refusals``, QA-CJ Q-CJ-2, Q-EE-1); None: no change
    changed: TargetKey | None = field(default=None, compare=False)
    # the declared target the row is of (None: not declared), by the id Chime has it by
    # (``target_id``): what ``audit_refusals`` reads it by, not by its name again
    declared: TargetKey | None = field(default=None, compare=False)
    # where Chime has the member more than once in the target, which of them the row is,
    # as its note begins (``Twin (id arn:…/bot/bot-2)``, then ": " and the note where there
    # is one: ``noted``); "" otherwise
    which: str = field(default="", compare=False)

    def role_text(self, role: RoleValue | None) -> str | None:
        return kinds.get(self.kind).role_text(role) if role is not None else None


@dataclass(frozen=True)
class Audit:
    member: MemberRef
    kinds: tuple[str, ...]  # the target kinds looked in (``Whereabouts.kinds``)
    lookups: tuple[ScopeLookup, ...]
    desired_read: bool
    desired_note: str  # the directory and file count, or why it was not read
    rows: tuple[AuditRow, ...]
    # the declared targets the finder could not take for the one the plan plans (a name
    # several targets share: the plan's error, QA-FT Q-FT-1, Q-FT-5): a row's id is not
    # theirs, and ``audit_refusals.to_plan`` leaves them as declared, for the plan to say
    unresolved: frozenset[TargetKey] = field(default=frozenset(), compare=False)

    @property
    def live_count(self) -> int:
        """The targets Chime has the member in: a target's twin rows (two bots of one
        name, each in it) are one, as in ``declared_count`` (QA-LD Q-LD-3)."""
        return len({(r.kind, r.scope, r.target_id or r.name) for r in self.rows if r.live_role})

    @property
    def live_by_member(self) -> dict[str, int]:
        """The targets each member id is in, by id, when the member audited names several
        in one scope (two bots of one name); else empty."""
        if all(len(a.member_ids) < 2 for a in self.lookups):
            return {}
        seen: dict[str, set[tuple[str, str, str]]] = {}
        for r in self.rows:
            if r.live_role is not None and r.member_id is not None:
                seen.setdefault(r.member_id, set()).add((r.kind, r.scope, r.target_id or r.name))
        return {m: len(targets) for m, targets in seen.items()} if len(seen) > 1 else {}

    @property
    def declared_count(self) -> int:
        """The targets declaring the member: a target's twin rows, each declared, are one
        (QA-FU Q-FU-4)."""
        return len(
            {
                (r.kind, r.scope, r.declared or r.target_id)
                for r in self.rows
                if r.declared_role is not None
            }
        )

    @property
    def unknown(self) -> bool:
        """Nothing at all: no row, and no id in any scope looked in."""
        return not self.rows and not any(a.member_ids for a in self.lookups)

    @property
    def words(self) -> Words:
        """The words of the first kind looked in (a table's columns, its summary)."""
        return kinds.get(self.kinds[0]).words


class UnknownMemberError(ReconcilerError):
    """Chime has no such member in the scopes audited, and the desired state does not
    declare it."""

    def __init__(self, member: MemberRef, accounts: Sequence[str]) -> None:
        self.member = member
        self.accounts = tuple(accounts)
        super().__init__(str(self))

    def __str__(self) -> str:
        # the member shown once (a 256-character e-mail was quoted whole twice), as a name:
        # whole up to 256 characters, as any reference (QA-LF Q-LF-5: it was cut at 80)
        what = "bot by that name" if self.member.kind is MemberKind.BOT else "user with that e-mail"
        member = named_bare(str(self.member))
        if not self.accounts:
            return f"unknown member {member}: no Chime {what} in any account"
        where = "account" if len(self.accounts) == 1 else "accounts"
        return (
            f"unknown member {member}: no Chime {what} in {where} "
            f"{', '.join(self.accounts)}, and the desired state does not declare it"
        )


def audit(
    member: MemberRef,
    found: Whereabouts,
    desired: DesiredState | None,
    *,
    desired_note: str = "",
) -> Audit:
    """Join the memberships ``found`` of ``member`` with the desired state (None: not
    read).

    Targets of the kinds looked in that the desired state declares the member in, in a
    scope looked in, but where Chime does not have it, are rows too (``NOT_IN_CHIME``),
    with the provider's word on why a plan will not add it there, if it will not
    (``Whereabouts.absent``). ``known`` raises when there is nothing at all."""
    looked = {a.scope for a in found.lookups}
    ids = {a.scope: a.member_ids[0] for a in found.lookups if a.member_ids}
    targets = _targets(desired, found.kinds, looked)
    absent = {a.key: a for a in found.absent}
    refusals = dict(found.refusals)
    # targets the plan refuses as a whole: changed nowhere, whoever is there (Q-BJ-2)
    unplanned = dict(found.unplanned) | _declared_twice(targets, found)
    guarded = desired is not None and member in desired.protected
    rows: list[AuditRow] = []
    matched: set[int] = set()
    index = _Index(targets)
    together = _together(found.found)
    places: dict[tuple[str, str], list[Found]] = defaultdict(list)
    for f in found.found:
        places[(f.scope, f.target_id)].append(f)
    # a bot:NAME several bots of a scope have: each of its rows there says which bot it
    # is, in every target, as plan and explain name them (QA-LD Q-LD-9)
    several = {a.scope for a in found.lookups if len(a.member_ids) > 1}
    twins = several if member.kind is MemberKind.BOT else set()
    for f in sorted(found.found):
        dt = index.match(f)
        if dt is not None:
            matched.add(id(dt))
        why = refusals.get(dt.key, "") if dt is not None else ""
        alongside = tuple(g for g in together[_target_of(f)] if g is not f)
        twinned = f.scope in twins or _twinned(f, places[(f.scope, f.target_id)])
        row = _live_row(member, f, dt, desired, why, alongside, twinned)
        there = absent.get(dt.key) if dt is not None else None
        if there is not None and there.problem:  # a plan fails on it (Q-AX-3)
            row = replace(row, note=f"declared, but {there.problem}: plan reports it", changed=None)
        if dt is not None and dt.key in unplanned:
            row = _unplanned_row(row, member, f, dt, unplanned[dt.key])
        rows.append(row)
    for dt in targets:
        dm = dt.member(member)
        if id(dt) in matched or dm is None:
            continue
        assert desired is not None  # targets are the desired state's
        member_id = ids.get(dt.key.scope)
        there = absent.get(dt.key, NotThere(dt.key, dt.target_id))
        note, changed = (
            (not_planned(unplanned[dt.key]), False)
            if dt.key in unplanned
            else _not_there(member, dt, there, member_id, desired)
        )
        rows.append(
            AuditRow(
                kind=dt.key.kind,
                scope=dt.key.scope,
                name=dt.key.name,
                target_id=there.target_id,
                member_id=None,
                live_role=None,
                declared_role=dm.role,
                provenance=dm.provenance,
                prune=dt.prune,
                status=Status.NOT_IN_CHIME if member_id is not None else Status.NO_SUCH_MEMBER,
                note=note,
                protected=guarded,
                changed=dt.key if changed else None,
                declared=dt.key,
            )
        )
    # by scope as shown (settings.yaml's label of an app instance, else its id: Q-FP-8) and
    # name, live and declared together (a target's kinds in their order: a channel's
    # membership before its moderation)
    labels = {a.scope: a.label for a in found.lookups if a.label}
    rows.sort(
        key=lambda r: (
            labels.get(r.scope, r.scope),
            r.scope,
            r.name.casefold(),
            r.name,
            r.target_id or "",
            r.member_id or "",
        )
    )
    return Audit(
        member=member,
        kinds=found.kinds,
        lookups=tuple(sorted(found.lookups, key=lambda a: (a.label or a.scope, a.scope))),
        desired_read=desired is not None,
        desired_note=desired_note,
        rows=twins_declared(tuple(rows), unplanned),
        unresolved=frozenset(dict(found.unplanned)) | {a.key for a in found.absent if a.problem},
    )


def known(a: Audit) -> Audit:
    """``a``, or UnknownMemberError when it found nothing at all (no id in any scope looked
    in, no declaration)."""
    if a.unknown:
        raise UnknownMemberError(a.member, [x.scope for x in a.lookups])
    return a


def not_planned(reason: str) -> str:
    """The note of a row in a target the plan refuses: the plan's own reason."""
    return f"not planned: {reason}"


def _declared_twice(targets: Sequence[DesiredTarget], found: Whereabouts) -> dict[TargetKey, str]:
    """Why the plan refuses each of ``targets`` that another of them declares again (by
    name and by id), as the plan says it (``declared_once``), with the ids Chime has them
    by as far as the finder resolved them: declared, read as declared targets (a
    meeting), or resolved from a name as the plan resolves it (absences, and
    ``Whereabouts.named``: the one target of that name). A name several targets share is
    never resolved to one of them (Q-BU-1): the plan reports the name instead."""
    ids = {t.key: t.target_id for t in targets if t.target_id is not None}
    ids |= {a.key: a.target_id for a in found.absent if a.target_id is not None}
    ids |= {f.key: f.target_id for f in found.found if f.key is not None}
    ids |= dict(found.named)
    return {k: p.message for k, p in declared_twice(targets, ids).items()}


def _not_there(
    member: MemberRef,
    dt: DesiredTarget,
    there: NotThere,
    member_id: str | None,
    desired: DesiredState,
) -> tuple[str, bool]:
    """What a plan does about ``member``, declared in ``dt`` and not in it in Chime:
    a problem it reports, a refusal (the provider's), or the planner's answer; and
    whether the planner adds it (a change)."""
    if there.problem:
        return f"declared, but {there.problem}: plan reports it", False
    note, changed = planned_change(
        member, dt, None, member_id, desired, refused=bool(there.refused)
    )
    if there.refused and not note.endswith("plan adds it"):
        because = f" ({there.because})" if there.because else ""
        return f"declared, {there.refused}: plan does not add it{because}", False
    return note, changed


def planned(
    member: MemberRef,
    dt: DesiredTarget,
    live: Found | None,
    member_id: str | None,
    desired: DesiredState,
    *,
    refused: bool = False,
    why: str = "",
    alongside: Sequence[Found] = (),
) -> str:
    """What a plan does about ``member`` in ``dt``, in words (``planned_change``)."""
    note, _ = planned_change(
        member, dt, live, member_id, desired, refused=refused, why=why, alongside=alongside
    )
    return note


def planned_change(
    member: MemberRef,
    dt: DesiredTarget,
    live: Found | None,
    member_id: str | None,
    desired: DesiredState,
    *,
    refused: bool = False,
    why: str = "",
    alongside: Sequence[Found] = (),
) -> tuple[str, bool]:
    """What a plan does about ``member`` in the declared target ``dt``, in words, and
    whether it changes the member there (adds it, removes it, changes its role), which the
    plan's safety rules may refuse (Q-EE-1: a plain member's removal too, and an add, as
    explain says it): the planner's answer for the target as Chime has the member there
    (``live``; None: not in it, and ``member_id`` its id in the scope, None when Chime has
    no such member; ``refused``: the provider refuses it there, a ban). ``alongside``:
    the member's other live memberships in that target (meeting attendees whose e-mails
    differ only in case), which the planner sees with it, as plan does (Q-BJ-1): the
    answer is ``live``'s own."""
    kind = kinds.get(dt.key.kind)
    words = kind.words
    lm: LiveMember | None = replace(live.membership, ref=member) if live is not None else None
    if live is not None and alongside:  # each as live spells it: the planner tells them apart
        lm = _as_member(live.membership, member)
    others = tuple(_as_member(g.membership, member) for g in alongside)
    target = LiveTarget(
        dt.key, live.target_id if live else dt.target_id or "", ((lm,) if lm else ()) + others
    )
    ids = {member: lm.member_id if lm is not None else member_id}
    quiet = quiet_members(desired).get(dt.key.scope, frozenset())
    no = (member,) if refused else ()
    # a protection that ended: the change says so, as plan's does (QA-FZ Q-FZ-4)
    lost = lapsed(desired, desired.as_of) if desired.as_of is not None else {}
    found = {r: i for r, i in ids.items() if i is not None}
    tp = plan_target(dt, target, found, desired.protected, quiet, no, lost)
    ends = protection_ends(desired, member)

    def this(ref: MemberRef, its_id: str) -> bool:  # ``lm`` itself, not another spelling
        return ref == member and (not alongside or lm is None or its_id == lm.member_id)

    change = next((c for c in tp.changes if this(c.member, c.member_id)), None)
    if change is not None and change.action is Action.CREATE:
        return f"declared, not in {words.not_in or 'the ' + words.entry_noun}: plan adds it", True
    if change is not None and change.action is Action.UPDATE:
        what = words.changes or words.role
        note = f"plan changes the {what} to {kind.role_text(change.role_after)}"
        # the entry (or protection) whose end demotes it: why, first, as plan says it
        # (Q-FR-5; QA-FZ Q-FZ-1: also where another path keeps the member there)
        said = change_words(change)
        return (note if said is None else f"{said}: {note}"), True
    if change is not None:  # an entry (or protection) that ended says so (Q-FN-3, Q-FZ-4)
        said, removes = change_words(change), "plan removes it (prune)"
        return (undeclared(removes) if said is None else f"{said}: {removes}"), True
    return with_expiry(_unchanged(member, dt, tp, lm, ends, this, refused, why), dt, member), False


def _unchanged(
    member: MemberRef,
    dt: DesiredTarget,
    tp: TargetPlan,
    lm: LiveMember | None,
    ends: Until | None,
    this: Callable[[MemberRef, str], bool],
    refused: bool,
    why: str,
) -> str:
    """``planned_change``'s words where the plan does not change the member."""
    kind = kinds.get(dt.key.kind)
    words = kind.words
    # kept by its protection: removed once it ends, if it ends
    if any(this(m.ref, m.member_id) for m in tp.protected):
        return undeclared(f"kept, {protected_words(ends, 'removed')}")
    # unpruned and protected (``unmanaged_protected``): kept because the target does not
    # prune, whether or not the protection ends; a protection without an end says so, as
    # it would in a pruned target (QA-AU Q-AU-1: never "removed after it" here)
    if member.kind in kind.never_managed and words.never_managed_why:  # AWS's own (Q-EK-2)
        return undeclared(f"kept, {words.never_managed_why}")
    if member in tp.unmanaged_protected:
        if ends is not None:
            return undeclared(words.kept_unpruned)
        return undeclared(f"kept, {protected_words(None, 'removed')}")
    if any(this(m.ref, m.member_id) for m in tp.unmanaged):
        return undeclared(words.kept_unpruned)
    dm = dt.member(member)
    if lm is None:
        return "declared, but Chime has no such member: plan reports it"
    if dm is None:  # the tool itself there (a bearer): kept, never listed
        return undeclared(f"kept, {protected_words(ends, 'removed')}")
    if lm.role == dm.role:
        return "declared"
    declared = kind.role_text(dm.role)
    if any(m.member_id == lm.member_id for m in tp.held):  # declared lower, protected
        return f"declared {declared}: kept, {protected_words(ends, 'demoted')}"
    if refused:  # the provider refuses the declared role there: left as it is
        return f"declared {declared}: refused, left as it is ({why})"
    return f"declared {declared}: left as it is"


def _as_member(m: LiveMember, member: MemberRef) -> LiveMember:
    """``m`` with ``member``'s ref, unless it has it already (as live spells it)."""
    return m if m.ref == member else replace(m, ref=member)


_TargetOf = tuple[str, str, str, TargetKey | None]


def _target_of(f: Found) -> _TargetOf:
    """The live target a membership is in, of its kind, as read."""
    return f.kind, f.scope, f.target_id, f.key


def _together(found: Sequence[Found]) -> dict[_TargetOf, list[Found]]:
    """The member's live memberships by target, in ``found``'s order: a row's others
    there (``alongside``) are its target's but itself (Q-BV-1: one pass, not one a row)."""
    out: dict[_TargetOf, list[Found]] = defaultdict(list)
    for f in found:
        out[_target_of(f)].append(f)
    return out


def _declared_one(dm: DesiredMember, memberships: Sequence[LiveMember]) -> str:
    """The id of the live membership a declaration is matched with, as the planner
    matches it (``live.declared_match``)."""
    matched = declared_match(dm.ref, memberships)
    return matched.member_id if matched is not None else ""


def _targets(
    desired: DesiredState | None, of: Sequence[str], scopes: set[str]
) -> list[DesiredTarget]:
    if desired is None:
        return []
    return [t for t in desired.targets if t.key.kind in of and t.key.scope in scopes]


class _Index:
    """The declared targets by what a live one is matched with (``match``), built once
    for all the rows (Q-BV-1): by key, by declared id, by name where no id is declared;
    the first declared of each, as a scan in the desired state's order finds it."""

    def __init__(self, targets: Sequence[DesiredTarget]) -> None:
        self._by_key: dict[TargetKey, DesiredTarget] = {}
        self._by_id: dict[tuple[str, str, str], DesiredTarget] = {}
        self._by_name: dict[tuple[str, str, str], DesiredTarget] = {}
        for t in targets:
            key = t.key
            self._by_key.setdefault(key, t)
            if t.target_id is not None:
                self._by_id.setdefault((key.kind, key.scope, t.target_id), t)
            else:
                self._by_name.setdefault((key.kind, key.scope, key.name), t)

    def match(self, f: Found) -> DesiredTarget | None:
        """The declared target this live one is: the one the provider read
        (``Found.key``), else the one declared with its id, else the one declared by its
        name (an entry declaring its id is it, even where another declares a name it
        shares: Q-BU-3)."""
        if f.key is not None:
            return self._by_key.get(f.key)
        by_id = self._by_id.get((f.kind, f.scope, f.target_id))
        return by_id or self._by_name.get((f.kind, f.scope, f.name))


def _live_row(
    member: MemberRef,
    f: Found,
    dt: DesiredTarget | None,
    desired: DesiredState | None,
    refused: str = "",
    alongside: Sequence[Found] = (),
    twinned: bool = False,
) -> AuditRow:
    # the member as the provider names this membership where the plan names it otherwise
    # (a channel's bot by its ARN: one of two of a name, a bearer: Q-FP-9): planned so
    its = f.membership.ref if f.membership.ref != member else member
    same = tuple(g for g in alongside if g.membership.ref == its)
    dm = dt.member(its) if dt is not None else None
    mine = (f.membership, *(g.membership for g in same))
    if dm is not None and same and _declared_one(dm, mine) != f.membership.member_id:
        dm = None  # another live spelling of it takes the declaration (Q-BJ-1)
    role = f.membership.role
    note = ""
    changed: TargetKey | None = None
    if desired is None:
        status = Status.UNKNOWN
    elif dt is None:
        status = Status.ROOM_NOT_DECLARED
        note = f"{kinds.get(f.kind).words.entry_noun} not in the desired state"
    else:
        if dm is None:
            status = Status.NOT_DECLARED
        elif dm.role == role:
            status = Status.IN_SYNC
        else:
            status = Status.ROLE_DIFFERS
        note, change = planned_change(
            its, dt, f, None, desired, refused=bool(refused), why=refused, alongside=same
        )
        changed = dt.key if change else None
    which = _which(member, f, alongside, twinned)
    return AuditRow(
        kind=f.kind,
        scope=f.scope,
        name=f.name,
        target_id=f.target_id,
        member_id=f.membership.member_id,
        live_role=role,
        declared_role=dm.role if dm is not None else None,
        provenance=dm.provenance if dm is not None else (),
        prune=dt.prune if dt is not None else None,
        status=status,
        note=noted(which, note),
        protected=desired is not None and its in desired.protected,
        changed=changed,
        declared=dt.key if dt is not None else None,
        which=which,
    )


def twins_declared(
    rows: tuple[AuditRow, ...], unplanned: Mapping[TargetKey, str]
) -> tuple[AuditRow, ...]:
    """``rows``, where the member is in a refused target more than once (a room's two
    bots of the declared ``bot:NAME``) and one row took the declaration: the others take
    it too (role, FILE:LINE, status against their live role), as no plan matches it with
    one of them and ``explain`` shows each declared (QA-FU Q-FU-4; a channel's, by ARN:
    ``_unplanned_row``). ``audit`` calls it for the targets its finder knows the plan
    refuses (QA-LD Q-LD-10), ``audit_refusals`` for those the plan itself refuses."""
    taken = {
        (r.declared, r.target_id): r
        for r in rows
        if r.which and r.declared in unplanned and r.declared_role is not None
    }

    def declared(r: AuditRow) -> AuditRow:
        took = taken.get((r.declared, r.target_id))
        if took is None or not r.which or r.declared_role is not None:
            return r
        same = took.declared_role == r.live_role
        return replace(
            r,
            declared_role=took.declared_role,
            provenance=took.provenance,
            status=Status.IN_SYNC if same else Status.ROLE_DIFFERS,
        )

    return tuple(declared(r) for r in rows)


def _twinned(f: Found, there: Sequence[Found]) -> bool:
    """Whether Chime has the member under another id in ``f``'s live target in any of
    its listings (``there``: every row of that target id, of any kind): a channel's
    moderator row of one of two bots of a name in its memberships, as the plan names it by
    its ARN (QA-FS Q-FS-3, QA-FX Q-FX-2)."""
    return any(g.membership.member_id != f.membership.member_id for g in there)


def _which(member: MemberRef, f: Found, alongside: Sequence[Found], twinned: bool = False) -> str:
    """Where Chime has the member more than once in a target (``alongside``, or under
    another id in another listing of it: ``twinned``), which of them ``f``'s row is: its
    spelling (a bot: its name) and id in Chime, ``Twin (id arn:…/bot/bot-2)``; else
    ""."""
    if not alongside and not twinned:
        return ""
    its = f.membership.ref
    spelled = its if its == member else member
    return f"{spelled.display} (id {f.membership.member_id})"


def noted(which: str, note: str) -> str:
    """A row's note: which twin it is (``_which``), then what a plan does there, where
    there is either; the twin alone where there is nothing to say (no desired state),
    not ``Twin (id …): `` with nothing after it (QA-GE Q-GE-5)."""
    return f"{which}: {note}" if which and note else which or note


def _unplanned_row(
    row: AuditRow,
    member: MemberRef,
    f: Found,
    dt: DesiredTarget,
    why: str,
) -> AuditRow:
    """``row``, of a target the plan refuses as a whole (``why``): ``not planned: WHY``,
    no change, beginning with which of the member's memberships there it is
    (``AuditRow.which``); and declared as MEMBER is declared there where the row's own spelling is
    not (a ``bot:NAME`` two bots share, each row by its ARN: QA-FT Q-FT-2), as
    ``explain`` shows each of them declared."""
    row = replace(row, note=noted(row.which, not_planned(why)), changed=None)
    other = row.declared_role is None and f.membership.ref != member  # spelled otherwise
    dm = dt.member(member) if other else None
    if dm is None:
        return row
    status = Status.IN_SYNC if dm.role == row.live_role else Status.ROLE_DIFFERS
    return replace(row, declared_role=dm.role, provenance=dm.provenance, status=status)
