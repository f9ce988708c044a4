"""What an apply reports: one ``ChangeResult`` per change (ok; already: already so;
failed, with its AWS code and message; or skipped), the ``ApplyResult`` counting them,
and the callbacks that receive them as they come (from the applier's worker threads)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reconciler.kinds import Kind, RoleValue
from reconciler.plan import Action, Change, TargetPlan
from reconciler.refs import TargetKey

SKIPPED = "Skipped"
# a change whose call was in flight when a second interrupt quit without waiting for it
# (``reconciler.apply_ledger``): failed, and it may have been made
IN_FLIGHT = "InFlight"
IN_FLIGHT_MESSAGE = "in flight when a second interrupt quit: may have been made"
SKIP_MESSAGE = "not attempted: adding {a} {elevated} to this {noun} failed first"
# a saved plan's change to a target that ended since (``Plan.left_out``: Q-CH-1)
LEFT_OUT_MESSAGE = "not applied: the {noun} has ended since the plan was made (left out)"


@dataclass(frozen=True)
class ChangeResult:
    change: Change
    error_code: str | None = None
    error_message: str = ""
    already: bool = False  # done, but no call changed anything: it was so already
    # failed after its delete half: a member whose role changes by delete and create
    # (``Kind.updates_in_place`` false: a bot in a room, a channel's membership type) was
    # removed and not created again, so it is not in the target now (apply again adds it);
    # None: removed, and its create failed after an answer was lost: it may have been made;
    # or its delete failed so (``maybe_removed``): it may have been removed
    left_absent: bool | None = False
    # failed in its delete half (a role changed by delete and create) after an answer was
    # lost: it may have been removed, and was not added back (``left_absent`` None)
    maybe_removed: bool = False
    # done by this apply though an attempt's answer was lost: the retry that followed met
    # ``Conflict`` or ``NotFound`` (that attempt's own doing): counted as made, not already
    answer_lost: bool = False
    # the change found its target itself gone (a meeting ended, a channel or room deleted
    # during the apply: ``reconciler.apply_gone``), or was not attempted because of it
    target_gone: bool = False

    @property
    def ok(self) -> bool:
        return self.error_code is None

    @property
    def outcome(self) -> str:
        """``ok``, ``already`` (the member was there, or gone, already), ``skipped`` (not
        attempted, see ``SKIP_MESSAGE``) or ``failed``."""
        if self.error_code == SKIPPED:
            return "skipped"
        if self.error_code is not None:
            return "failed"
        return "already" if self.already else "ok"


def skip_message(kind: Kind) -> str:
    """Why a change that lowers the elevated count was not attempted: ``not attempted:
    adding an administrator to this room failed first``. The member is added to one entry
    of the kind's section (``Words.entry_noun``: a channel, for its moderators)."""
    words = kind.words
    one = words.elevated[0] or "elevated member"
    a = "an" if one[:1].lower() in "aeiou" else "a"
    return SKIP_MESSAGE.format(a=a, elevated=one, noun=words.entry_noun)


def left_out(changes: Sequence[Change]) -> tuple[ChangeResult, ...]:
    """The results of a saved plan's changes left out because their target ended since
    it was made (``Plan.left_out``): not attempted, saying why."""
    return tuple(
        ChangeResult(c, SKIPPED, LEFT_OUT_MESSAGE.format(noun=c.kind.words.noun)) for c in changes
    )


@dataclass(frozen=True)
class Unverified:
    """A change the applier reported done that the re-read after the apply does not show:
    the member's role found then (None: absent), or its target not found at all."""

    change: Change
    now: RoleValue | None = None
    target_gone: bool = False

    @property
    def found(self) -> str:
        """``not found as Member when read after the apply (now: absent)``, and the like."""
        c = self.change
        if self.target_gone:
            return f"its {c.kind.words.noun} was not found when read after the apply"
        now = "absent" if self.now is None else c.kind.role_text(self.now)
        if c.action is Action.DELETE:
            return f"still there when read after the apply (as {now})"
        after = "?" if c.role_after is None else c.kind.role_text(c.role_after)
        return f"not found as {after} when read after the apply (now: {now})"


ChangeProgress = Callable[[ChangeResult], None]  # called from worker threads
TargetDone = Callable[[TargetPlan, Sequence[ChangeResult]], None]  # from worker threads


@dataclass(frozen=True)
class ApplyResult:
    results: tuple[ChangeResult, ...]  # in plan order

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def failed(self) -> tuple[ChangeResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    def _done(self, action: Action) -> int:
        """Done by this apply (not found so already: ``already_present``/``_gone``)."""
        return sum(r.ok and not r.already and r.change.action is action for r in self.results)

    @property
    def already_present(self) -> int:
        return sum(
            r.ok and r.already and r.change.action is not Action.DELETE for r in self.results
        )

    @property
    def already_gone(self) -> int:
        return sum(r.ok and r.already and r.change.action is Action.DELETE for r in self.results)

    @property
    def answers_lost(self) -> int:
        """Done by this apply though an attempt's answer was lost (``answer_lost``)."""
        return sum(r.ok and r.answer_lost for r in self.results)

    @property
    def added(self) -> int:
        return self._done(Action.CREATE)

    @property
    def changed(self) -> int:
        return self._done(Action.UPDATE)

    @property
    def removed(self) -> int:
        return self._done(Action.DELETE)

    @property
    def gone(self) -> frozenset[TargetKey]:
        """The targets this apply found gone (``ChangeResult.target_gone``)."""
        return frozenset(r.change.target for r in self.results if r.target_gone)

    @property
    def touched(self) -> tuple[TargetKey, ...]:
        """Targets with at least one change attempted: what to re-read to verify."""
        return tuple(sorted({r.change.target for r in self.results}))
