"""Executes a Plan through the providers of its kinds, with the fewest calls and a safe order.

Targets are applied in parallel (``parallelism`` threads), each through the provider of
its kind; on one resource, kinds go phase by phase (``Kind.apply_phase``: a channel's
memberships before its moderators; ``reconciler.apply_order``). Within a target
("elevated" is the kind's elevated roles: Administrator for rooms; "in place" is
``Kind.updates_in_place``):

0. removals of members without an elevated role (they free places under the room's
   1,000-member quota for the creates, and cannot lower the elevated count);
1. role changes in place that do not lose an elevated role (promotions of users); then,
   in a target the creates would not fit in (``TargetPlan.maximum``, counted from the plan's
   live count and the removals done), removals of elevated members, as many as the creates
   need places and only while the target keeps the floor below (step 4 otherwise: adding
   them first could never succeed there, and a failed add would keep them for good);
2. members whose role cannot change in place (bots in rooms) are deleted, then every
   create and re-creation goes out in batches (``reconciler.apply_create``). A demoted
   member that must be re-created joins these batches when the target keeps enough
   elevated members without it meanwhile: at least the kind's minimum (the safety limit),
   or as many as before or after the plan when that is fewer; otherwise it waits for
   step 3. Re-creations go ahead of the new members (in the batches; in a target the
   new members would not fit in, in calls of their own, retries and all, before the new
   members'): each takes back the place its own delete freed, so a new member, never one
   that was there, is refused at the maximum. The creates over the places left go out
   after the others, in calls of their own (``reconciler.apply_create``);
3. demotions (in place, or re-created as in step 2);
4. removals of elevated members.

So a room never passes through a state with fewer administrators than the limit (or than
both before and after), a meeting never without a presenter (``Kind.apply_minimum``) when
it has one before and after, a full target whose members are swapped converges in one
apply where the places are made so (not where only a removal under the floor would make
one: ``reconciler.full_swap`` warns of that), and a bot's role change costs a delete
plus a place in the room's batches whenever that is safe. If adding an elevated member
fails, demotions and removals of elevated members in that target not done yet are
skipped (reported as ``Skipped``: "adding ... failed first"). If it was not started
because of an interrupt (and none failed), they are not started either, and reported as
every change the interrupt stopped (``Interrupted``: "not started: interrupted"):
nothing failed.

How creates go out (batches, item retries, a member someone else put there first:
``Conflict``) is ``reconciler.apply_create``'s. ``NotFound`` on delete means ``already
gone``, unless an earlier attempt of that call lost its answer (it was most likely
that attempt's doing: removed by this apply, ``ChangeResult.answer_lost``; a create's
``Conflict`` likewise), or the provider says the target itself is gone (``TargetGone``: a
meeting that ended meanwhile, a room or channel deleted): then that change fails, and the
target's changes not made yet are not tried (``reconciler.apply_gone``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from reconciler.apply_create import NOT_FOUND_CODES, MemberCreates
from reconciler.apply_gone import GoneTarget
from reconciler.apply_lost_delete import delete_made
from reconciler.apply_places import floor, making_room
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
from reconciler.errors import AwsError, TargetGone
from reconciler.interrupt import NOT_STARTED, NOT_STARTED_MESSAGE
from reconciler.kinds import RoleValue
from reconciler.plan import Action, Change, Plan, TargetPlan
from reconciler.providers import lost_answers
from reconciler.providers.base import CONFLICT, ItemError, Writer
from reconciler.refs import TargetKey
from reconciler.retry_policy import RetryPolicy


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
        if floor is None:
            floor = tp.kind.apply_minimum
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
        self._lost: set[int] = set()  # deletes answered NotFound after a lost answer: ours
        # re-creations whose delete failed after its answer was lost: absent or not
        self._maybe_deleted: set[int] = set()
        self._lock = threading.Lock()
        self._creates_sent = _CreatesSent(provider)
        self._gone = GoneTarget(tp.kind, self._done)
        self._creates = MemberCreates(tp, self._creates_sent, retry, self._done, self._gone)

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

        # 1. promotions in place; removals of elevated members the creates need the places
        # of; 2. creates and re-creations
        for i, c in in_place:
            self._update(i, c)
        promoted = sum(self.results[i].ok and kind.is_elevated(c.role_after) for i, c in in_place)
        for i, c in self._making_room(deletes, len(creates), promoted):
            self._delete(i, c)
        lost = sum(
            self.results[i].ok and kind.is_elevated(c.role_before)
            for i, c in deletes
            if i in self.results
        )
        early = late if self._may_demote_early(len(late), promoted - lost) else []
        recreate = self._delete_for_recreate(recreated + early)
        places = self._places(deletes)
        if recreate and creates and places is not None and len(creates) > places:
            # each re-creation takes back the place its own delete freed, before any new
            # member can take it: they go first, retries and all, then the new members
            self._creates.create(recreate)
            self._creates.create(creates, self._places(deletes))
        else:  # re-creations ahead in the same batches (each has its own place back)
            more = None if places is None else places + len(recreate)
            self._creates.create(recreate + creates, more)
        elevated_adds = [
            self.results[i]
            for i, c in creates + raises
            if i in self.results and kind.is_elevated(c.role_after)
        ]
        elevated_failed = any(not r.ok and r.error_code != NOT_STARTED for r in elevated_adds)
        elevated_not_started = any(r.error_code == NOT_STARTED for r in elevated_adds)

        # 3. demotions, 4. removals (elevated members kept if adding one failed, or was
        # not started because of an interrupt: then they are not started either)
        def skip(items: Sequence[tuple[int, Change]]) -> list[tuple[int, Change]]:
            todo = []
            for i, c in items:
                if i in self.results:
                    continue
                if not kind.is_elevated(c.role_before) or self._gone.gone:
                    todo.append((i, c))  # a target gone: each not attempted, for that
                elif elevated_failed:
                    self._done(i, c, SKIPPED, self._skip_message())
                elif elevated_not_started:
                    self._done(i, c, NOT_STARTED, NOT_STARTED_MESSAGE)
                else:
                    todo.append((i, c))
            return todo

        demote = skip(demotions)
        for i, c in demote:
            if kind.updates_in_place(c.member_kind):
                self._update(i, c)
        later = [x for x in demote if x in late]
        self._creates.create(self._delete_for_recreate(later))
        for i, c in skip(deletes):
            self._delete(i, c)
        return [self.results[i] for i, _ in changes]

    def _skip_message(self) -> str:
        return skip_message(self.kind)

    def _making_room(
        self, deletes: Sequence[tuple[int, Change]], creates: int, promoted: int
    ) -> list[tuple[int, Change]]:
        """The removals of elevated members to make before the ``creates``, once ``promoted``
        members gained an elevated role in place (``reconciler.apply_places``)."""
        return making_room(
            self.tp,
            deletes,
            creates,
            freed=sum(self.results[i].ok for i, _ in deletes if i in self.results),
            promoted=promoted,
            made=self.results.keys(),
            minimum=self.minimum,
        )

    def _places(self, deletes: Sequence[tuple[int, Change]]) -> int | None:
        """The places the target has for new members (``TargetPlan.maximum``, counted from
        the plan's live count and the removals done; None: no maximum). Fewer than the
        creates: a new member could take the place a re-creation's delete freed, and
        the creates over them go out apart (``reconciler.apply_create``, Q-FM-1)."""
        most = self.tp.maximum
        if most is None:
            return None
        freed = sum(self.results[i].ok for i, _ in deletes if i in self.results)
        return max(0, most - (self.tp.live_count - freed))

    def _may_demote_early(self, demoted: int, promoted: int) -> bool:
        """Whether ``demoted`` elevated members (re-created: bots in rooms) may lose their
        role before the creates, once ``promoted`` members gained one in place (less those
        removed already): only if the target keeps at least the floor."""
        if not demoted:
            return False
        before = self.tp.live_elevated
        if before is None:  # unknown: early only when the plan adds no elevated member
            return not any(self.kind.is_elevated(c.role_after) for c in self.tp.changes)
        return before + promoted - demoted >= self._floor(before)

    def _floor(self, before: int) -> int:
        """The fewest elevated members the target may have while it is changed."""
        return floor(self.tp, before, self.minimum)

    # -- single operations ---------------------------------------------------------------

    def _done(
        self,
        i: int,
        c: Change,
        code: str | None = None,
        message: str = "",
        already: bool = False,
        answer_lost: bool = False,
        gone: bool = False,
    ) -> None:
        failed = code is not None and code != SKIPPED
        deleted = failed and i in self._deleted
        # a delete or a create whose answer was lost may have been made: absent or not,
        # plan shows
        maybe_removed = failed and i in self._maybe_deleted
        maybe = maybe_removed or (deleted and self._creates_sent.maybe(c.member_id))
        left_absent = None if maybe else deleted
        result = ChangeResult(
            c,
            code,
            message,
            already,
            left_absent,
            maybe_removed=maybe_removed,
            answer_lost=answer_lost and code is None,
            target_gone=gone,
        )
        with self._lock:
            self.results[i] = result
        if self.progress is not None:
            self.progress(result)

    def _update(self, i: int, c: Change) -> None:
        assert c.role_after is not None
        if self._gone.skip(i, c):
            return
        try:
            self.p.update_role(self.tp.key, self.tp.target_id, c.member_id, c.role_after)
        except TargetGone as exc:
            self._gone.fail(i, c, exc)
        except AwsError as exc:
            self._done(i, c, exc.code, exc.message)
        else:
            self._done(i, c)

    def _delete(self, i: int, c: Change) -> None:
        if self._try_delete(i, c):
            self._done(i, c, already=i in self._absent, answer_lost=i in self._lost)

    def _delete_for_recreate(self, items: Sequence[tuple[int, Change]]) -> list[tuple[int, Change]]:
        """Delete members whose role changes by re-creation; return those to re-create
        (absent until then: a failure from here on leaves them absent)."""
        gone = [(i, c) for i, c in items if self._try_delete(i, c, recreate=True)]
        with self._lock:
            self._deleted.update(i for i, _ in gone)
        return gone

    def _try_delete(self, i: int, c: Change, recreate: bool = False) -> bool:
        """Remove the member; True when it is gone (NotFound: gone already; or removed by
        an earlier attempt whose answer was lost: NotFound, or Conflict and not there when
        read). A failure is recorded as the change's result (a re-creation's,
        ``recreate``, after a lost answer: removed or not, unless read there); so is a
        target gone (not tried, once found)."""
        if self._gone.skip(i, c):
            return False
        try:
            self.p.delete_member(self.tp.key, self.tp.target_id, c.member_id)
        except TargetGone as exc:
            self._gone.fail(i, c, exc)
            return False
        except AwsError as exc:
            made = delete_made(self.p, self.tp, c, exc)  # a Conflict after a lost answer
            if exc.code not in NOT_FOUND_CODES and not made:
                if recreate and exc.may_have_been_made and made is None:
                    with self._lock:
                        self._maybe_deleted.add(i)
                self._done(i, c, exc.code, exc.message)
                return False
            with self._lock:  # gone: already, or by an attempt whose answer was lost
                (self._lost if exc.may_have_been_made else self._absent).add(i)
        return True


class _CreatesSent:
    """The ``Writer`` the creates go through: it notes the members a create call of which
    failed after its answer was lost (``AwsError.may_have_been_made``): they may have been
    created, so a re-created one is not said to be absent. A member carried by a call an
    attempt of which lost its answer has its ``Conflict`` marked so
    (``ItemError.answer_lost``), in that call or in any later one (its item retried after
    a ``Throttled``, QA-DW Q-DW-1): most likely that attempt made it."""

    def __init__(self, provider: Writer) -> None:
        self._p = provider
        self._maybe: set[str] = set()
        self._lost: set[str] = set()  # carried by a call that lost an answer
        self._lock = threading.Lock()

    def maybe(self, member_id: str) -> bool:
        """Whether a create of ``member_id`` may have been made though it failed."""
        with self._lock:
            return member_id in self._maybe

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        try:
            with lost_answers.watching() as watch:
                errors = self._p.create_members(target, target_id, items)
        except AwsError as exc:
            if exc.may_have_been_made:
                with self._lock:
                    self._maybe.update(member_id for member_id, _ in items)
            raise
        with self._lock:
            if watch.lost:
                self._lost.update(member_id for member_id, _ in items)
            lost = set(self._lost)
        return {
            member_id: replace(e, answer_lost=True)
            if e.code == CONFLICT and member_id in lost
            else e
            for member_id, e in errors.items()
        }

    def update_role(
        self, target: TargetKey, target_id: str, member_id: str, role: RoleValue
    ) -> None:
        self._p.update_role(target, target_id, member_id, role)

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        self._p.delete_member(target, target_id, member_id)

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        return self._p.member_role(target, target_id, member_id)
