"""``audit``'s join stays linear in the member's rows and the declared targets (Q-BV-1):
an administrator in 4,000 rooms must not cost sixteen times one in 1,000.

The work is counted, not timed (the machine may be loaded): every read of a live row's
target (``Found.kind``) and of a declared target's key (``DesiredTarget.key``). A join
that scans the rows or the targets once a row does N of them a row, N² in all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reconciler.audit import Status, audit
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget
from reconciler.kinds.rooms import ROOM
from reconciler.live import LiveMember
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey, TargetKind
from reconciler.whereabouts import Found, ScopeLookup, Whereabouts

ACC = "acc-1"
ALICE = MemberRef.user("alice@example.com")
READS = [0]


@dataclass(frozen=True, order=True)
class CountedFound(Found):
    def __getattribute__(self, name: str) -> Any:
        if name == "kind":
            READS[0] += 1
        return object.__getattribute__(self, name)


@dataclass(frozen=True)
class CountedTarget(DesiredTarget):
    def __getattribute__(self, name: str) -> Any:
        if name == "key":
            READS[0] += 1
        return object.__getattribute__(self, name)


def estate(n: int) -> tuple[Whereabouts, DesiredState]:
    """Alice in ``n`` rooms, each declared: half by name, half by id."""
    member = LiveMember(ALICE, "uid-alice", MemberKind.USER, Role.MEMBER)
    found = tuple(CountedFound(ROOM.id, ACC, f"room-{i:05}", f"r-{i:05}", member) for i in range(n))
    declared = DesiredMember(ALICE, Role.MEMBER, (Provenance(Role.MEMBER, Location("f.yaml", 1)),))
    targets = tuple(
        CountedTarget(
            key=TargetKey(TargetKind.ROOM, ACC, f"room-{i:05}"),
            target_id=f"r-{i:05}" if i % 2 else None,
            prune=True,
            members=(declared,),
            location=Location("f.yaml", i + 1),
        )
        for i in range(n)
    )
    where = Whereabouts((ROOM.id,), (ScopeLookup(ACC, ("uid-alice",)),), found)
    return where, DesiredState(targets=targets)


def reads(n: int) -> int:
    where, desired = estate(n)
    READS[0] = 0
    a = audit(ALICE, where, desired)
    assert len(a.rows) == n and {r.status for r in a.rows} == {Status.IN_SYNC}
    return READS[0]


def test_the_join_reads_each_row_and_target_a_bounded_number_of_times() -> None:
    small, large = reads(500), reads(2000)
    # linear: 4x the work for 4x the rows (quadratic: 16x, and hundreds of reads a row)
    assert large < 6 * small, (small, large)
    assert large < 50 * 2000, large
