"""The order and grouping in which apply sends a target's creates (``create_batches``):
pure, so that the planner's ``reconciler.full_swap`` can read which adds AWS accepts at a
maximum from the same rule the applier (``reconciler.apply_create``) follows, without
importing the providers and botocore.

Where a target has fewer places than creates, the applier sends the first ``places`` of
``sent_order`` in calls of their own, then the rest (``reconciler.apply_create``), so that
which adds AWS takes does not depend on whether it refuses only the items over the maximum
or the whole call (Q-FM-1)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from reconciler.kinds import Kind, RoleValue
from reconciler.plan import Action, Change

Item = tuple[int, Change]  # a change and its place in ``TargetPlan.changes``


def create_batches(kind: Kind, items: Sequence[Item]) -> list[list[Item]]:
    """``items`` in create calls, in the order they go out: grouped by ``Kind.batch_key``
    of their role (in order of first appearance), each group cut into ``Kind.batch_size``
    chunks. Re-creations (a role changed by delete and create) come first, in their groups
    and among them: each takes back the place its own delete freed before a new member
    can. (``reconciler.full_swap`` reads which adds AWS accepts at a maximum from it.)"""
    groups: dict[Hashable, list[Item]] = {}
    recreations = [x for x in items if x[1].action is Action.UPDATE]
    for i, c in recreations + [x for x in items if x[1].action is not Action.UPDATE]:
        groups.setdefault(kind.batch_key(role_after(c)), []).append((i, c))
    size = max(1, kind.batch_size)
    return [g[s : s + size] for g in groups.values() for s in range(0, len(g), size)]


def sent_order(kind: Kind, items: Sequence[Item]) -> list[Item]:
    """``items`` in the order their create calls send them (``create_batches``)."""
    return [x for batch in create_batches(kind, items) for x in batch]


def role_after(c: Change) -> RoleValue:
    """The role a create or update gives (never None for those actions)."""
    assert c.role_after is not None, f"{c.action} of {c.member} without a role"
    return c.role_after
