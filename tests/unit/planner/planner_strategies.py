"""Hypothesis strategies: small random desired and live states, and arbitrary Plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st
from planner_builders import ACCOUNT, member_id

from reconciler.declared_once import identity
from reconciler.desired.model import DesiredMember, DesiredState, DesiredTarget, Safety
from reconciler.governance.grant import Grant, Until
from reconciler.live import LiveMember, LiveProblem, LiveState, LiveTarget
from reconciler.plan import Action, Change, Plan, SafetyViolation, TargetPlan
from reconciler.refs import (
    Location,
    MemberKind,
    MemberRef,
    Provenance,
    Role,
    TargetKey,
    TargetKind,
    email_key,
)

EMAILS = ("alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com")
BOTS = ("PagerBot", "Ops Bot", "Zed")
HOOKS = ("Alerts", "Deploys")
ROOMS = ("ops", "dev", "incident-response")
SCOPES = (ACCOUNT, "22222222-0000-0000-0000-000000000000")

roles = st.sampled_from(Role)


def _spellings(email: str) -> list[str]:
    """The same address in several letter cases: Chime compares e-mails case-insensitively."""
    return [email, email.upper(), email.capitalize(), email.swapcase().capitalize()]


users = st.sampled_from([s for e in EMAILS for s in _spellings(e)]).map(MemberRef.user)


refs = st.one_of(users, st.sampled_from(BOTS).map(MemberRef.bot))
keys = st.builds(
    TargetKey, st.just(TargetKind.ROOM), st.sampled_from(SCOPES), st.sampled_from(ROOMS)
)

# the moment a dated world is planned at, and the ``until:``s its entries may have: ended,
# ending within the warning window (14 days), ending after it
NOW = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)
UNTILS = tuple(
    Until(NOW + dt.timedelta(days=d), f"{(NOW + dt.timedelta(days=d)).date()}") for d in (-2, 3, 60)
)


@st.composite
def desired_members(
    draw: st.DrawFn, line: int, *, dated: bool = False
) -> tuple[DesiredMember, ...]:
    chosen = draw(st.dictionaries(refs, roles, max_size=6))
    # one path each; dated: one or two, each with no until or one of UNTILS
    untils = st.none() | st.sampled_from(UNTILS)
    paths = st.lists(untils, min_size=1, max_size=2, unique=True) if dated else st.just([None])
    members = [
        DesiredMember(
            r,
            role,
            tuple(
                Provenance(role, Location("d.yaml", line), grant=Grant(u) if u else None)
                for u in draw(paths)
            ),
        )
        for r, role in chosen.items()
    ]
    return tuple(sorted(members, key=lambda m: m.ref))


@dataclass(frozen=True)
class World:
    desired: DesiredState
    live: LiveState
    now: dt.datetime | None = None  # a dated world's: plan it at this moment


@st.composite
def worlds(
    draw: st.DrawFn,
    *,
    prune: bool | None = None,
    protect: bool = True,
    dated: bool = False,
) -> World:
    """A desired state and a live state over the same few rooms, users and bots.

    ``prune``: force pruning on or off in every room (None: random per room);
    ``protect``: whether some members may be protected;
    ``dated``: entries may have an ``until:`` (ended, ending soon, or later: ``UNTILS``),
    the live state has notices on some targets (a target left out), and the world is
    planned at ``World.now``.
    """
    target_keys = draw(st.lists(keys, unique=True, max_size=4))
    targets = tuple(
        DesiredTarget(
            k,
            None,
            draw(st.booleans()) if prune is None else prune,
            draw(desired_members(line=i + 1, dated=dated)),
            Location("d.yaml", i + 1),
        )
        for i, k in enumerate(sorted(target_keys))
    )
    live_keys = draw(st.lists(st.sampled_from(target_keys), unique=True)) if target_keys else []
    live_keys += draw(st.lists(keys.filter(lambda k: k not in target_keys), max_size=1))
    # dated: the live rooms hold their declared members too (whose entries may end)
    declared_in = {t.key: [m.ref for m in t.members] for t in targets} if dated else {}
    live_targets = {k: draw(live_targets_for(k, declared_in.get(k, ()))) for k in live_keys}

    # protected: mostly members that are live somewhere, so that the planner meets them
    present = sorted(
        {
            m.ref
            for t in live_targets.values()
            for m in t.members
            if m.kind is not MemberKind.WEBHOOK
        }
    )
    candidates = st.one_of(st.sampled_from(present), refs) if present else refs
    protected = draw(st.frozensets(candidates, max_size=3)) if protect else frozenset()
    safety = Safety(max_removals=draw(st.integers(0, 5)))
    desired = DesiredState(targets, safety, protected, "sha256:d")
    declared = {m.ref for t in targets for m in t.members}
    unresolved = draw(st.frozensets(st.sampled_from(sorted(declared)))) if declared else set()
    ids = {r: member_id(r) for r in declared if r not in unresolved}
    noted = draw(st.lists(st.sampled_from(targets), unique=True)) if dated and targets else []
    notices = tuple(
        LiveProblem(t.key, t.location, f"room {t.key.name!r} is left out (a note)") for t in noted
    )
    live = LiveState(live_targets, ids, (), notices=notices)
    return World(desired, live, NOW if dated else None)


@st.composite
def live_targets_for(
    draw: st.DrawFn, key: TargetKey, declared: Sequence[MemberRef] = ()
) -> LiveTarget:
    """A live room; ``declared``: members it holds as well (unless drawn with a role)."""
    chosen = draw(st.dictionaries(refs, roles, max_size=6))
    for r in declared:
        chosen.setdefault(r, draw(roles))
    members = [LiveMember(r, member_id(r), r.kind, role) for r, role in chosen.items()]
    members += [
        LiveMember(r, member_id(r), MemberKind.WEBHOOK, role)
        for r, role in draw(
            st.dictionaries(st.sampled_from(HOOKS).map(MemberRef.webhook), roles, max_size=2)
        ).items()
    ]
    if draw(st.booleans()):  # the same bot twice (two bots with one name)
        twin = MemberRef.bot(draw(st.sampled_from(BOTS)))
        members.append(LiveMember(twin, member_id(twin) + "-twin", MemberKind.BOT, draw(roles)))
    return LiveTarget(key, f"room-{key.scope[:4]}-{key.name}", tuple(sorted(members)))


# --- arbitrary Plans (for the saved-plan round trip) ----------------------------------------

text = st.text(max_size=12)
locations = st.builds(Location, text, st.integers(0, 10**6))
provenances = st.builds(
    Provenance,
    roles,
    locations,
    st.lists(text, max_size=3).map(tuple),
    st.none() | locations,
)
any_keys = st.builds(TargetKey, st.sampled_from(TargetKind), text, text)


@st.composite
def any_refs(draw: st.DrawFn) -> MemberRef:
    """Any text, with the key ``MemberRef`` gives it (a saved plan whose shown member is
    not the one its key names is refused: Q-I-3); a user's key is also as written."""
    kind, display = draw(st.sampled_from(MemberKind)), draw(text)
    folded = kind is MemberKind.USER and draw(st.booleans())
    return MemberRef(kind, email_key(display) if folded else display, display)


live_members = any_refs().flatmap(
    lambda r: st.builds(LiveMember, st.just(r), text, st.just(r.kind), roles)
)


@st.composite
def changes(draw: st.DrawFn, target: TargetKey) -> Change:
    r = draw(any_refs())
    return Change(
        draw(st.sampled_from(Action)),
        target,
        r,
        draw(text),
        r.kind,
        draw(st.none() | roles),
        draw(st.none() | roles),
        tuple(draw(st.lists(provenances, max_size=2))),
    )


@st.composite
def target_plans(draw: st.DrawFn) -> TargetPlan:
    key = draw(any_keys)
    return TargetPlan(
        key,
        draw(text),
        draw(text),
        tuple(draw(st.lists(changes(key), max_size=3))),
        tuple(draw(st.lists(live_members, max_size=2))),
        tuple(draw(st.lists(live_members, max_size=2))),
        draw(st.integers(0, 2000)),
        draw(st.none() | st.integers(0, 1000)),
    )


plans = st.builds(
    Plan,
    # each target once: by key, and by id (a plan file listing one twice is refused)
    st.lists(
        target_plans(),
        max_size=3,
        unique_by=(lambda t: t.key, lambda t: identity(t.key, t.target_id)),
    ).map(tuple),
    st.lists(st.builds(SafetyViolation, text, st.none() | any_keys, text), max_size=3).map(tuple),
    st.lists(text, max_size=3).map(tuple),
    text,
)
