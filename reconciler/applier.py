"""Executes a Plan through a provider, with the fewest calls and a safe order.

Targets are applied in parallel (``parallelism`` threads). Within a target:

0. removals of members who are not administrators (they free places under the room's
   1,000-member quota for the creates, and cannot lower the administrator count);
1. creates and promotions: members whose role cannot change in place (bots) are deleted
   first, then every create goes out in batches of ``provider.batch_size``; users are
   promoted in place;
2. demotions (bots: delete, then re-create as Member, in the phase-1 batches when phase 1
   adds no administrator, since the count then only falls anyway);
3. removals of administrators.

So a target never passes through a state with fewer administrators than both before and
after. If adding an administrator fails, demotions and removals of administrators in that
target are skipped (reported as ``Skipped``).

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
) -> ApplyResult:
    """Apply every change of ``plan``; never raises for AWS errors, reports them instead."""
    policy = retry or RetryPolicy.from_env()
    targets = [t for t in plan.targets if t.changes]

    def run(tp: TargetPlan) -> list[ChangeResult]:
        return _TargetRun(tp, provider, policy, progress).run()

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
    ) -> None:
        self.tp = tp
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
        adds_admin = any(c.role_after is Role.ADMINISTRATOR for _, c in creates + promotions)
        recreate_now = [x for x in promotions if not self.p.can_update_role(x[1].member_kind)]
        recreate_later = [x for x in demotions if not self.p.can_update_role(x[1].member_kind)]
        if not adds_admin:
            recreate_now, recreate_later = recreate_now + recreate_later, []

        # 0. removals of members who are not administrators: they free places in the room
        # (1,000 at most) for the creates, and cannot lower the administrator count
        for i, c in deletes:
            if c.role_before is not Role.ADMINISTRATOR:
                self._delete(i, c)

        # 1. creates and promotions
        batch = creates + self._delete_for_recreate(recreate_now)
        self._create(batch)
        for i, c in promotions:
            if self.p.can_update_role(c.member_kind):
                self._update(i, c)
        admin_failed = any(
            not self.results[i].ok
            for i, c in creates + promotions
            if i in self.results and c.role_after is Role.ADMINISTRATOR
        )

        # 2. demotions, 3. removals (administrators kept if adding one failed)
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
        later = [x for x in demote if x in recreate_later]
        self._create(self._delete_for_recreate(later))
        for i, c in skip(deletes):
            self._delete(i, c)
        return [self.results[i] for i, _ in changes]

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
        try:
            self.p.delete_member(self.tp.key, self.tp.target_id, c.member_id)
        except AwsError as exc:
            if exc.code not in NOT_FOUND_CODES:
                self._done(i, c, exc.code, exc.message)
                return
        self._done(i, c)

    def _delete_for_recreate(self, items: Sequence[tuple[int, Change]]) -> list[tuple[int, Change]]:
        """Delete members whose role changes by re-creation; return those to re-create."""
        ready = []
        for i, c in items:
            try:
                self.p.delete_member(self.tp.key, self.tp.target_id, c.member_id)
            except AwsError as exc:
                if exc.code not in NOT_FOUND_CODES:
                    self._done(i, c, exc.code, exc.message)
                    continue
            ready.append((i, c))
        return ready

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
