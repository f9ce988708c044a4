"""Q-DN-2: an apply's counts are written as the plan's are (``Plan: 1,200 to add``), with
thousands separators, in every closing line: complete, failed, interrupted, the per-target
``ok`` lines and the changes verification did not find. Before: ``1200 added``."""

from __future__ import annotations

from reconciler.apply_result import ApplyResult, ChangeResult, Unverified
from reconciler.plan import Action, Change
from reconciler.refs import MemberRef, Role, TargetKey, TargetKind
from reconciler.render.apply import Checked, interrupted_summary, render_apply

ROOM = TargetKey(TargetKind.ROOM, "acct", "big")


def add(i: int) -> Change:
    ref = MemberRef.user(f"u{i}@example.com")
    return Change(Action.CREATE, ROOM, ref, f"id-{i}", ref.kind, None, Role.MEMBER)


def remove(i: int) -> Change:
    ref = MemberRef.user(f"gone{i}@example.com")
    return Change(Action.DELETE, ROOM, ref, f"id-g{i}", ref.kind, Role.MEMBER, None)


ADDED = tuple(ChangeResult(add(i)) for i in range(1200))
ALREADY = tuple(ChangeResult(remove(i), already=True) for i in range(1000))


def test_a_complete_apply_counts_its_thousands() -> None:
    assert render_apply(ApplyResult((*ADDED, *ALREADY)), twins=frozenset()) == [
        "Apply complete! Memberships: 1,200 added, 0 changed, 0 removed (1,000 already gone)."
    ]
    missing = tuple(Unverified(r.change) for r in ADDED)
    assert render_apply(ApplyResult(ADDED), Checked.of(missing), twins=frozenset()) == [
        "Apply incomplete: 1,200 applied changes not found when verified. "
        "Memberships: 1,200 added, 0 changed, 0 removed."
    ]


def test_a_failed_apply_counts_its_thousands() -> None:
    failed = tuple(
        ChangeResult(add(2000 + i), "LimitExceeded", "The room is full.") for i in range(1000)
    )
    skipped = tuple(
        ChangeResult(remove(2000 + i), "Skipped", "not attempted: adding failed first")
        for i in range(1100)
    )
    lines = render_apply(ApplyResult((*ADDED, *failed, *skipped)), twins=frozenset())
    assert lines[:2] == ["Applied:", "  ok big: 1,200 added, 0 changed, 0 removed"]
    assert lines[-1] == (
        "Apply incomplete: 1,000 of 3,300 changes failed, 1,100 not attempted "
        "(1,200 applied: 1,200 added, 0 changed, 0 removed)."
    )


def test_an_interrupted_apply_counts_its_thousands() -> None:
    stopped = tuple(
        ChangeResult(add(5000 + i), "Interrupted", "not started: interrupted") for i in range(1000)
    )
    assert interrupted_summary(ApplyResult((*ADDED, *stopped))) == (
        "Interrupted: 1,200 of 2,200 changes applied, 1,000 not applied; "
        "run plan to see what is left."
    )
