"""Plain-value builders for planner tests: desired and live states in a line or two."""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget, Safety
from reconciler.live import LiveMember, LiveProblem, LiveState, LiveTarget
from reconciler.plan import Change
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey, TargetKind

ACCOUNT = "11111111-2222-3333-4444-555555555555"
FILE = "desired-state/rooms.yaml"
ADMIN = Role.ADMINISTRATOR
MEMBER = Role.MEMBER


def key(name: str, scope: str = ACCOUNT) -> TargetKey:
    return TargetKey(TargetKind.ROOM, scope, name)


def member_id(ref: MemberRef) -> str:
    """The id Chime gives this member in these tests: stable, derived from the ref."""
    prefix = {MemberKind.USER: "user", MemberKind.BOT: "bot", MemberKind.WEBHOOK: "hook"}
    return f"{prefix[ref.kind]}-{ref.key.replace('@', '-at-')}"


def ref(text: str) -> MemberRef:
    if text.startswith("webhook:"):
        return MemberRef.webhook(text[len("webhook:") :])
    return MemberRef.parse(text)


def live_member(text: str, role: Role = MEMBER, *, id: str | None = None) -> LiveMember:
    r = ref(text)
    return LiveMember(r, id or member_id(r), r.kind, role)


def want(text: str, role: Role = MEMBER, *, line: int = 1) -> DesiredMember:
    return DesiredMember(ref(text), role, (Provenance(role, Location(FILE, line)),))


def desired_target(
    name: str,
    *members: DesiredMember,
    prune: bool = False,
    line: int = 1,
    scope: str = ACCOUNT,
    target_id: str | None = None,
) -> DesiredTarget:
    return DesiredTarget(
        key(name, scope),
        target_id,
        prune,
        tuple(sorted(members, key=lambda m: m.ref)),
        Location(FILE, line),
    )


def live_target(
    name: str, *members: LiveMember, id: str | None = None, scope: str = ACCOUNT
) -> LiveTarget:
    return LiveTarget(key(name, scope), id or f"room-{name}", tuple(sorted(members)))


def desired_state(
    *targets: DesiredTarget,
    safety: Safety | None = None,
    protected: Iterable[str] = (),
    digest: str = "sha256:desired",
) -> DesiredState:
    return DesiredState(
        tuple(sorted(targets, key=lambda t: t.key)),
        safety or Safety(),
        frozenset(ref(p) for p in protected),
        digest,
    )


def live_state(
    desired: DesiredState,
    *targets: LiveTarget,
    unresolved: Iterable[str] = (),
    problems: Iterable[LiveProblem] = (),
) -> LiveState:
    """Live targets as given; every declared member resolved (as the provider would) except
    those named in ``unresolved``."""
    skip = {ref(u) for u in unresolved}
    ids = {m.ref: member_id(m.ref) for t in desired.targets for m in t.members if m.ref not in skip}
    return LiveState({t.key: t for t in targets}, ids, tuple(problems))


def lines(changes: Iterable[Change]) -> list[str]:
    """Compact view of changes: ``create alice@example.com -->Member`` and the like."""
    out = []
    for c in changes:
        before = c.role_before.value if c.role_before else "-"
        after = c.role_after.value if c.role_after else "-"
        out.append(f"{c.action.value} {c.member} {before}->{after}")
    return out
