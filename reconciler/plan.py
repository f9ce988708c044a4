"""Plan and Change types. A Plan is a plain, sorted container; renderers only format it.

The saved-plan file (``save_plan`` / ``load_plan``) lives in ``reconciler.planfile``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from reconciler import kinds
from reconciler.governance.grant import DEFAULT_WARNING_DAYS
from reconciler.kinds import Kind, RoleValue
from reconciler.live import LiveMember

if TYPE_CHECKING:  # governance.expiry needs the desired model, not the plan
    from reconciler.governance.expiry import Expiring
from reconciler.prose import counted, listed, number
from reconciler.refs import MemberKind, MemberRef, Provenance, TargetKey
from reconciler.shard import Shard


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"

    @property
    def order(self) -> int:
        return {"create": 0, "update": 1, "delete": 2}[self.value]


@dataclass(frozen=True)
class Change:
    """One membership change. ``member_id`` is what the API call needs."""

    action: Action
    target: TargetKey
    member: MemberRef
    member_id: str
    member_kind: MemberKind
    role_before: RoleValue | None  # roles of the target's kind
    role_after: RoleValue | None
    provenance: tuple[Provenance, ...] = ()

    @property
    def kind(self) -> Kind:
        return kinds.get(self.target.kind)

    @property
    def sort_key(self) -> tuple[int, MemberKind, str]:
        return (self.action.order, self.member.kind, self.member.key)

    @property
    def is_removal(self) -> bool:
        """Deletes and losses of an elevated role (demotions from Administrator) both count
        against the safety limits (``Kind.is_removal``)."""
        return self.action is Action.DELETE or (
            self.action is Action.UPDATE and self.kind.is_removal(self.role_before, self.role_after)
        )

    @property
    def is_demotion(self) -> bool:
        """A removal that is not a delete: the member loses an elevated role."""
        return self.action is Action.UPDATE and self.is_removal


@dataclass(frozen=True)
class RemovalLimit:
    """settings.yaml's plan-wide ``safety.max_removals`` and the targets that do not count
    towards it (those with their own ``safety: max_removals``): what a shard's plan keeps
    so that ``merge-plans`` checks the limit over the whole plan, as one plan would."""

    max_removals: int
    capped: frozenset[TargetKey] = frozenset()


@dataclass(frozen=True)
class SafetyViolation:
    """A safety rule the plan breaks, with its numbers: refused unless --allow-unsafe."""

    rule: str  # "max_removals" | "max_removal_fraction" | a kind's minimum_setting
    target: TargetKey | None  # None for plan-wide rules
    message: str

    def __str__(self) -> str:
        return self.message

    @property
    def setting(self) -> str | None:
        """The setting whose limit is broken, as the message names it at its end:
        ``safety.max_removals`` (settings.yaml) or ``rooms.all-hands.safety.max_removals``
        (the target's own ``safety:``); None when it names neither (an edited plan file)."""
        named = [f"safety.{self.rule}"]
        if self.target is not None:
            section = kinds.get(self.target.kind).section
            named.insert(0, f"{section}.{self.target.name}.safety.{self.rule}")
        return next((s for s in named if self.message.endswith(f"({s})")), None)

    @property
    def owner(self) -> str | None:
        """``rooms.all-hands`` when the limit broken is that target's own ``safety:``;
        None when it is settings.yaml's."""
        setting = self.setting
        if setting is None or setting.startswith("safety."):
            return None
        return setting.rpartition(".safety.")[0]


@dataclass(frozen=True)
class TargetPlan:
    key: TargetKey
    target_id: str
    fingerprint: str  # of the live memberships this plan was computed from
    changes: tuple[Change, ...]  # sorted: creates, updates, deletes; then by member
    unmanaged: tuple[LiveMember, ...] = ()  # present, not declared, not pruned
    # protected members a pruned target would remove (undeclared), bearers aside
    protected: tuple[LiveMember, ...] = ()
    live_count: int = 0  # memberships before the plan
    # members with an elevated role before the plan (rooms: administrators; None: unknown,
    # as in a plan file written without it, or a kind without one: a channel's memberships)
    live_elevated: int | None = None
    # those of ``unmanaged`` that are protected: pruning would keep them (and list them in
    # ``protected``, not as drift), so no hint may say that it removes them
    unmanaged_protected: tuple[MemberRef, ...] = ()
    # the target's own maximum of members, read with it (``LiveTarget.max_members``: a
    # meeting created with a MaxCount); None: the kind's
    max_members: int | None = None
    # protected members the files declare with a lower role, kept at their live (elevated)
    # one: not listed, but a protection's end demotes them, which the plan warns about
    # (QA-AO Q-AO-4). A plan file keeps them (``held``, when there are some), so that
    # apply of it warns as plan does; they are no part of a plan's identity
    held: tuple[LiveMember, ...] = field(default=(), compare=False)
    # the floor of elevated members apply keeps while it changes the target, for a kind
    # with a minimum setting (``Kind.minimum_setting``: a room's ``min_administrators``,
    # settings.yaml's or the room's own ``safety:``), as the planner read it: what
    # ``reconciler.full_swap`` warns with (Q-BB-1). A plan made now only: a
    # plan file does not keep it (its ``full_swap`` is written as it was made); None there
    minimum: int | None = field(default=None, compare=False)
    # the ids of the target's live members as the planner read them, a plan made now only
    # (a plan file does not keep them): a saved plan's id that one of them has is no
    # member created again since, whatever the plan changes (``plancheck``, Q-DM-2)
    live_ids: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def kind(self) -> Kind:
        return kinds.get(self.key.kind)

    @property
    def maximum(self) -> int | None:
        """The most members AWS lets into the target (None: no documented limit)."""
        return self.kind.max_members if self.max_members is None else self.max_members

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def drift(self) -> tuple[LiveMember, ...]:
        """Members present in Chime that no file declares, of member kinds the kind manages
        (webhooks aside): drift, which ``import --adopt`` or ``prune`` resolves."""
        never = self.kind.never_managed
        return tuple(m for m in self.unmanaged if m.kind not in never)


@dataclass(frozen=True)
class PlanSummary:
    add: int
    change: int
    remove: int

    @property
    def total(self) -> int:
        return self.add + self.change + self.remove

    def line(self) -> str:
        if not self.total:
            return "No changes. Chime memberships match the desired state."
        counts = f"{number(self.add)} to add, {number(self.change)} to change"
        return f"Plan: {counts}, {number(self.remove)} to remove."


# a plan of a desired state that declares no target: nothing was read or compared, which
# is no match with Chime, as with ``_nothing_compared_line``; no change is due (exit 0)
NOTHING_DECLARED = "No changes, but nothing was compared: the desired state declares no target."


@dataclass(frozen=True)
class Plan:
    targets: tuple[TargetPlan, ...]  # sorted by key
    violations: tuple[SafetyViolation, ...] = ()
    errors: tuple[str, ...] = ()  # unresolved members, missing rooms: located messages
    desired_digest: str = ""
    expiring: tuple[Expiring, ...] = ()  # paths ending within the warning window
    # members whose entries all expired, left in place because their target does not prune
    expired_kept: tuple[Expiring, ...] = ()
    # drift members ``import --adopt`` refuses as a file cannot name them alone (a bot
    # whose name another bot has: the provider's ``Undeclarable``), for the drift hint
    unadoptable: tuple[tuple[TargetKey, MemberRef], ...] = ()
    expiry_warning_days: int = DEFAULT_WARNING_DAYS
    # targets left out without failing the plan (a meeting that has ended): located notes
    notices: tuple[str, ...] = ()
    # ``apply PLAN``: the saved plan's changes to targets that have ended since it was made
    # (``plancheck.Comparison.ended``), not applied: reported so, not planned (Q-CH-1)
    left_out: tuple[Change, ...] = ()
    # --shard K/N: only the targets of this shard were planned (``reconciler.shard``)
    shard: Shard | None = None
    # --shard K/N: no shard holds a target, the desired state declaring none (QA-LD Q-LD-1)
    none_declared: bool = False
    # settings.yaml `drift:` (False: changes-only): whether members no file declares make
    # plan --detailed-exitcode exit 2; kept so that merged shards decide as one plan would
    unmanaged_is_drift: bool = True
    # --shard K/N: the plan-wide removal limit, for merge-plans to check over all shards
    removal_limit: RemovalLimit | None = None
    # those of ``errors`` that are governance errors (what validate refuses: settings.yaml
    # max_grant_days, require_reason, CODEOWNERS): every target was planned all the same
    governance_errors: tuple[str, ...] = ()

    @property
    def changes(self) -> tuple[Change, ...]:
        return tuple(c for t in self.targets for c in t.changes)

    @property
    def only_governance_errors(self) -> bool:
        """It has errors, and each is a governance error: every target was planned
        (QA-FR Q-FR-2). By membership, not order: merged shards list them in turn."""
        return bool(self.errors) and set(self.errors) <= set(self.governance_errors)

    @property
    def summary(self) -> PlanSummary:
        cs = self.changes
        return PlanSummary(
            add=sum(c.action is Action.CREATE for c in cs),
            change=sum(c.action is Action.UPDATE for c in cs),
            remove=sum(c.action is Action.DELETE for c in cs),
        )

    def summary_line(self, errors_at: str = "above") -> str:
        """The closing line every renderer prints (``errors_at``: where that renderer
        lists the errors). A plan with errors never claims that Chime matches the desired
        state (parts of it could not be planned), nor reads as if its changes go ahead:
        apply refuses a plan with errors as a whole. When its only errors are governance
        errors (``governance_errors``) every target was planned: the line says what the
        plan found, then that apply refuses it (QA-FR Q-FR-2)."""
        n = len(self.errors)
        # errors that left something unplanned (not governance errors only)
        planning = bool(self.errors) and not self.only_governance_errors
        errors = f"{counted(n, 'error' if planning else 'governance error')} {errors_at}"
        if planning and not self.summary.total:
            return f"No changes planned, but the plan is incomplete: {errors}."
        drift = len(self.drift)
        in_shard = self.shard is not None  # the line names the shard
        if self.left_out and not self.summary.total:
            line = self._left_out_line()
        elif self.notices and not self.targets:
            line = self._nothing_compared_line(errors_at)
        elif self.shard is not None and not self.targets and not self.none_declared:
            return self._empty_shard_line(errors)
        elif not self.targets:  # none declared in scope: no match claimed (QA-FX Q-FX-3)
            line = NOTHING_DECLARED  # in every shard alike: none holds one (QA-LD Q-LD-1)
            in_shard = False
        elif drift and not self.summary.total:
            line = (
                f"No changes, but Chime has {self._drift_counts()} the desired state does "
                "not declare."
            )
        else:
            line = self.summary.line()
        if in_shard:
            line = f"{line.removesuffix('.')} (shard {self.shard} of the targets)."
        if n:
            but = "; and" if " but " in line else ", but"  # no second "but" (drift's)
            line = f"{line.removesuffix('.')}{but} {errors}: apply refuses this plan."
        return line

    def _left_out_line(self) -> str:
        """A saved plan whose every change is to targets that ended since it was made
        (``left_out``, Q-EC-3): nothing can be applied, which is no match with Chime."""
        words = {c.kind.words.plural for c in self.left_out}
        where = words.pop() if len(words) == 1 else "targets"
        n = len(self.left_out)
        are = "is" if n == 1 else "are"
        return (
            f"No changes can be applied: the plan's {counted(n, 'change')} {are} to {where} "
            "that have ended since it was made (left out)."
        )

    def _nothing_compared_line(self, notes_at: str) -> str:
        """Every target in scope was left out (each a notice: a meeting that has ended, or
        of another ``--region``) and none planned: nothing was compared with Chime, which
        is no match with it (Q-FO-9). Not an error: no change is due (exit 0)."""
        n = len(self.notices)
        ending = [k.words for k in kinds.all_kinds() if k.ends]  # only those leave one out
        one, many = (ending[0].noun, ending[0].plural) if len(ending) == 1 else ("target", "")
        were = "was" if n == 1 else "were"
        return (
            f"No changes, but nothing was compared: {counted(n, one, many)} in scope {were} "
            f"left out (the {'note' if n == 1 else 'notes'} {notes_at}), and no other target "
            "is in scope."
        )

    def _empty_shard_line(self, errors: str) -> str:
        """``--shard K/N`` that holds no target (every declared one hashes to another
        shard; when none is declared, ``NOTHING_DECLARED`` instead: QA-LD Q-LD-1): nothing
        was read or compared, which is no match with Chime, as with
        ``_nothing_compared_line`` (QA-FS Q-FS-5). Not an error: no change is due (exit 0)."""
        line = (
            f"No changes, but nothing was compared: shard {self.shard} holds no target "
            "(every target declared is in another shard)."
        )
        if self.errors:
            line = f"{line.removesuffix('.')}; and {errors}: apply refuses this plan."
        return line

    def _drift_counts(self) -> str:
        """The members no file declares, in their kinds' words (``drift_words``)."""
        return drift_words(self.targets)

    @property
    def drifted(self) -> bool:
        """What ``plan --detailed-exitcode`` reports as drift (exit 2): changes, or members
        no file declares (unless settings.yaml says ``drift: changes-only``)."""
        return self.has_changes or (bool(self.drift) and self.unmanaged_is_drift)

    @property
    def drift(self) -> tuple[LiveMember, ...]:
        """Every target's members that no file declares (``TargetPlan.drift``)."""
        return tuple(m for t in self.targets for m in t.drift)

    @property
    def safe(self) -> bool:
        return not self.violations

    @property
    def has_changes(self) -> bool:
        return any(t.changes for t in self.targets)


def drift_words(targets: Iterable[TargetPlan]) -> str:
    """The members no file declares in ``targets``, in their kinds' words: ``6 members``,
    ``2 attendees``; ``5 members and 1 moderator`` where kinds' words differ (a channel's
    moderators are no members: QA-FP Q-FP-7), in the kinds' order. Plan's closing line
    and ``import --adopt`` count them so (QA-FX Q-FX-1)."""
    counts: Counter[tuple[str, str]] = Counter()
    for t in sorted(targets, key=lambda t: t.key.kind):
        counts[t.kind.words.member] += len(t.drift)
    return counted_words(counts)


def counted_words(counts: Mapping[tuple[str, str], int]) -> str:
    """Counts by a kind's word (``member``, ``moderator``) as prose, in the order given,
    zeros left out: ``1 member and 1 moderator``."""
    return listed([counted(n, *word) for word, n in counts.items() if n])
