"""``chime-reconciler explain MEMBER``: why a member is (or is not) in each target.

The result model and its JSON document. Per target: every path that declares the member
(role, file and line, group chain, until, reason, ticket; expired ones too), the live
role, and what a plan does about it. Roles are the kind's own names (plain strings), so
every kind is explained alike; the JSON document writes them as the JSON plan does
(``Kind.role_json``: a meeting attendee's capabilities as an object). Renderers:
``reconciler.render.explain``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from reconciler.governance.expiry import protected_words, until_set_at
from reconciler.governance.grant import PROTECTION, Grant, Until, days_left
from reconciler.governance.plan_json import instant
from reconciler.plan import SafetyViolation
from reconciler.prose import counted
from reconciler.refs import Location, TargetKey

# a string, as the plan's and audit's format_version. "2": the key was ``version`` (the
# number 1) before the outcomes ``refused`` and ``ended`` were added
JSON_VERSION = "2"


class Outcome(StrEnum):
    """What the plan does about the member in one target."""

    IN_SYNC = "in-sync"  # declared and live with the declared role
    ADD = "add"  # declared, not live: the plan adds it
    CHANGE = "change"  # live with another role: the plan changes it
    REMOVE = "remove"  # live, not declared (or expired), prune on: the plan removes it
    KEPT = "kept"  # live, not declared, prune off (or a webhook): left alone
    PROTECTED = "protected"  # would be removed or demoted, but is protected
    UNRESOLVED = "unresolved"  # declared, but Chime has no such member: the plan says so
    # live with another role, which the target refuses (a meeting without video): kept as it is
    REFUSED = "refused"
    NOT_READ = "not-read"  # the target could not be read from Chime
    # read, and Chime no longer has it (a meeting that has ended): the plan leaves it out,
    # not an error (the plan's ``notices``)
    ENDED = "ended"
    NOT_PLANNED = "not-planned"  # read, but the plan refuses it (declared twice)
    ABSENT = "absent"  # neither declared (now) nor live


@dataclass(frozen=True)
class Declaration:
    """One path that declares (or declared, when expired) the member in a target."""

    role: str
    entry: Location  # the target's list entry (``@sre`` or the member itself)
    where: Location  # where the member itself is written (in the innermost group)
    via: tuple[str, ...]  # group chain, outermost first, without '@'
    grant: Grant
    expired: bool
    role_json: Any = None  # ``role`` as the JSON plan writes it (a meeting's: an object;
    # None: ``role`` itself)
    # settings.yaml ``protected:`` through a group entry with until: (``role``: the live
    # role it kept), not a grant of ``role``
    protection: bool = False

    def describe(self, now: dt.datetime) -> str:
        """``Administrator via @sre at FILE:LINE, until 2027-03-31 (30 days left), ...``"""
        chain = f" via {' > '.join('@' + g for g in self.via)}" if self.via else ""
        what = PROTECTION if self.protection else self.role
        text = f"{what}{chain} at {self.where}"
        if self.via:
            text += f" (from {self.entry})"  # the target's entry naming the group
        until = self.grant.until
        if self.expired and until is not None:
            text = f"expired {until}: {text}"
        # an until written elsewhere (an outer group's entry): the line to edit to extend
        # it, before its end as after it (QA-FZ Q-FZ-2)
        text += until_set_at(until, self.where, self.entry)
        details = _grant_details(self.grant, now, with_until=not self.expired)
        return f"{text}, {details}" if details else text


def _grant_details(grant: Grant, now: dt.datetime, *, with_until: bool) -> str:
    parts = []
    if with_until and grant.until is not None:
        parts.append(f"until {grant.until} ({_left(grant.until, now)})")
    if grant.reason is not None:
        parts.append(f"reason: {grant.reason}")
    if grant.ticket is not None:
        parts.append(f"ticket {grant.ticket}")
    return ", ".join(parts)


def _left(until: Until, now: dt.datetime) -> str:
    days = days_left(until, now)
    if days <= 0:
        return "ends today"
    return f"{counted(days, 'day')} left"  # 26,326 days, as every count (QA-GV Q-GV-16)


@dataclass(frozen=True)
class TargetExplanation:
    kind: str  # "room", "channel", "meeting"
    name: str
    scope: str  # account id, app instance ARN, ...
    scope_label: str  # "account", "app instance", ...
    target_id: str | None
    location: Location  # where the target is declared
    owners: tuple[str, ...]
    prune: bool
    declared_role: str | None  # the effective role now; None: not declared (or expired)
    declarations: tuple[Declaration, ...]  # current first, then expired
    live_role: str | None  # None: not live (or not read)
    outcome: Outcome
    # the planner's error for UNRESOLVED / REFUSED / NOT_READ / NOT_PLANNED; the notice for ENDED
    detail: str = ""
    role_word: str = "role"  # the kind's word for a role (a meeting's: "capabilities")
    protected_until: Until | None = None  # when a protection through a group entry ends
    # the role a change makes it (CHANGE), when that is not ``declared_role``: a protected
    # member no file declares, losing an elevated role that ended (QA-AO Q-AO-2)
    changed_to: str | None = None
    # the two roles as the JSON plan writes them (``Kind.role_json``: a meeting's an object;
    # None: the text's)
    declared_json: Any = None
    live_json: Any = None
    # whether the live state of the target was read (False: not read, as for NOT_READ; a
    # target the plan refuses unread, a room declared twice, is NOT_PLANNED and unread)
    read: bool = True
    # the safety rules that refuse the plan with this target's change (ADD, CHANGE,
    # REMOVE): the change is planned, and apply makes none without --allow-unsafe (QA-CJ
    # Q-CJ-2). Empty: nothing refuses it
    refused_by: tuple[SafetyViolation, ...] = ()
    # what follows the note where ``refused_by`` is empty but another target's own rule
    # refuses the plan all the same (``refused_elsewhere.elsewhere_note``), and those
    # rules: apply changes nothing here either (QA-HF Q-HF-3). "" and (): none
    elsewhere: str = ""
    refused_elsewhere: tuple[SafetyViolation, ...] = ()
    # the member as the plan names it in this target, where that is not MEMBER: one of the
    # bots of MEMBER's name, by its ARN (QA-FP Q-FP-2); one section each. None: MEMBER
    live_as: str | None = None
    # the plan's warning that AWS will refuse this add (``refused_adds``: a full target),
    # after the note: ``..., but AWS will refuse it: ...`` (QA-FO Q-FO-4). "": none
    refused_add: str = ""

    @property
    def is_read(self) -> bool:
        """Whether the target's live state was read (the JSON's ``live.read``)."""
        if self.outcome is Outcome.NOT_PLANNED:
            return self.read
        return self.outcome is not Outcome.NOT_READ

    @property
    def note(self) -> str:
        note = self._note()
        if self.refused_add:
            note = f"{note}, but {self.refused_add}"
        if not self.refused_by:
            return f"{note}, {self.elsewhere}" if self.elsewhere else note
        rules = "; ".join(v.message for v in self.refused_by)
        return (
            f"{note}, but the plan is refused: {rules} (apply changes nothing without "
            "--allow-unsafe)"
        )

    def _note(self) -> str:
        o = self.outcome
        if o is Outcome.IN_SYNC:
            return "in sync: no change"
        if o is Outcome.ADD:
            return f"the plan adds it as {self.declared_role}"
        if o is Outcome.CHANGE:
            after = self.changed_to or self.declared_role
            return f"the plan changes its {self.role_word} {self.live_role} -> {after}"
        if o is Outcome.REMOVE:
            return "the plan removes it (prune is on)"
        if o is Outcome.KEPT:
            if self.detail:  # a member the kind never manages
                return f"kept: {self.detail}"
            return "kept: not declared, and this target does not prune"
        if o is Outcome.PROTECTED:
            if self.protected_until is not None:  # where that until is, as audit says it
                return f"kept: {protected_words(self.protected_until, 'removed or demoted')}"
            return "kept: protected (settings.yaml `protected:`, or an app instance's bearer)"
        if o is Outcome.REFUSED:
            return (
                f"the plan refuses to change its {self.role_word} {self.live_role} -> "
                f"{self.declared_role}: {self.detail}"
            )
        if o is Outcome.UNRESOLVED:
            return f"the plan cannot add it: {self.detail}" if self.detail else "unresolved"
        if o is Outcome.NOT_READ:
            return f"live state not read: {self.detail}" if self.detail else "live state not read"
        if o is Outcome.ENDED:
            return self.detail
        if o is Outcome.NOT_PLANNED:
            return f"not planned: {self.detail}" if self.detail else "not planned"
        return "not declared, not live"


@dataclass(frozen=True)
class Explanation:
    member: str
    now: dt.datetime
    targets: tuple[TargetExplanation, ...]  # sorted by kind, scope, name
    # how many targets ``--target`` selected, the only ones read (None: no --target, every
    # target of the desired state): what the closing count is of (QA-GT Q-GT-3)
    given: int | None = None
    # the member's kinds (those that read it) include one ``audit`` lists outside the
    # desired state (``Kind.audit_lists_all``): the closing count points there (Q-RR-16)
    audited: bool = False
    # under --target: the desired state has targets that it left out and that explain
    # reads without it (of a kind that reads the member); else no "others" (QA-HB Q-HB-5)
    others: bool = False

    @property
    def declared(self) -> int:
        """The targets declaring the member (one with a section for each of the bots of
        its name counts once)."""
        return len({(t.kind, t.scope, t.name) for t in self.targets if t.declared_role is not None})

    @property
    def live(self) -> int:
        return len({(t.kind, t.scope, t.name) for t in self.targets if t.live_role is not None})


def to_json(e: Explanation) -> dict[str, Any]:
    """The ``--format json`` document (stable keys and outcomes; ``format_version`` changes if
    they do)."""
    return {
        "format_version": JSON_VERSION,
        "member": e.member,
        "now": instant(e.now),  # as precise as ends_at: an end before it has expired
        "targets": [_target_json(t, e.now) for t in e.targets],
        "summary": {"declared": e.declared, "live": e.live},
    }


def _target_json(t: TargetExplanation, now: dt.datetime) -> dict[str, Any]:
    return {
        "kind": t.kind,
        "name": t.name,
        "scope": t.scope,
        "id": t.target_id,
        "declared_at": str(t.location),
        "owners": list(t.owners),
        "prune": t.prune,
        "declared": t.declared_role is not None,
        "role": _or(t.declared_json, t.declared_role),
        "paths": [_declaration_json(d, now) for d in t.declarations],
        "live": {"role": _or(t.live_json, t.live_role), "read": t.is_read}
        | ({"as": t.live_as} if t.live_as is not None else {}),
        "plan": {
            "outcome": t.outcome.value,
            "note": t.note,
            "refused_by": [_rule_json(v) for v in t.refused_by],
            # another target's rule, apart: a script tells "fix this entry or
            # --allow-unsafe" from "--target applies this one alone" (REREAD-7)
            "refused_elsewhere": [
                _target_key_json(v.target) | _rule_json(v) for v in t.refused_elsewhere
            ],
        },
    }


def _rule_json(v: SafetyViolation) -> dict[str, Any]:
    return {"rule": v.rule, "setting": v.setting, "message": v.message}


def _target_key_json(key: TargetKey | None) -> dict[str, Any]:
    """Whose rule it is, as the JSON plan's ``safety.violations[]`` names it."""
    if key is None:  # a plan-wide rule (not one refused_elsewhere keeps)
        return {"kind": None, "scope": None, "name": None}
    return {"kind": key.kind, "scope": key.scope, "name": key.name}


def _or(value: Any, text: str | None) -> Any:
    return text if value is None else value


def _declaration_json(d: Declaration, now: dt.datetime) -> dict[str, Any]:
    until = d.grant.until
    return {
        "role": _or(d.role_json, d.role),
        "file": d.where.file,
        "line": d.where.line,
        "entry": str(d.entry),
        "via": list(d.via),  # group names without `@`, as the plan's JSON writes them
        "until": until.text if until else None,
        "ends_at": instant(until.instant) if until else None,  # as the JSON plan writes it
        "until_at": str(until.location) if until and until.location else None,
        "days_left": days_left(until, now) if until and not d.expired else None,
        "expired": d.expired,
        "reason": d.grant.reason,
        "ticket": d.grant.ticket,
    } | ({"protection": True} if d.protection else {})  # as the JSON plan's provenance


def seconds(moment: dt.datetime) -> str:
    """``moment`` in UTC to the whole second: the text header's ``as of``."""
    return instant(moment.replace(microsecond=0))
