"""How the applier creates one target's members: the create calls, their item retries, and
a member someone else put there first. The order of the creates among the target's other
changes is ``reconciler.applier``'s.

Creates go out in batches of ``Kind.batch_size``, one batch per ``Kind.batch_key`` of the
role (channels: one membership type per call). In a target with fewer places than creates
(``places``, counted by the applier), the creates that fit go first, in calls of their own
(retries and all), and the rest after them, once the places those made are counted again:
so an add over the maximum is never in a call with adds that fit. The models list a
whole-call limit error for BatchCreateAttendee (``LimitExceededException``) and
BatchCreateChannelMembership (``ResourceLimitExceededException``), and say nowhere that
AWS refuses only the items over the maximum (the emulator's choice, by default): so the
adds that fit are made, and the plan's predictions (``reconciler.full_swap``,
``reconciler.crowded``) hold, either way (Q-FM-1). A round of those that fit that the
service fails (an outage, a throttling storm) and that makes nothing ends the rounds: the
rest go in one call, so the calls stay bounded by the retry budget, not by it times the
adds (Q-FQ-5). Per-item batch errors with a transient
code are retried with backoff, re-batching only those items; other per-item codes fail
that member only. A whole call failing for good (after the provider's retries) fails
every item of that call.

Another apply at the same time (or a person) may get there first, so the results say what
happened: ``Conflict`` on create means the member is already there: its live role is read,
and it is done and reported ``already present`` (not ``added``, and no update call) when
the role matches (unless an attempt of a call that carried it, this one or an earlier
batch's, lost its answer: then that attempt most likely made it: ``added``, and said
so); otherwise the role is set (in place, or by
re-creation). A member found gone meanwhile is created again, so a bot whose role changes
by re-creation is never left absent by a completed apply; those creates' transient item
errors are retried with the same backoff and budgets as any item's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from reconciler import interrupt
from reconciler.apply_gone import GoneTarget
from reconciler.create_batches import create_batches, role_after, sent_order
from reconciler.errors import NOT_FOUND_CODES as NOT_FOUND_CODES  # the applier's, too
from reconciler.errors import AwsError, TargetGone
from reconciler.kinds import RoleValue
from reconciler.plan import Change, TargetPlan
from reconciler.providers.base import CONFLICT, ItemError, Writer
from reconciler.retry_policy import (
    TRANSIENT_CODES,
    RetryPolicy,
    gave_up,
    item_attempts,
    log_retry,
    not_tried_again,
)

CONFLICT_ROUNDS = 3  # reads and writes to settle a member others change at the same time
# a create answered Conflict this many times with the member absent right after each: the
# conflict is about something else (CreateChannelModerator's ConflictException may be)
ABSENT_CONFLICTS = 2
ABSENT_NOTE = (
    "refused as a conflict twice, and not there when read after either: "
    "the conflict is not its being there already"
)


class Done(Protocol):
    """Records the result of change ``i`` (``c``): no ``code`` when it succeeded
    (``already``: it was so before this apply wrote anything; ``answer_lost``: made by
    this apply's call though its answer was lost), else the AWS code and message it failed
    with (``gone``: it found its target gone, or was not attempted because of that)."""

    def __call__(
        self,
        i: int,
        c: Change,
        code: str | None = ...,
        message: str = ...,
        already: bool = ...,
        answer_lost: bool = ...,
        gone: bool = ...,
    ) -> None: ...


class MemberCreates:
    """Creates members of one target through its kind's ``provider``; every create's
    result goes to ``done``."""

    def __init__(
        self,
        tp: TargetPlan,
        provider: Writer,
        retry: RetryPolicy,
        done: Done,
        gone: GoneTarget | None = None,
    ) -> None:
        self.tp = tp
        self.gone = gone or GoneTarget(tp.kind, done)
        self.kind = tp.kind
        self.p = provider
        self.retry = retry
        self._given = done
        self._made = 0  # creates done so far (made, or there already)
        # a create call failed as a whole, or items gave up on transient errors, since set
        self._failing = False

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
        if code is None:
            self._made += 1
        self._given(i, c, code, message, already, answer_lost, gone)

    def create(self, items: Sequence[tuple[int, Change]], places: int | None = None) -> None:
        """Batch-create ``items`` with their ``role_after``; retry transient item errors.
        ``places``: how many new members the target has room for (None: no maximum
        known); the creates past them go out only after those before them are done, in
        calls of their own, once no place is left (Q-FM-1). When the service fails a
        round of those that fit (a whole call, or items giving up on transient errors)
        and nothing was made, the rest go out together, sharing one retry budget, not a
        budget each (Q-FQ-5)."""
        order = sent_order(self.kind, items)
        while places is not None and 0 < places < len(order):
            fits, order = order[:places], order[places:]
            made, self._failing = self._made, False
            self._create(fits)
            if self._made == made and self._failing:
                break  # the service is failing them: the rest share one budget (Q-FQ-5)
            places -= self._made - made  # a create that failed left its place free
        if order:
            self._create(order)

    def _create(self, items: Sequence[tuple[int, Change]]) -> None:
        pending = list(items)
        conflicts: list[tuple[int, Change, ItemError]] = []
        last: dict[int, tuple[str, str]] = {}  # the code and message a retried item failed with
        attempt = 0
        while pending:
            attempt += 1
            again: list[tuple[int, Change, str, str]] = []
            for chunk in self._batches(pending):
                if self.gone.gone:
                    for i, c in chunk:
                        self.gone.skip(i, c)
                    continue
                members = [(c.member_id, role_after(c)) for _, c in chunk]
                try:
                    errors = self.p.create_members(self.tp.key, self.tp.target_id, members)
                except TargetGone as exc:
                    # the call fails once, as its first member's change; the rest of the
                    # batch are not attempted, as every later change to the target
                    (first, change), *rest = chunk
                    self.gone.fail(first, change, exc)
                    for i, c in rest:
                        self.gone.skip(i, c)
                    continue
                except AwsError as exc:
                    self._failing = True
                    for i, c in chunk:
                        self._not_retried(i, c, exc, last.get(i), attempt - 1)
                    continue
                for i, c in chunk:
                    err = errors.get(c.member_id)
                    if err is None:
                        self._done(i, c)
                    elif err.code in TRANSIENT_CODES:
                        again.append((i, c, err.code, err.message))
                    elif err.code == CONFLICT:
                        conflicts.append((i, c, err))
                    else:
                        self._done(i, c, err.code, err.message)
            # the same budgets as whole calls (throttled items get three times as many
            # attempts), logged at -vv the same way
            retry = [x for x in again if attempt < item_attempts(self.retry, x[2])]
            for i, c, code, message in again:
                if (i, c, code, message) not in retry:
                    self._failing = True
                    self._done(i, c, code, gave_up(message, attempt))
            if retry and not self._wait_to_retry(retry, attempt):
                break  # interrupted: each is done (failed), none is tried again
            pending = [(i, c) for i, c, _, _ in retry]
            last = {i: (code, message) for i, _, code, message in retry}
        for i, c, err in conflicts:
            self._conflict(i, c, err.message, err.answer_lost, err.live_role)

    def _batches(self, items: Sequence[tuple[int, Change]]) -> list[list[tuple[int, Change]]]:
        return create_batches(self.kind, items)

    def _not_retried(
        self, i: int, c: Change, exc: AwsError, failed: tuple[str, str] | None, attempts: int
    ) -> None:
        """Change ``i``'s create call failed with ``exc``; when an interrupt kept it from
        starting (waiting for the quota, say) after it ``failed`` ``attempts`` times, it is
        that failure, not tried again, as at ``_wait_to_retry``."""
        if exc.code == interrupt.NOT_STARTED and failed is not None and attempts:
            code, message = failed
            self._done(i, c, code, not_tried_again(message, attempts))
        else:
            self._done(i, c, exc.code, exc.message)

    def _wait_to_retry(self, items: Sequence[tuple[int, Change, str, str]], attempt: int) -> bool:
        """Back off before retrying ``items`` (each failed ``attempt`` times); False when an
        interrupt came meanwhile: then each is done, failed with its last error and
        ``(not tried again: interrupted after N attempts)``, as a whole call waiting to be
        retried is (its calls were made: not "not started")."""
        self._log_item_retry(items, attempt)
        if not interrupt.requested():
            return True
        for i, c, code, message in items:
            self._done(i, c, code, not_tried_again(message, attempt))
        return False

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

    def _conflict(
        self,
        i: int,
        c: Change,
        message: str,
        answer_lost: bool = False,
        answered: RoleValue | None = None,
    ) -> None:
        """The create met a member already there (another apply, at the same time?): read
        its role (first from the Conflict's answer, ``answered``, when it states it: no
        read); the same role is done (``already present``, no write; or, when an earlier
        attempt of the call lost its answer, ``answer_lost``: most likely made by that
        attempt, so done by this apply, and said so); another role is set (in place, or by
        re-creation); gone again meanwhile, it is created again.
        Absent after a second ``Conflict`` too, the conflict is not its being there: it
        fails with the service's ``message`` and says so (``ABSENT_CONFLICTS``).

        Up to ``CONFLICT_ROUNDS`` creates met by ``Conflict``; a create answered with a
        transient code is retried as any batch item is: after the policy's backoff
        (logged at -vv), within the same budgets (``item_attempts``), not as a round."""
        if self.gone.skip(i, c):
            return
        want = role_after(c)
        already = True  # until this apply writes the role itself
        role: RoleValue | None = None
        rounds = transient = absent = 0
        failed: tuple[str, str] | None = None  # the transient error being retried
        conflicted = True  # the role read next follows a Conflict
        try:
            while rounds < CONFLICT_ROUNDS:
                if answered is not None:  # as the create's answer gave it: no read
                    role, answered = answered, None
                else:
                    role = self.p.member_role(self.tp.key, self.tp.target_id, c.member_id)
                if role == want:
                    lost = already and answer_lost  # made by the attempt that lost its answer
                    self._done(i, c, already=already and not lost, answer_lost=lost)
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
                    if not self._wait_to_retry([(i, c, err.code, err.message)], transient):
                        return
                    failed = (err.code, err.message)
                    continue
                failed = None
                if err.code != CONFLICT:
                    self._done(i, c, err.code, err.message)
                    return
                rounds += 1
                conflicted, message = True, err.message
        except TargetGone as exc:
            self.gone.fail(i, c, exc)
            return
        except AwsError as exc:
            self._not_retried(i, c, exc, failed, transient)
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
