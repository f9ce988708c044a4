"""The planner on channel kinds, with plain values: type changes, moderators, the minimum
of moderators, the bearer (protected), and members the provider reported as banned."""

from __future__ import annotations

from dataclasses import replace

from reconciler.channel_refs import parse_channel_member
from reconciler.desired.model import (
    DesiredMember,
    DesiredState,
    DesiredTarget,
    Safety,
)
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, DEFAULT, HIDDEN, MODERATOR
from reconciler.live import LiveMember, LiveProblem, LiveState, LiveTarget
from reconciler.plan import Action, Plan
from reconciler.planner import plan
from reconciler.refs import Location, MemberRef, Provenance, TargetKey

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
CHANNEL_ARN = f"{INSTANCE}/channel/ops"
FILE = "desired-state/chat.yaml"


def ref(text: str) -> MemberRef:
    return parse_channel_member(text)


def arn(r: MemberRef) -> str:
    kind = "bot" if r.key.startswith("bot") or r.kind.value == "Bot" else "user"
    return f"{INSTANCE}/{kind}/{r.key.removeprefix('user:')}"


def key(kind_id: str) -> TargetKey:
    return TargetKey(kind_id, INSTANCE, "ops")


def want(text: str, role: str) -> DesiredMember:
    return DesiredMember(ref(text), role, (Provenance(role, Location(FILE, 3)),))


def target(kind_id: str, *members: DesiredMember, prune: bool = True) -> DesiredTarget:
    return DesiredTarget(
        key(kind_id), None, prune, tuple(sorted(members, key=lambda m: m.ref)), Location(FILE, 2)
    )


def live(kind_id: str, *members: tuple[str, str]) -> LiveTarget:
    found = [LiveMember(ref(t), arn(ref(t)), ref(t).kind, role) for t, role in members]
    return LiveTarget(key(kind_id), CHANNEL_ARN, tuple(sorted(found)))


def planned(
    desired: list[DesiredTarget],
    lives: list[LiveTarget],
    *,
    protected: tuple[str, ...] = (),
    problems: tuple[LiveProblem, ...] = (),
    banned: tuple[str, ...] = (),
    safety: Safety | None = None,
    bearers: dict[str, tuple[str, ...]] | None = None,
) -> Plan:
    """``bearers``: app instance ARN -> its bearers (the tool itself: protected, and the
    own members of both channel kinds there, as the loader makes them)."""
    own = {
        (k.id, a): frozenset(map(ref, b))
        for a, b in (bearers or {}).items()
        for k in (CHANNEL, CHANNEL_MODERATOR)
    }
    state = DesiredState(
        tuple(sorted(desired, key=lambda t: t.key)),
        safety or Safety(max_removals=100, max_removal_fraction=1.0),
        frozenset(ref(p) for p in protected).union(*own.values()),
        own_members=own,
    )
    skip = {ref(b) for b in banned}
    ids = {(INSTANCE, m.ref): arn(m.ref) for t in desired for m in t.members if m.ref not in skip}
    return plan(state, LiveState({t.key: t for t in lives}, {}, problems, ids))


def changes(p: Plan) -> list[str]:
    return [
        f"{c.target.kind} {c.action.value} {c.member} {c.role_before or '-'}->{c.role_after or '-'}"
        for c in p.changes
    ]


def test_a_type_change_is_one_change_that_the_kind_replaces() -> None:
    p = planned(
        [target(CHANNEL.id, want("user:bob", HIDDEN))], [live(CHANNEL.id, ("user:bob", DEFAULT))]
    )
    assert changes(p) == ["channel update user:bob DEFAULT->HIDDEN"]
    assert not CHANNEL.updates_in_place(ref("user:bob").kind)  # applied as delete + create
    assert p.summary.change == 1


def test_moderators_are_planned_independently_of_membership_types() -> None:
    p = planned(
        [
            target(CHANNEL.id, want("user:alice", HIDDEN)),
            target(CHANNEL_MODERATOR.id, want("user:carol", MODERATOR)),
        ],
        [
            live(CHANNEL.id, ("user:alice", HIDDEN)),
            live(CHANNEL_MODERATOR.id, ("user:alice", MODERATOR), ("user:carol", MODERATOR)),
        ],
    )
    assert changes(p) == ["channel-moderator delete user:alice Moderator->-"]


def test_the_last_moderator_is_not_removed_below_the_minimum() -> None:
    p = planned(
        [target(CHANNEL_MODERATOR.id)],
        [live(CHANNEL_MODERATOR.id, ("user:alice", MODERATOR))],
    )
    assert [v.rule for v in p.violations] == ["min_moderators"]
    assert "fewer than the minimum of 1 (safety.min_moderators)" in str(p.violations[0])


def test_the_bearer_is_protected_from_removal_and_revocation() -> None:
    p = planned(
        [target(CHANNEL.id), target(CHANNEL_MODERATOR.id, want("user:carol", MODERATOR))],
        [
            live(CHANNEL.id, ("user:reconciler", DEFAULT), ("user:bob", DEFAULT)),
            live(CHANNEL_MODERATOR.id, ("user:reconciler", MODERATOR), ("user:carol", MODERATOR)),
        ],
        protected=("user:reconciler",),
    )
    assert changes(p) == ["channel delete user:bob DEFAULT->-"]
    protected = {t.key.kind: [m.ref for m in t.protected] for t in p.targets}
    assert protected == {
        CHANNEL.id: [ref("user:reconciler")],
        CHANNEL_MODERATOR.id: [ref("user:reconciler")],
    }


def test_the_bearer_is_neither_listed_nor_drift_where_prune_is_off() -> None:
    p = planned(
        [
            target(CHANNEL.id, want("user:bob", DEFAULT), prune=False),
            target(CHANNEL_MODERATOR.id, want("user:bob", MODERATOR), prune=False),
        ],
        [
            live(CHANNEL.id, ("user:reconciler", DEFAULT), ("user:bob", DEFAULT)),
            live(CHANNEL_MODERATOR.id, ("user:reconciler", MODERATOR), ("user:bob", MODERATOR)),
        ],
        bearers={INSTANCE: ("user:reconciler",)},
    )
    assert [(t.unmanaged, t.protected) for t in p.targets] == [((), ()), ((), ())]
    assert (p.drift, p.drifted, p.changes) == ((), False, ())


def test_only_the_bearers_of_the_channels_own_app_instance_are_left_out() -> None:
    """user:other-bot is another app instance's bearer: here it is a user like any other,
    and drift where no file declares it (still protected: never removed)."""
    p = planned(
        [target(CHANNEL.id, prune=False), target(CHANNEL_MODERATOR.id)],
        [
            live(CHANNEL.id, ("user:reconciler", DEFAULT), ("user:other-bot", DEFAULT)),
            live(
                CHANNEL_MODERATOR.id, ("user:reconciler", MODERATOR), ("user:other-bot", MODERATOR)
            ),
        ],
        bearers={
            INSTANCE: ("user:reconciler",),
            "arn:aws:chime:us-east-1:111122223333:app-instance/other": ("user:other-bot",),
        },
    )
    listed = {
        t.key.kind: ([m.ref for m in t.unmanaged], [m.ref for m in t.protected]) for t in p.targets
    }
    assert listed == {
        CHANNEL.id: ([ref("user:other-bot")], []),
        CHANNEL_MODERATOR.id: ([], [ref("user:other-bot")]),
    }
    assert p.changes == () and p.drifted


def test_a_banned_member_is_not_created_and_the_plan_says_why() -> None:
    why = LiveProblem(key(CHANNEL.id), Location(FILE, 3), "user:mallory is banned from channel")
    p = planned(
        [target(CHANNEL.id, want("user:mallory", DEFAULT), want("user:bob", DEFAULT))],
        [live(CHANNEL.id)],
        problems=(why,),
        banned=("user:mallory",),
    )
    assert changes(p) == ["channel create user:bob -->DEFAULT"]
    assert p.errors == (f"{FILE}:3: user:mallory is banned from channel",)
    assert all(c.action is Action.CREATE for c in p.changes)


def test_user_ids_that_are_emails_are_the_same_member_as_the_email() -> None:
    assert ref("user:Alice@Example.com") == ref("alice@example.com")
    assert ref(f"{INSTANCE}/user/bob") == ref("user:bob")


def test_a_refused_member_is_added_to_neither_kind_of_its_channel_though_it_resolves() -> None:
    """The provider resolves a member once per app instance (another channel, or the
    moderators' own resolution, finds its id) but refuses it per channel (a ban): the
    planner adds it to no target with that channel's id (QA round two, D13)."""
    desired = [
        target(CHANNEL.id, want("user:mallory", DEFAULT), want("user:bob", DEFAULT)),
        target(CHANNEL_MODERATOR.id, want("user:mallory", MODERATOR)),
    ]
    lives = [live(CHANNEL.id), live(CHANNEL_MODERATOR.id)]
    state = DesiredState(tuple(desired), Safety(max_removals=100, max_removal_fraction=1.0))
    ids = {(INSTANCE, ref(r)): arn(ref(r)) for r in ("user:mallory", "user:bob")}
    found = LiveState({t.key: t for t in lives}, {}, (), ids)
    assert changes(plan(state, found)) == [
        "channel create user:bob -->DEFAULT",
        "channel create user:mallory -->DEFAULT",
        "channel-moderator create user:mallory -->Moderator",
    ]
    refused = replace(found, refused={(CHANNEL_ARN, ref("user:mallory")): ()})
    p = plan(state, refused)
    assert changes(p) == ["channel create user:bob -->DEFAULT"]
    assert p.summary.add == 1
    elsewhere = replace(found, refused={(f"{INSTANCE}/channel/side", ref("user:mallory")): ()})
    assert len(plan(state, elsewhere).changes) == 3  # refused in another channel only
