"""Executes a Plan through a provider, with the fewest calls and a safe order.

Targets are applied in parallel (``parallelism`` threads). Within a target:

0. removals of members who are not administrators (they free places under the room's
   1,000-member quota for the creates, and cannot lower the administrator count);
1. promotions of users, in place;
2. members whose role cannot change in place (bots) are deleted, then every create and
   re-creation goes out in batches of ``provider.batch_size``. A demoted bot (an
   administrator) joins these batches when the room keeps enough administrators without
   it meanwhile: at least ``min_administrators`` (the safety limit), or as many as before
   or after the plan when that is fewer; otherwise it waits for step 3;
3. demotions (bots left from step 2: delete, then re-create as Member);
4. removals of administrators.

So a room never passes through a state with fewer administrators than the limit (or than
both before and after), and a bot's role change costs a delete plus a place in the room's
batches whenever that is safe. If adding an administrator fails, demotions and removals of
administrators in that target are skipped (reported as ``Skipped``).

Errors: per-item batch errors with a transient code are retried with backoff, re-batching
only those items; other per-item codes fail that member only. ``Conflict`` on create means
the member is already there: a user gets its role set in place; a bot counts as done when
its role already matches. A whole call failing for good (after the provider's retries)
fails every item of that call. ``NotFound`` on delete means already gone: done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reconciler.errors import AwsError
from reconciler.parallel import pmap
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.providers.base import Provider
from reconciler.providers.retry import TRANSIENT_CODES, RetryPolicy
from reconciler.refs import Role, TargetKey
from reconciler.safety import administrators_after

SKIPPED = "Skipped"
CONFLICT = "Conflict"
NOT_FOUND_CODES = frozenset({"NotFound", "NotFoundException"})
SKIP_MESSAGE = "not attempted: adding an administrator to this room failed first"


@dataclass(frozen=True)
class ChangeResult:
    change: Change
    error_code: str | None = None
    error_message: str = ""

    @property
    def ok(self) -> bool:
        return self.error_code is None


ChangeProgress = Callable[[ChangeResult], None]  # called from worker threads


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
        return sum(r.ok and r.change.action is action for r in self.results)

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
    def touched(self) -> tuple[TargetKey, ...]:
        """Targets with at least one change attempted: what to re-read to verify."""
        return tuple(sorted({r.change.target for r in self.results}))


def apply(
    plan: Plan,
    provider: Provider,
    *,
    parallelism: int = 8,
    progress: ChangeProgress | None = None,
    retry: RetryPolicy | None = None,
    min_administrators: int | None = None,
) -> ApplyResult:
    """Apply every change of ``plan``; never raises for AWS errors, reports them instead.
    ``min_administrators``: the safety limit no room may pass below while it is changed
    (None: never below both its count before and after the plan)."""
    policy = retry or RetryPolicy.from_env()
    targets = [t for t in plan.targets if t.changes]

    def run(tp: TargetPlan) -> list[ChangeResult]:
        return _TargetRun(tp, provider, policy, progress, min_administrators).run()

    per_target = pmap(run, targets, parallelism)
    return ApplyResult(tuple(r for rs in per_target for r in rs))


class _TargetRun:
    """Applies one target's changes in the safe order; collects one result per change."""

    def __init__(
        self,
        tp: TargetPlan,
        provider: Provider,
        retry: RetryPolicy,
        progress: ChangeProgress | None,
        min_administrators: int | None = None,
    ) -> None:
        self.tp = tp
        self.min_administrators = min_administrators
        self.p = provider
        self.retry = retry
        self.progress = progress
        self.results: dict[int, ChangeResult] = {}
        self._lock = threading.Lock()

    def run(self) -> list[ChangeResult]:
        changes = list(enumerate(self.tp.changes))
        creates = [(i, c) for i, c in changes if c.action is Action.CREATE]
        updates = [(i, c) for i, c in changes if c.action is Action.UPDATE]
        deletes = [(i, c) for i, c in changes if c.action is Action.DELETE]
        promotions = [(i, c) for i, c in updates if c.role_after is Role.ADMINISTRATOR]
        demotions = [(i, c) for i, c in updates if c.role_after is not Role.ADMINISTRATOR]
        in_place = [x for x in promotions if self.p.can_update_role(x[1].member_kind)]
        bot_promotions = [x for x in promotions if x not in in_place]
        bot_demotions = [x for x in demotions if not self.p.can_update_role(x[1].member_kind)]

        # 0. removals of members who are not administrators: they free places in the room
        # (1,000 at most) for the creates, and cannot lower the administrator count
        for i, c in deletes:
            if c.role_before is not Role.ADMINISTRATOR:
                self._delete(i, c)

        # 1. promotions in place, 2. creates and re-creations
        for i, c in in_place:
            self._update(i, c)
        promoted = sum(self.results[i].ok for i, _ in in_place)
        early = bot_demotions if self._may_demote_early(len(bot_demotions), promoted) else []
        self._create(creates + self._delete_for_recreate(bot_promotions + early))
        admin_failed = any(
            not self.results[i].ok
            for i, c in creates + promotions
            if i in self.results and c.role_after is Role.ADMINISTRATOR
        )

        # 3. demotions, 4. removals (administrators kept if adding one failed)
        def skip(items: Sequence[tuple[int, Change]]) -> list[tuple[int, Change]]:
            todo = []
            for i, c in items:
                if i in self.results:
                    continue
                if admin_failed and c.role_before is Role.ADMINISTRATOR:
                    self._done(i, c, SKIPPED, SKIP_MESSAGE)
                else:
                    todo.append((i, c))
            return todo

        demote = skip(demotions)
        for i, c in demote:
            if self.p.can_update_role(c.member_kind):
                self._update(i, c)
        later = [x for x in demote if x in bot_demotions]
        self._create(self._delete_for_recreate(later))
        for i, c in skip(deletes):
            self._delete(i, c)
        return [self.results[i] for i, _ in changes]

    def _may_demote_early(self, demoted: int, promoted: int) -> bool:
        """Whether ``demoted`` administrators (bots) may leave the room before the creates,
        once ``promoted`` users have become administrators: only if the room keeps at least
        the floor (the limit, or fewer when the room has fewer before or after the plan)."""
        if not demoted:
            return False
        before = self.tp.live_administrators
        if before is None:  # unknown: early only when the plan adds no administrator
            return not any(c.role_after is Role.ADMINISTRATOR for c in self.tp.changes)
        after = administrators_after(self.tp, before)
        floor = min(before, after)
        if self.min_administrators is not None:
            floor = min(floor, self.min_administrators)
        return before + promoted - demoted >= floor

    # -- single operations ---------------------------------------------------------------

    def _done(self, i: int, c: Change, code: str | None = None, message: str = "") -> None:
        result = ChangeResult(c, code, message)
        with self._lock:
            self.results[i] = result
        if self.progress is not None:
            self.progress(result)

    def _update(self, i: int, c: Change) -> None:
        assert c.role_after is not None
        try:
            self.p.update_role(self.tp.key, self.tp.target_id, c.member_id, c.role_after)
        except AwsError as exc:
            self._done(i, c, exc.code, exc.message)
        else:
            self._done(i, c)

    def _delete(self, i: int, c: Change) -> None:
        if self._try_delete(i, c):
            self._done(i, c)

    def _delete_for_recreate(self, items: Sequence[tuple[int, Change]]) -> list[tuple[int, Change]]:
        """Delete members whose role changes by re-creation; return those to re-create."""
        return [(i, c) for i, c in items if self._try_delete(i, c)]

    def _try_delete(self, i: int, c: Change) -> bool:
        """Remove the member; True when it is gone (NotFound: gone already). A failure is
        recorded as the change's result."""
        try:
            self.p.delete_member(self.tp.key, self.tp.target_id, c.member_id)
        except AwsError as exc:
            if exc.code not in NOT_FOUND_CODES:
                self._done(i, c, exc.code, exc.message)
                return False
        return True

    def _create(self, items: Sequence[tuple[int, Change]]) -> None:
        """Batch-create ``items`` with their ``role_after``; retry transient item errors."""
        pending = list(items)
        conflicts: list[tuple[int, Change]] = []
        attempt = 0
        size = max(1, self.p.batch_size)
        while pending:
            attempt += 1
            again: list[tuple[int, Change, str, str]] = []
            for start in range(0, len(pending), size):
                chunk = pending[start : start + size]
                members = [(c.member_id, c.role_after or Role.MEMBER) for _, c in chunk]
                try:
                    errors = self.p.create_members(self.tp.key, self.tp.target_id, members)
                except AwsError as exc:
                    for i, c in chunk:
                        self._done(i, c, exc.code, exc.message)
                    continue
                for i, c in chunk:
                    err = errors.get(c.member_id)
                    if err is None:
                        self._done(i, c)
                    elif err.code in TRANSIENT_CODES:
                        again.append((i, c, err.code, err.message))
                    elif err.code == CONFLICT:
                        conflicts.append((i, c))
                    else:
                        self._done(i, c, err.code, err.message)
            if again and attempt < self.retry.attempts:
                self.retry.backoff(attempt)
                pending = [(i, c) for i, c, _, _ in again]
            else:
                for i, c, code, message in again:
                    self._done(i, c, code, f"{message} (gave up after {attempt} attempts)")
                pending = []
        for i, c in conflicts:
            self._conflict(i, c)

    def _conflict(self, i: int, c: Change) -> None:
        """The member is already there: done if its role matches, else set it in place."""
        want = c.role_after or Role.MEMBER
        if self.p.can_update_role(c.member_kind):
            self._update(i, c)
            return
        try:
            role = self.p.member_role(self.tp.key, self.tp.target_id, c.member_id)
        except AwsError as exc:
            self._done(i, c, exc.code, exc.message)
            return
        if role is want:
            self._done(i, c)
        else:
            have = role.value if role else "no role"
            msg = f"already a member with {have}, wanted {want.value}; run apply again"
            self._done(i, c, CONFLICT, msg)
