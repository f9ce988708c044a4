"""Plans as plain values, for the renderer tests."""

from __future__ import annotations

from dataclasses import replace

from reconciler.live import LiveMember
from reconciler.plan import Action, Change, Plan, SafetyViolation, TargetPlan
from reconciler.refs import Location, MemberKind, MemberRef, Provenance, Role, TargetKey, TargetKind

ACCOUNT = "11111111-2222-3333-4444-555555555555"
SRE = "desired-state/teams/sre.yaml"
FP = "sha256:" + "0" * 64
IR = TargetKey(TargetKind.ROOM, ACCOUNT, "incident-response")
ADMIN, MEMBER = Role.ADMINISTRATOR, Role.MEMBER


def room(name: str) -> TargetKey:
    return TargetKey(TargetKind.ROOM, ACCOUNT, name)


def user(email: str) -> MemberRef:
    return MemberRef.user(email)


ALICE = Change(
    Action.CREATE,
    IR,
    user("alice@example.com"),
    "u-alice",
    MemberKind.USER,
    None,
    ADMIN,
    (
        Provenance(ADMIN, Location(SRE, 9)),
        Provenance(MEMBER, Location(SRE, 10), ("sre", "oncall"), Location(SRE, 4)),
    ),
)
BOB = Change(
    Action.UPDATE,
    IR,
    user("bob@example.com"),
    "u-bob",
    MemberKind.USER,
    MEMBER,
    ADMIN,
    (Provenance(ADMIN, Location(SRE, 9)),),
)
PAGER = Change(
    Action.UPDATE,
    IR,
    MemberRef.bot("PagerBot"),
    "b-pager",
    MemberKind.BOT,
    ADMIN,
    MEMBER,
    (Provenance(MEMBER, Location(SRE, 11)),),
)
CAROL = Change(
    Action.DELETE, IR, user("carol@example.com"), "u-carol", MemberKind.USER, MEMBER, None
)
ALERTS = LiveMember(MemberRef.webhook("Alerts"), "w-alerts", MemberKind.WEBHOOK, MEMBER)
GLASS = LiveMember(user("breakglass@example.com"), "u-glass", MemberKind.USER, ADMIN)

INCIDENT = TargetPlan(
    IR, "room-1", FP, (ALICE, PAGER, BOB, CAROL), (ALERTS,), (GLASS,), live_count=5
)
QUIET = TargetPlan(room("quiet"), "room-2", FP, (), (ALERTS,), (), live_count=1)
OPS = TargetPlan(room("ops"), "room-3", FP, (), (), (), live_count=0)

PLAN = Plan(
    (INCIDENT, OPS, QUIET),
    errors=(f"{SRE}:14: no Chime user with e-mail ghost@example.com in account {ACCOUNT}",),
    desired_digest="sha256:desired",
)
NO_CHANGES = Plan((OPS, QUIET), desired_digest="sha256:desired")
UNSAFE = replace(
    PLAN,
    violations=(
        SafetyViolation(
            "max_removals",
            None,
            "Too many removals: 2 is over the limit of 1 (safety.max_removals)",
        ),
        SafetyViolation(
            "min_administrators",
            IR,
            "[incident-response] Would leave 0 administrators (now 1), fewer than the minimum "
            "of 1 (safety.min_administrators)",
        ),
    ),
)
