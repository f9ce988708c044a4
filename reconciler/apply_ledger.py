"""What an apply has done so far, readable at any moment: from a signal handler too (a
second Ctrl-C or SIGTERM quits without waiting for the calls in flight, and says first
what it had done: QA-CG Q-CG-3).

``Ledger.record`` is the applier's progress hook (each change's result as it comes);
``Ledger.writer`` wraps each kind's ``Writer`` and notes the changes whose call is in
flight, and the re-creations (a role changed by delete and create) whose delete is done.
``snapshot`` makes an ``ApplyResult`` of them: a change recorded is its result; one whose
call is in flight is failed with ``IN_FLIGHT`` (it may have been made); any other is not
started (``NOT_STARTED``; absent now when it is a re-creation whose delete was done).

Worker threads write it, and ``snapshot`` may run in the main thread's signal handler at
any point: no lock (one the interrupted code held would never be released). Each note is
one dict or set operation, and ``snapshot`` copies each first (atomic under the GIL)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconciler.apply_result import IN_FLIGHT, IN_FLIGHT_MESSAGE, ApplyResult, ChangeResult
from reconciler.errors import NOT_FOUND_CODES, AwsError
from reconciler.interrupt import NOT_STARTED, NOT_STARTED_MESSAGE
from reconciler.kinds import RoleValue
from reconciler.plan import Action, Change, Plan
from reconciler.providers.base import CONFLICT, ItemError, Writer
from reconciler.refs import TargetKey

DELETE, WRITE = "delete", "write"  # the half of a change in flight


class Ledger:
    """The results recorded, the calls in flight and the re-creations half done of an
    apply of ``plan``."""

    def __init__(self, plan: Plan) -> None:
        self._changes = plan.changes
        self._by_member = {(c.target, c.member_id): c for c in self._changes}
        self._results: dict[int, ChangeResult] = {}  # by id(change)
        self._flying: dict[int, str] = {}  # the changes whose call is in flight: which half
        self._removed: set[int] = set()  # re-creations whose delete is done

    def record(self, result: ChangeResult) -> None:
        """A change's result (the applier's ``progress``, from its worker threads)."""
        self._results[id(result.change)] = result

    def writer(self, provider: Writer) -> Writer:
        """``provider``, its calls noted while they are in flight."""
        return _Noted(provider, self)

    def snapshot(self) -> ApplyResult:
        """Every change's result as known now, in plan order."""
        results = dict(self._results)
        flying = dict(self._flying)
        removed = set(self._removed)
        return ApplyResult(
            tuple(
                results.get(id(c)) or _unrecorded(c, flying.get(id(c)), id(c) in removed)
                for c in self._changes
            )
        )

    def _change(self, target: TargetKey, member_id: str) -> Change | None:
        return self._by_member.get((target, member_id))

    def _flies(self, changes: Sequence[Change | None], half: str) -> None:
        for c in changes:
            if c is not None:
                self._flying[id(c)] = half

    def _landed(self, changes: Sequence[Change | None]) -> None:
        """Their call is over and made nothing: not in flight any more."""
        for c in changes:
            if c is not None:
                self._flying.pop(id(c), None)


def _unrecorded(c: Change, half: str | None, removed: bool) -> ChangeResult:
    """A change with no result yet: its call in flight (``half``), or not started."""
    recreated = c.action is Action.UPDATE
    if half is None:  # removed to be added back with its new role: absent now
        return ChangeResult(c, NOT_STARTED, NOT_STARTED_MESSAGE, left_absent=removed)
    maybe_removed = recreated and half == DELETE
    # a re-creation's delete or create in flight: present or absent, plan shows
    maybe = maybe_removed or (recreated and removed)
    return ChangeResult(
        c,
        IN_FLIGHT,
        IN_FLIGHT_MESSAGE,
        left_absent=None if maybe else False,
        maybe_removed=maybe_removed,
    )


class _Noted:
    """A ``Writer`` whose calls the ``Ledger`` notes while they are in flight. A call
    that made its change stays noted until the applier records its result (a moment
    later: until then it may have been made, as the snapshot says); one that failed for
    good, not having been made, is not in flight any more."""

    def __init__(self, provider: Writer, ledger: Ledger) -> None:
        self._p = provider
        self._ledger = ledger

    def create_members(
        self, target: TargetKey, target_id: str, items: Sequence[tuple[str, RoleValue]]
    ) -> Mapping[str, ItemError]:
        ledger = self._ledger
        changes = [ledger._change(target, member_id) for member_id, _ in items]
        ledger._flies(changes, WRITE)
        try:
            errors = self._p.create_members(target, target_id, items)
        except AwsError as exc:
            if not exc.may_have_been_made:
                ledger._landed(changes)
            raise
        refused = [c for c in changes if c is not None and c.member_id in errors]
        ledger._landed([c for c in refused if errors[c.member_id].code != CONFLICT])
        return errors

    def update_role(
        self, target: TargetKey, target_id: str, member_id: str, role: RoleValue
    ) -> None:
        ledger = self._ledger
        change = ledger._change(target, member_id)
        ledger._flies([change], WRITE)
        try:
            self._p.update_role(target, target_id, member_id, role)
        except AwsError as exc:
            if not exc.may_have_been_made:
                ledger._landed([change])
            raise

    def delete_member(self, target: TargetKey, target_id: str, member_id: str) -> None:
        ledger = self._ledger
        change = ledger._change(target, member_id)
        ledger._flies([change], DELETE)
        try:
            self._p.delete_member(target, target_id, member_id)
        except AwsError as exc:
            if exc.code in NOT_FOUND_CODES:  # gone: as removed
                self._removed(change)
            elif not exc.may_have_been_made:
                ledger._landed([change])
            raise
        self._removed(change)

    def _removed(self, change: Change | None) -> None:
        """A re-creation's delete done: absent until its create (not in flight now)."""
        if change is not None and change.action is Action.UPDATE:
            self._ledger._removed.add(id(change))
            self._ledger._landed([change])

    def member_role(self, target: TargetKey, target_id: str, member_id: str) -> RoleValue | None:
        return self._p.member_role(target, target_id, member_id)
