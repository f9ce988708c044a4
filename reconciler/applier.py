"""Executes a Plan through the providers of its kinds, with the fewest calls and a safe order.

Targets are applied in parallel (``parallelism`` threads), each through the provider of
its kind; on one resource, kinds go phase by phase (``Kind.apply_phase``: a channel's
memberships before its moderators; ``reconciler.apply_order``). Within a target
("elevated" is the kind's elevated roles: Administrator for rooms; "in place" is
``Kind.updates_in_place``):

0. removals of members without an elevated role (they free places under the room's
   1,000-member quota for the creates, and cannot lower the elevated count);
1. role changes in place that do not lose an elevated role (promotions of users);
2. members whose role cannot change in place (bots in rooms) are deleted, then every
   create and re-creation goes out in batches of ``Kind.batch_size``, one batch per
   ``Kind.batch_key`` (channels: one membership type per call). A demoted member that
   must be re-created joins these batches when the target keeps enough elevated members
   without it meanwhile: at least the kind's minimum (the safety limit), or as many as
   before or after the plan when that is fewer; otherwise it waits for step 3;
3. demotions (in place, or re-created as in step 2);
4. removals of elevated members.

So a room never passes through a state with fewer administrators than the limit (or than
both before and after), and a bot's role change costs a delete plus a place in the room's
batches whenever that is safe. If adding an elevated member fails, demotions and removals
of elevated members in that target are skipped (reported as ``Skipped``).

Errors: per-item batch errors with a transient code are retried with backoff, re-batching
only those items; other per-item codes fail that member only. A whole call failing for good
(after the provider's retries) fails every item of that call.

Another apply at the same time (or a person) may get there first, so the results say what
happened: ``Conflict`` on create means the member is already there: its live role is read,
and it is done and reported ``already present`` (not ``added``, and no update call) when
the role matches; otherwise the role is set (in place, or by re-creation). A member found
gone meanwhile is created again, so a bot whose role changes by re-creation is never left
absent by a completed apply; those creates' transient item errors are retried with the
same backoff and budgets as any item's. ``NotFound`` on delete means ``already gone``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence

from reconciler.apply_result import (
    SKIPPED,
    ApplyResult,
    ChangeProgress,
    ChangeResult,
    TargetDone,
    skip_message,
)
from reconciler.apply_workers import run_in_order
from reconciler.desired.model import Safety
from reconciler.errors import AwsError
from reconciler.kinds import RoleValue
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.providers.base import CONFLICT, Writer
from reconciler.refs import TargetKey
from reconciler.retry_policy import (
    TRANSIENT_CODES,
    RetryPolicy,
    gave_up,
    item_attempts,
    log_retry,
)
from reconciler.safety import elevated_after

NOT_FOUND_CODES = frozenset({"NotFound", "NotFoundException"})
CONFLICT_ROUNDS = 3  # reads and writes to settle a member others change at the same time
# a create answered Conflict this many times with the member absent right after each: the
# conflict is about something else (CreateChannelModerator's ConflictException may be)
ABSENT_CONFLICTS = 2
ABSENT_NOTE = (
    "refused as a conflict twice, and not there when read after either: "
    "the conflict is not its being there already"
)


class NoProviderError(KeyError):
    def __str__(self) -> str:
        return f"no provider for the {self.args[0]!r} targets of this plan"


def apply(
    plan: Plan,
    providers: Writer | Mapping[str, Writer],
    *,
    parallelism: int = 8,
    progress: ChangeProgress | None = None,
    retry: RetryPolicy | None = None,
    safety: Safety | Callable[[TargetKey], Safety] | None = None,
    finished: TargetDone | None = None,
) -> ApplyResult:
    """Apply every change of ``plan``; never raises for AWS errors, reports them instead.
    ``providers``: one writer per kind id (or one writer for every target). ``safety``
    (or a function giving each target's, with its own ``safety:`` limits): its kinds'
    minimums (``min_administrators``) are the floor no target may pass below while it is
    changed (None: never below both its count before and after the plan).

    ``finished(target, results)`` is called in the worker thread as soon as the target is
    settled (it and the later phases' targets on its resource are done: no change of the
    plan touches it any more): apply verifies it there, while the other targets' writes
    go on. The order (``ApplyOrder``): a target of a later phase waits for the earlier
    phases' targets on its resource only; of the targets ready, earlier phases first,
    then those with the most changes (each target's calls are one sequential chain, so
    the longest chains must not be left for the end). Results stay in plan order."""
    policy = retry or RetryPolicy.from_env()
    targets = [t for t in plan.targets if t.changes]

    def writer(tp: TargetPlan) -> Writer:
        if not isinstance(providers, Mapping):
            return providers
        if tp.key.kind not in providers:
            raise NoProviderError(tp.key.kind)
        return providers[tp.key.kind]

    def run(tp: TargetPlan) -> list[ChangeResult]:
        limits = safety(tp.key) if callable(safety) else safety
        floor = limits.minimum(tp.kind.minimum_setting) if limits is not None else None
        return _TargetRun(tp, writer(tp), policy, progress, floor).run()

    for tp in targets:
        writer(tp)  # every kind has a provider before anything is changed
    done = run_in_order(targets, run, parallelism, finished)
    return ApplyResult(tuple(r for t in targets for r in done[t.key]))  # in plan order


class _TargetRun:
    """Applies one target's changes in the safe order; collects one result per change."""

    def __init__(
        self,
        tp: TargetPlan,
        provider: Writer,
        retry: RetryPolicy,
        progress: ChangeProgress | None,
        minimum: int | None = None,
    ) -> None:
        self.tp = tp
        self.kind = tp.kind
        self.minimum = minimum
        self.p = provider
        self.retry = retry
        self.progress = progress
        self.results: dict[int, ChangeResult] = {}
        self._absent: set[int] = set()  # deletes answered NotFound: gone already
        self._deleted: set[int] = set()  # re-creations whose delete is done: absent now
        self._lock = threading.Lock()

    def run(self) -> list[ChangeResult]:
        kind = self.kind
        changes = list(enumerate(self.tp.changes))
        creates = [(i, c) for i, c in changes if c.action is Action.CREATE]
        updates = [(i, c) for i, c in changes if c.action is Action.UPDATE]
        deletes = [(i, c) for i, c in changes if c.action is Action.DELETE]
        demotions = [(i, c) for i, c in updates if c.is_demotion]
        raises = [x for x in updates if x not in demotions]  # promotions, lateral changes
        in_place = [x for x in raises if kind.updates_in_place(x[1].member_kind)]
        recreated = [x for x in raises if x not in in_place]
        late = [x for x in demotions if not kind.updates_in_place(x[1].member_kind)]

        # 0. removals of members without an elevated role: they free places in the target
        # (1,000 in a room) for the creates, and cannot lower the elevated count
        for i, c in deletes:
            if not kind.is_elevated(c.role_before):
                self._delete(i, c)

        # 1. promotions in place, 2. creates and re-creations
        for i, c in in_place:
            self._update(i, c)
        promoted = sum(self.results[i].ok and kind.is_elevated(c.role_after) for i, c in in_place)
        early = late if self._may_demote_early(len(late), promoted) else []
        self._create(creates + self._delete_for_recreate(recreated + early))
        elevated_failed = any(
            not self.results[i].ok
            for i, c in creates + raises
            if i in self.results and kind.is_elevated(c.role_after)
        )

        # 3. demotions, 4. removals (elevated members kept if adding one failed)
        def skip(items: Sequence[tuple[int, Change]]) -> list[tuple[int, Change]]:
            todo = []
            for i, c in items:
                if i in self.results:
                    continue
                if elevated_failed and kind.is_elevated(c.role_before):
                    self._done(i, c, SKIPPED, self._skip_message())
                else:
                    todo.append((i, c))
            return todo

        demote = skip(demotions)
        for i, c in demote:
            if kind.updates_in_place(c.member_kind):
                self._update(i, c)
        later = [x for x in demote if x in late]
        self._create(self._delete_for_recreate(later))
        for i, c in skip(deletes):
            self._delete(i, c)
        return [self.results[i] for i, _ in changes]

    def _skip_message(self) -> str:
        return skip_message(self.kind)

    def _may_demote_early(self, demoted: int, promoted: int) -> bool:
        """Whether ``demoted`` elevated members (re-created: bots in rooms) may lose their
        role before the creates, once ``promoted`` members gained one in place: only if
        the target keeps at least the floor (the minimum, or fewer when the target has
        fewer before or after the plan)."""
        if not demoted:
            return False
        before = self.tp.live_elevated
        if before is None:  # unknown: early only when the plan adds no elevated member
            return not any(self.kind.is_elevated(c.role_after) for c in self.tp.changes)
        after = elevated_after(self.tp, before)
        floor = min(before, after)
        if self.minimum is not None:
            floor = min(floor, self.minimum)
        return before + promoted - demoted >= floor

    # -- single operations ---------------------------------------------------------------

    def _done(
        self, i: int, c: Change, code: str | None = None, message: str = "", already: bool = False
    ) -> None:
        left_absent = code is not None and code != SKIPPED and i in self._deleted
        result = ChangeResult(c, code, message, already, left_absent)
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
            self._done(i, c, already=i in self._absent)

    def _delete_for_recreate(self, items: Sequence[tuple[int, Change]]) -> list[tuple[int, Change]]:
        """Delete members whose role changes by re-creation; return those to re-create
        (absent until then: a failure from here on leaves them absent)."""
        gone = [(i, c) for i, c in items if self._try_delete(i, c)]
        with self._lock:
            self._deleted.update(i for i, _ in gone)
        return gone

    def _try_delete(self, i: int, c: Change) -> bool:
        """Remove the member; True when it is gone (NotFound: gone already). A failure is
        recorded as the change's result."""
        try:
            self.p.delete_member(self.tp.key, self.tp.target_id, c.member_id)
        except AwsError as exc:
            if exc.code not in NOT_FOUND_CODES:
                self._done(i, c, exc.code, exc.message)
                return False
            with self._lock:
                self._absent.add(i)
        return True

    def _create(self, items: Sequence[tuple[int, Change]]) -> None:
        """Batch-create ``items`` with their ``role_after``; retry transient item errors."""
        pending = list(items)
        conflicts: list[tuple[int, Change, str]] = []  # and the answer's message
        attempt = 0
        while pending:
            attempt += 1
            again: list[tuple[int, Change, str, str]] = []
            for chunk in self._batches(pending):
                members = [(c.member_id, _role_after(c)) for _, c in chunk]
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
                        conflicts.append((i, c, err.message))
                    else:
                        self._done(i, c, err.code, err.message)
            # the same budgets as whole calls (throttled items get three times as many
            # attempts), logged at -vv the same way
            retry = [x for x in again if attempt < item_attempts(self.retry, x[2])]
            for i, c, code, message in again:
                if (i, c, code, message) not in retry:
                    self._done(i, c, code, gave_up(message, attempt))
            if retry:
                self._log_item_retry(retry, attempt)
            pending = [(i, c) for i, c, _, _ in retry]
        for i, c, message in conflicts:
            self._conflict(i, c, message)

    def _batches(self, items: Sequence[tuple[int, Change]]) -> list[list[tuple[int, Change]]]:
        """``items`` in create calls: grouped by ``Kind.batch_key`` of their role (in order
        of first appearance), each group cut into ``Kind.batch_size`` chunks."""
        groups: dict[Hashable, list[tuple[int, Change]]] = {}
        for i, c in items:
            groups.setdefault(self.kind.batch_key(_role_after(c)), []).append((i, c))
        size = max(1, self.kind.batch_size)
        return [g[s : s + size] for g in groups.values() for s in range(0, len(g), size)]

    def _log_item_retry(self, items: Sequence[tuple[int, Change, str, str]], attempt: int) -> None:
        """Sleep before retrying ``items`` (one per failed batch item); one -vv line per
        error code, as for a whole call: ``batch create (room ops, id r1): Throttled
        (Rate exceeded) for 2 members (uid-a, uid-b); retry 1 of 29 in 0.132s``."""
        delay = self.retry.delay(attempt)
        context = f"{self.tp.key.kind} {self.tp.key.name}, id {self.tp.target_id}"
        for code in sorted({x[2] for x in items}):
            same = [x for x in items if x[2] == code]
            ids = ", ".join(x[1].member_id for x in same[:5]) + (", …" if len(same) > 5 else "")
            which = f"{len(same)} member{'' if len(same) == 1 else 's'} ({ids})"
            limit = item_attempts(self.retry, code)
            log_retry("batch create", context, code, same[0][3], attempt, limit, delay, which)
        self.retry.sleep(delay)

    def _conflict(self, i: int, c: Change, message: str) -> None:
        """The create met a member already there (another apply, at the same time?): read
        its role; the same role is done (``already present``, no write); another role is
        set (in place, or by re-creation); gone again meanwhile, it is created again.
        Absent after a second ``Conflict`` too, the conflict is not its being there: it
        fails with the service's ``message`` and says so (``ABSENT_CONFLICTS``).

        Up to ``CONFLICT_ROUNDS`` creates met by ``Conflict``; a create answered with a
        transient code is retried as any batch item is: after the policy's backoff
        (logged at -vv), within the same budgets (``item_attempts``), not as a round."""
        want = _role_after(c)
        already = True  # until this apply writes the role itself
        role: RoleValue | None = None
        rounds = transient = absent = 0
        conflicted = True  # the role read next follows a Conflict
        try:
            while rounds < CONFLICT_ROUNDS:
                role = self.p.member_role(self.tp.key, self.tp.target_id, c.member_id)
                if role == want:
                    self._done(i, c, already=already)
                    return
                if role is None and conflicted:
                    absent += 1
                    if absent == ABSENT_CONFLICTS:
                        self._done(i, c, CONFLICT, f"{message} ({ABSENT_NOTE})")
                        return
                conflicted = False
                already = False  # from here on, this apply writes the role
                if role is not None and self.kind.updates_in_place(c.member_kind):
                    self.p.update_role(self.tp.key, self.tp.target_id, c.member_id, want)
                    self._done(i, c)
                    return
                if role is not None:
                    self._try_delete_quietly(c)
                errors = self.p.create_members(
                    self.tp.key, self.tp.target_id, [(c.member_id, want)]
                )
                err = errors.get(c.member_id)
                if err is None:
                    self._done(i, c)
                    return
                if err.code in TRANSIENT_CODES:
                    transient += 1
                    if transient >= item_attempts(self.retry, err.code):
                        self._done(i, c, err.code, gave_up(err.message, transient))
                        return
                    self._log_item_retry([(i, c, err.code, err.message)], transient)
                    continue
                if err.code != CONFLICT:
                    self._done(i, c, err.code, err.message)
                    return
                rounds += 1
                conflicted, message = True, err.message
        except AwsError as exc:
            self._done(i, c, exc.code, exc.message)
            return
        have = "no role" if role is None else self.kind.role_text(role)
        msg = f"changed by someone else meanwhile ({have}, wanted {self.kind.role_text(want)})"
        self._done(i, c, CONFLICT, f"{msg}; run apply again")

    def _try_delete_quietly(self, c: Change) -> None:
        """Delete for a re-creation; NotFound (gone already) is fine."""
        try:
            self.p.delete_member(self.tp.key, self.tp.target_id, c.member_id)
        except AwsError as exc:
            if exc.code not in NOT_FOUND_CODES:
                raise


def _role_after(c: Change) -> RoleValue:
    """The role a create or update gives (never None for those actions)."""
    assert c.role_after is not None, f"{c.action} of {c.member} without a role"
    return c.role_after
