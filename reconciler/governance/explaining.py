"""Build an Explanation from the desired state (as of ``now``), the live state and the
plan made from both. Pure: the CLI reads and plans; this joins them for one member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from operator import attrgetter

from reconciler import kinds
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.governance import codeowners
from reconciler.governance.expiry import protection_ending, protection_path
from reconciler.governance.explain import Declaration, Explanation, Outcome, TargetExplanation
from reconciler.governance.grant import NO_GRANT, Ending
from reconciler.kinds import Kind
from reconciler.live import LiveMember, LiveProblem, LiveState, declared_match, refusal_in
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.refs import EMPTY_REFERENCE, MemberRef, Provenance, TargetKey
from reconciler.refused_adds import refused_add
from reconciler.refused_elsewhere import elsewhere_note
from reconciler.refused_targets import error_at
from reconciler.render.twin_bots import twin_ids, with_id
from reconciler.safety import capped, refused_elsewhere, refusing
from reconciler.target_select import alone_form, select

# the planner's order of live members with one ref (``planner._live_order``)
_ID: Callable[[LiveMember], str] = attrgetter("member_id")

OUTCOMES = {
    Action.CREATE: Outcome.ADD,
    Action.UPDATE: Outcome.CHANGE,
    Action.DELETE: Outcome.REMOVE,
}


def explain(
    member: str,
    refs: Mapping[str, MemberRef],
    desired: DesiredState,
    live: LiveState,
    plan: Plan,
    now: dt.datetime,
    *,
    targets: Collection[str] | None = None,
    spellings: Mapping[TargetKey, Sequence[MemberRef]] | None = None,
) -> Explanation:
    """Every declared target (or those named in ``targets``) where the member is declared,
    was declared (expired), or is live; a target named in ``targets`` is shown anyway.
    ``refs``: the member as each kind reads ``member`` (kind id -> ref); targets of a kind
    that cannot read it are left out, and so are those ``member`` says it is not of (an
    AppInstanceUser ARN: the channels of other app instances, ``Kind.elsewhere``).
    ``spellings``: by target, the other references its live state may name the member by
    (``providers.base.Spellings``: the bots of a ``bot:NAME``, by their ARNs); where the
    live state has the member by none of ``refs`` but by those, each is a section of its
    own, planned as the plan names it (QA-FP Q-FP-2)."""
    planned = {t.key: t for t in plan.targets}
    # targets read and left out, not an error (a meeting that has ended): why
    left_out = {n.target: n for n in live.notices if n.target is not None}
    # targets not read for an error of the settings (a bearer not found): the located error
    unread = {p.target: str(p) for p in live.problems if p.of_settings and p.target is not None}
    shown = []
    selected = sorted(select(desired.targets, targets or None), key=lambda t: t.key)
    for t in selected:
        if not _reads(t, member, refs):
            continue
        ref = refs[t.key.kind]
        for one in _sections(ref, t, live, plan, planned, desired, now, spellings or {}):
            one = _located(one, t, left_out, unread)
            if targets or one.declarations or one.live_role is not None or _unknown(one):
                shown.append(one)
    audited = any(kinds.get(k).audit_lists_all for k in refs if kinds.known(k))
    chosen = {t.key for t in selected}
    others = bool(targets) and any(
        t.key not in chosen and _reads(t, member, refs) for t in desired.targets
    )
    return Explanation(
        member,
        now,
        tuple(shown),
        len(selected) if targets else None,
        audited=audited,
        others=others,
    )


def _reads(t: DesiredTarget, member: str, refs: Mapping[str, MemberRef]) -> bool:
    """Whether explain reads ``member`` in ``t``: its kind reads the member, and the
    member is not of another scope (``Kind.elsewhere``)."""
    if t.key.kind not in refs:
        return False
    return kinds.get(t.key.kind).elsewhere(member, t.key.scope) is None


def _unknown(one: TargetExplanation) -> bool:
    """A target refused unread may have the member: said so, not left out (Q-BJ-2)."""
    return one.outcome is Outcome.NOT_PLANNED and not one.read


def _located(
    one: TargetExplanation,
    t: DesiredTarget,
    left_out: Mapping[TargetKey, LiveProblem],
    unread: Mapping[TargetKey, str],
) -> TargetExplanation:
    """``one`` not read: why, where the read says it (a meeting that ended, an error of
    the settings)."""
    if one.outcome is Outcome.NOT_READ and t.key in left_out:
        gone = left_out[t.key]  # shown by the id it was looked for by (Q-EE-3)
        one = replace(one, outcome=Outcome.ENDED, detail=gone.message)
        one = replace(one, target_id=gone.target_id or one.target_id)
    elif one.outcome is Outcome.NOT_READ and t.key in unread:
        one = replace(one, detail=unread[t.key])
    return one


def _sections(
    ref: MemberRef,
    t: DesiredTarget,
    live: LiveState,
    plan: Plan,
    planned: Mapping[TargetKey, TargetPlan],
    desired: DesiredState,
    now: dt.datetime,
    spellings: Mapping[TargetKey, Sequence[MemberRef]],
) -> list[TargetExplanation]:
    """The member in ``t``: one section; or, where the live state has it by none of its
    own reference but by others (``spellings``: bots of its name, by their ARNs), one for
    each of those it has, as the plan names it there; or, where it has several bots of
    its name by that name (a room lists bots by name: QA-LE Q-LE-9), one for each, by its
    id, as the plan names them (``bot:Pager (id b1)``)."""
    tp = planned.get(t.key)
    unplanned = live.unplanned.get(t.key) if tp is None else None
    lt = unplanned.target if unplanned is not None else live.targets.get(t.key)
    twins = twin_ids(lt.members, ref) if lt is not None else []
    if twins:
        return [_section(ref, t, live, plan, tp, desired, now, live_id=i) for i in twins]
    others: list[MemberRef] = []
    if lt is not None and not any(m.ref == ref for m in lt.members):
        there = {m.ref for m in lt.members}
        others = [r for r in spellings.get(t.key, ()) if r != ref and r in there]
    if not others:
        return [_section(ref, t, live, plan, tp, desired, now)]
    return [_section(ref, t, live, plan, tp, desired, now, as_live=r) for r in others]


def _section(
    ref: MemberRef,
    t: DesiredTarget,
    live: LiveState,
    plan: Plan,
    tp: TargetPlan | None,
    desired: DesiredState,
    now: dt.datetime,
    as_live: MemberRef | None = None,
    live_id: str | None = None,
) -> TargetExplanation:
    """The member ``ref`` in ``t`` (``as_live``: as the plan names it there, where that is
    not ``ref``; ``live_id``: the one of several bots of its name there)."""
    its = as_live or ref
    unplanned = live.unplanned.get(t.key) if tp is None else None
    # why the plan refuses the target, or this member of it (``LiveState.refused``: the
    # provider's reason, the plan's error at the member's line)
    if unplanned is not None:  # refused as a whole by the provider (Q-BJ-2)
        refused = unplanned.why
    elif tp is None:
        refused = _refused(t, plan.errors)
    else:
        refused = refusal_in(live.refused.get((tp.target_id, its), ()), t.key)
    ending = protection_ending(desired, its)  # a protection that ends
    one = _target(
        ref, t, live, tp, now, its in desired.protected, refused, as_live, ending, live_id
    )
    if one.outcome is Outcome.NOT_READ and refused:  # the plan's located reason (Q-EE-4)
        one = replace(one, detail=refused)
    if one.outcome in OUTCOMES.values():  # a change: is the plan refused for it?
        own = capped({t.key: t.safety}, t.key)  # outside the plan-wide count (Q-HJ-7)
        one = replace(one, refused_by=refusing(plan.violations, t.key, own))
        if not one.refused_by:  # another target's own rule refuses the plan (Q-HF-3)
            others = refused_elsewhere(plan.violations, t.key, own)
            note = elsewhere_note(others, t.key, alone_form(desired.targets, t))
            one = replace(one, refused_elsewhere=others, elsewhere=note)
    if one.outcome is Outcome.ADD and tp is not None:  # does AWS refuse it? (Q-FO-4)
        one = replace(one, refused_add=refused_add(tp, its))
    if one.outcome is Outcome.PROTECTED and ending is not None:
        one = replace(one, protected_until=ending.until)
    return one


def member_refs(text: str) -> dict[str, MemberRef]:
    """``text`` as each registered kind reads a member (an e-mail address, ``bot:NAME``,
    ...); raises ValueError (the first kind's message) when no kind can read it, and
    for an empty ``text`` the one reason there is (not a kind's "malformed email": Q-GB-5)."""
    return read_member(text)[0]


def read_member(text: str) -> tuple[dict[str, MemberRef], ValueError | None]:
    """``member_refs``, with the first refusing kind's reason (None when every kind reads
    it): why the text is no member of the kinds that refuse it, for a desired state that
    declares only those (QA-GP Q-GP-1: ``webhook:X`` is an ExternalUserId to meetings)."""
    if not text.strip():
        raise ValueError(EMPTY_REFERENCE)
    refs: dict[str, MemberRef] = {}
    first_error: ValueError | None = None
    for kind in kinds.all_kinds():
        try:
            refs[kind.id] = kind.lookup_member(text)
        except ValueError as exc:
            first_error = first_error or exc
    if not refs and first_error is not None:
        raise first_error
    return refs, first_error


def _target(
    member: MemberRef,
    t: DesiredTarget,
    live: LiveState,
    tp: TargetPlan | None,
    now: dt.datetime,
    protected: bool = False,
    refused: str = "",
    as_live: MemberRef | None = None,
    ending: Ending | None = None,
    live_id: str | None = None,
) -> TargetExplanation:
    """``member`` in ``t``: declared as ``member``, live and planned as ``as_live`` where
    the plan names it so there (one of the bots of its name: QA-FP Q-FP-2); ``ending``:
    its protection's end, where a ``protected:`` group entry's ``until:`` ends it."""
    kind = kinds.get(t.key.kind)
    text = kind.role_text
    dm = t.member(member)
    its = as_live or member
    lt = live.targets.get(t.key)
    unplanned = live.unplanned.get(t.key) if tp is None else None
    if unplanned is not None:  # the plan refuses it as a whole: as read, if read (Q-BJ-2)
        lt = unplanned.target
    lm = _live_member(its, dm, lt.members, live_id) if lt is not None else None
    if dm is not None and lm is not None and lt is not None:
        matched = declared_match(dm.ref, lt.members)
        if matched is not None and matched.member_id != lm.member_id:
            # another live spelling takes the declaration: this one is undeclared, as
            # plan and audit treat it (QA-FE Q-FE-3)
            dm = None
    gone = next((m for m in t.expired if m.ref == member), None)
    paths = (dm.provenance + dm.expired) if dm is not None else ()
    paths += gone.expired if gone is not None else ()
    live_role = text(lm.role) if lm is not None else None
    outcome, detail, change = _outcome(its, dm, lm, lt is not None, tp)
    if unplanned is not None:
        outcome, detail, change = Outcome.NOT_PLANNED, unplanned.why, None
    # a protection that ended (a ``protected:`` group entry's until:): why the plan
    # removes or demotes it, as the plan says (QA-AO Q-AO-3)
    paths += tuple(p for p in change.provenance if p.protection) if change is not None else ()
    if outcome is Outcome.KEPT and member.kind in kind.never_managed:
        detail = kind.words.never_managed_why  # AWS's own attendee (Q-EK-2)
    if outcome in (Outcome.NOT_PLANNED, Outcome.UNRESOLVED) and refused:
        detail = refused
    elif outcome is Outcome.IN_SYNC and refused and _differ(lm, dm):
        outcome, detail = Outcome.REFUSED, refused  # its declared role refused: left as it is
    guarded = protected and outcome in (Outcome.ABSENT, Outcome.IN_SYNC)
    if guarded and lm is not None and (dm is None or kind.is_removal(lm.role, dm.role)):
        outcome = Outcome.PROTECTED  # a bearer, or declared lower: kept, not listed
    if outcome is Outcome.PROTECTED and ending is not None and lm is not None:
        # the running protection, its way and where its until: is written (QA-GG Q-GG-1)
        paths += (replace(protection_path(ending, lm.role), expired=False),)
    return TargetExplanation(
        kind=kind.id,
        name=t.key.name,
        scope=t.key.scope,
        scope_label=kind.words.scope,
        # the id Chime answered to (a meeting's ``${VARIABLE}`` resolved), as `plan` shows
        # it; not read: the id declared, never a ``${VARIABLE}``'s text (Q-EE-3)
        target_id=(lt.target_id if lt is not None else None)
        or (kind.written_id(t.target_id) if t.target_id else None),
        location=t.location,
        owners=tuple(codeowners.distinct(t.owners).values()),  # each once, as CODEOWNERS
        prune=t.prune,
        declared_role=text(dm.role) if dm is not None else None,
        declarations=tuple(_declaration(p, kind) for p in paths),
        live_role=live_role,
        declared_json=kind.role_json(dm.role) if dm is not None else None,
        live_json=kind.role_json(lm.role) if lm is not None else None,
        outcome=outcome,
        detail=detail,
        role_word=kind.words.role,
        changed_to=_changed_to(change, dm, kind),
        read=lt is not None,
        live_as=str(as_live) if as_live is not None else _twin(its, lm, live_id),
    )


def _changed_to(change: Change | None, dm: DesiredMember | None, kind: Kind) -> str | None:
    """The role a change makes the member where no file declares it (a protected member
    whose elevated role ended: QA-AO Q-AO-2), else None (the declared role)."""
    if change is None or change.action is not Action.UPDATE or dm is not None:
        return None
    return kind.role_text(change.role_after)


def _declaration(p: Provenance, kind: Kind) -> Declaration:
    return Declaration(
        role=kind.role_text(p.role),
        role_json=kind.role_json(p.role),
        entry=p.declared_at,
        where=p.where,
        via=p.via,
        grant=p.grant or NO_GRANT,
        expired=p.expired,
        protection=p.protection,
    )


def _differ(lm: LiveMember | None, dm: DesiredMember | None) -> bool:
    """Live and declared with different roles."""
    return lm is not None and dm is not None and lm.role != dm.role


def _twin(its: MemberRef, lm: LiveMember | None, live_id: str | None) -> str | None:
    """``bot:Pager (id b1)``: the one of several bots of its name a section is, as the
    plan names it (``twin_bots.with_id``); None for any other member."""
    return with_id(its, lm.member_id) if live_id is not None and lm is not None else None


def _live_member(
    member: MemberRef,
    dm: DesiredMember | None,
    members: Iterable[LiveMember],
    live_id: str | None = None,
) -> LiveMember | None:
    """The live member ``member`` names (``live_id``: the one of that id, one of several
    bots of its name). Several share its ref when meeting attendees'
    e-mail ExternalUserIds differ only in case: the one spelled as MEMBER is written, else
    the one the plan keeps for the declaration (``live.declared_match``)."""
    found = [m for m in members if m.ref == member]
    if live_id is not None:
        return next((m for m in found if m.member_id == live_id), None)
    spelled = min((m for m in found if m.ref.display == member.display), default=None, key=_ID)
    return spelled or declared_match(dm.ref if dm is not None else member, found)


def _outcome(
    member: MemberRef,
    dm: DesiredMember | None,
    lm: LiveMember | None,
    read: bool,
    tp: TargetPlan | None,
) -> tuple[Outcome, str, Change | None]:
    """What the plan does about the member, why (for some outcomes), and its change."""
    if not read:
        return Outcome.NOT_READ, "the target was not read from Chime (see `plan`)", None
    if tp is None:  # read, and refused by the plan: one target declared twice
        return Outcome.NOT_PLANNED, "the plan refuses this target (see `plan`)", None

    def this(ref: MemberRef, member_id: str) -> bool:  # ``lm`` itself, not a case-variant
        return ref == member and (lm is None or member_id == lm.member_id)

    change = next((c for c in tp.changes if this(c.member, c.member_id)), None)
    if change is not None:
        return OUTCOMES[change.action], "", change
    if any(this(m.ref, m.member_id) for m in tp.protected):
        return Outcome.PROTECTED, "", None
    if any(this(m.ref, m.member_id) for m in tp.unmanaged):
        return Outcome.KEPT, "", None
    declared, is_live = dm is not None, lm is not None
    if declared and is_live:
        return Outcome.IN_SYNC, "", None
    if declared:
        return Outcome.UNRESOLVED, "Chime has no such member (see `plan`)", None
    return Outcome.ABSENT, "", None


def _refused(t: DesiredTarget, errors: Iterable[str]) -> str:
    """The plan's error at the target's declaration (why it is not planned), or "": the
    rule audit shares (``refused_targets``)."""
    return error_at(t.location, errors)
