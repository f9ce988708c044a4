"""Expiry where roles conflict and where members are protected, with a fixed clock:

- an entry expired at the moment of loading makes no role conflict (a channel member
  listed in `members` until a date and in `hidden` after it);
- `protected: ["@group"]` protects a member only while one of its group entries lasts;
- the plan lists a protected member only where a pruned target would remove it and the
  files do not declare it; never the bearer, nor a member declared with a lower role."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from reconciler.channel_refs import parse_channel_member
from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.errors import DesiredStateError
from reconciler.governance.expiry import as_of
from reconciler.kinds.channels import CHANNEL, CHANNEL_MODERATOR, DEFAULT, HIDDEN, MODERATOR
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.planner import plan
from reconciler.refs import MemberRef, Role
from reconciler.render.text import render_text

UTC = dt.UTC
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
ACCOUNT = "acct-1"
SETTINGS = f"""
account: {ACCOUNT}
app_instances:
  chat: {{arn: "{INSTANCE}", bearer: "user:reconciler"}}
"""
CHAT = """
groups:
  contractors:
    - {member: bob@example.com, until: 2027-03-01, reason: audit}
channels:
  ops:
    prune: true
    members: ["@contractors", user:alice]
    hidden: [bob@example.com]
"""


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def member(user: str) -> MemberRef:
    return parse_channel_member(user)


def test_an_expired_entry_makes_no_role_conflict(tmp_path: Path) -> None:
    root = write(tmp_path, {"settings.yaml": SETTINGS, "chat.yaml": CHAT})
    expected = [
        "chat.yaml:8: channels.ops.hidden[0]: bob@example.com: conflicting roles DEFAULT and "
        "HIDDEN in channel 'ops' (DEFAULT via @contractors at chat.yaml:3; HIDDEN at "
        "chat.yaml:8)"
    ]
    for now in (None, at("2027-03-01T23:59:59")):  # no clock, or the last second of the day
        with pytest.raises(DesiredStateError) as caught:
            load_desired(root, now)
        got = [str(p).replace(f"{tmp_path}/", "") for p in caught.value.problems]
        assert got == expected
    later = at("2027-03-02T00:00:00")
    state = as_of(load_desired(root, later), later)
    [ops] = [t for t in state.targets if t.key.kind == CHANNEL.id]
    bob = ops.member(member("bob@example.com"))
    assert bob is not None and bob.role == HIDDEN
    assert [(p.role, p.expired) for p in bob.expired] == [(DEFAULT, True)]


def test_validate_and_plan_accept_the_expired_conflict_from_the_command_line(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from reconciler.cli.main import cli

    root = write(tmp_path, {"settings.yaml": SETTINGS, "chat.yaml": CHAT})
    run = CliRunner().invoke(cli, ["--desired", str(root), "--now", "2027-03-02", "validate"])
    assert (run.exit_code, run.stderr.splitlines()) == (
        0,
        [
            f"Warning: bob@example.com in channel ops: DEFAULT expired 2027-03-01, declared at "
            f"{root}/chat.yaml:3: the entry can be removed"
        ],
    )
    early = CliRunner().invoke(cli, ["--desired", str(root), "--now", "2027-02-01", "validate"])
    assert early.exit_code == 1
    assert "conflicting roles DEFAULT and HIDDEN" in early.stderr


PROTECTED_SETTINGS = f"""
account: {ACCOUNT}
protected: ["@oncall", "@breakglass"]
"""
ROOMS = """
groups:
  oncall:
    - {member: carol@example.com, until: 2027-03-01}
    - {member: dave@example.com, until: 2027-03-01}
    - erin@example.com
  breakglass:
    - {member: dave@example.com, until: 2027-06-30}
rooms:
  ops:
    prune: true
    members: [alice@example.com]
"""


def rooms_state(tmp_path: Path) -> DesiredState:
    return load_desired(write(tmp_path, {"settings.yaml": PROTECTED_SETTINGS, "r.yaml": ROOMS}))


def room_live(state: DesiredState, *emails: str) -> LiveState:
    [ops] = state.targets
    members = tuple(
        sorted(LiveMember(MemberRef.user(e), f"id-{e}", MemberRef.user(e).kind, Role.MEMBER)
               for e in emails)
    )  # fmt: skip
    return LiveState({ops.key: LiveTarget(ops.key, "room-ops", members)})


def test_protected_group_members_stop_being_protected_when_their_entries_end(
    tmp_path: Path,
) -> None:
    state = rooms_state(tmp_path)
    live = room_live(
        state, "alice@example.com", "carol@example.com", "dave@example.com", "erin@example.com"
    )
    before = plan(state, live, now=at("2027-03-01T12:00:00"))
    assert before.changes == ()
    assert [str(m.ref) for m in before.targets[0].protected] == [
        "carol@example.com",
        "dave@example.com",
        "erin@example.com",
    ]
    after = plan(state, live, now=at("2027-03-02T00:00:00"))
    # carol's only protected path ended; dave's other group lasts until June; erin's never ends
    assert [(c.action.value, str(c.member)) for c in after.changes] == [
        ("delete", "carol@example.com")
    ]
    assert [str(m.ref) for m in after.targets[0].protected] == [
        "dave@example.com",
        "erin@example.com",
    ]
    assert MemberRef.user("dave@example.com") not in as_of(state, at("2027-07-01")).protected
    assert MemberRef.user("erin@example.com") in as_of(state, at("2099-01-01")).protected


def test_the_bearer_and_declared_protected_members_are_not_reported_on_every_plan(
    tmp_path: Path,
) -> None:
    settings = SETTINGS + "protected: [alice@example.com, glass@example.com]\n"
    chat = """
    channels:
      ops:
        prune: true
        members: [alice@example.com]
        moderators: [alice@example.com]
    """
    state = load_desired(write(tmp_path, {"settings.yaml": settings, "chat.yaml": chat}))
    keys = {t.key.kind: t.key for t in state.targets}

    def listed(kind_id: str, *members: tuple[str, str]) -> LiveTarget:
        found = [
            LiveMember(member(m), f"{INSTANCE}/user/{m}", member(m).kind, role)
            for m, role in members
        ]
        return LiveTarget(keys[kind_id], f"{INSTANCE}/channel/ops", tuple(sorted(found)))

    live = LiveState(
        {
            keys[CHANNEL.id]: listed(
                CHANNEL.id, ("user:reconciler", DEFAULT), ("alice@example.com", DEFAULT),
                ("glass@example.com", HIDDEN),
            ),
            keys[CHANNEL_MODERATOR.id]: listed(
                CHANNEL_MODERATOR.id, ("user:reconciler", MODERATOR),
                ("alice@example.com", MODERATOR), ("glass@example.com", MODERATOR),
            ),
        }
    )  # fmt: skip
    result = plan(state, live, now=at("2027-01-01T00:00:00"))
    assert result.changes == ()
    protected = {t.key.kind: [str(m.ref) for m in t.protected] for t in result.targets}
    # the bearer: never listed; glass, in no file, would be pruned: listed
    assert protected == {
        CHANNEL.id: ["glass@example.com"],
        CHANNEL_MODERATOR.id: ["glass@example.com"],
    }
    text = render_text(result)
    assert "reconciler" not in text
    assert "    protected: glass@example.com (HIDDEN), left unchanged" in text.splitlines()


def test_a_protected_member_declared_with_a_lower_role_is_kept_without_a_line(
    tmp_path: Path,
) -> None:
    settings = f"account: {ACCOUNT}\nprotected: [glass@example.com]\n"
    rooms = "rooms:\n  ops:\n    prune: true\n    members: [glass@example.com]\n"
    state = load_desired(write(tmp_path, {"settings.yaml": settings, "r.yaml": rooms}))
    [ops] = state.targets
    admin = LiveMember(MemberRef.user("glass@example.com"), "id-g", MemberRef.user("g@x.io").kind,
                       Role.ADMINISTRATOR)  # fmt: skip
    result = plan(state, LiveState({ops.key: LiveTarget(ops.key, "room-ops", (admin,))}))
    assert (result.changes, result.targets[0].protected) == ((), ())


def test_an_expiry_that_only_demotes_is_planned(tmp_path: Path) -> None:
    """The only path that ends in the room is an elevated one: the member stays, demoted
    (as_of once returned such a target unchanged, as if nothing had expired)."""
    rooms = """
    rooms:
      ops:
        administrators: [{member: alice@example.com, until: 2027-03-01}]
        members: [alice@example.com]
    """
    state = load_desired(
        write(tmp_path, {"settings.yaml": f"account: {ACCOUNT}\n", "r.yaml": rooms})
    )
    [ops] = state.targets
    admin = LiveMember(MemberRef.user("alice@example.com"), "id-a", MemberRef.user("a@x.io").kind,
                       Role.ADMINISTRATOR)  # fmt: skip
    live = LiveState({ops.key: LiveTarget(ops.key, "room-ops", (admin,))})
    assert plan(state, live, now=at("2027-03-01T23:00:00")).changes == ()
    [change] = plan(state, live, now=at("2027-03-02T00:00:00")).changes
    assert (change.action.value, change.role_before, change.role_after) == (
        "update",
        Role.ADMINISTRATOR,
        Role.MEMBER,
    )


def test_audit_of_a_channel_never_says_a_protected_member_is_removed(tmp_path: Path) -> None:
    from reconciler.audit import audit
    from reconciler.whereabouts import Found, ScopeLookup, Whereabouts

    chat = "channels:\n  ops:\n    prune: true\n    members: [user:alice]\n"
    state = load_desired(write(tmp_path, {"settings.yaml": SETTINGS, "chat.yaml": chat}))
    arn = f"{INSTANCE}/channel/ops"

    def rows(user: str, *roles: tuple[str, str]) -> list[str]:
        ref = member(user)
        found = tuple(
            Found(kind, INSTANCE, "ops", arn, LiveMember(ref, f"{INSTANCE}/{user}", ref.kind, role))
            for kind, role in roles
        )
        lookups = (ScopeLookup(INSTANCE, (f"{INSTANCE}/{user}",)),)
        kinds = (CHANNEL.id, CHANNEL_MODERATOR.id)
        return [r.note for r in audit(ref, Whereabouts(kinds, lookups, found), state).rows]

    both = ((CHANNEL.id, DEFAULT), (CHANNEL_MODERATOR.id, MODERATOR))
    assert rows("user:reconciler", *both) == [  # the bearer
        "not declared: kept, protected (never removed)",
        "not declared: kept, protected (never removed)",
    ]
    assert rows("user:bob", (CHANNEL_MODERATOR.id, MODERATOR)) == [
        "not declared: plan removes it (prune)"
    ]


def test_audit_says_a_protected_moderator_whose_entry_ended_is_removed(tmp_path: Path) -> None:
    """Q-AM-1: the planner takes a channel's moderation from a protected member whose
    `moderators:` entry has ended (protection keeps a member in, not a grant past its
    end); audit's note is the planner's answer, where the old channel audit said "kept,
    protected"."""
    from reconciler.audit import audit
    from reconciler.whereabouts import Found, ScopeLookup, Whereabouts

    chat = (
        "channels:\n  ops:\n    prune: true\n    members: [user:alice]\n"
        "    moderators:\n      - {member: user:alice, until: 2027-03-01}\n"
    )
    settings = SETTINGS + "protected: [user:alice]\n"
    now = at("2027-03-02T00:00:00")
    state = as_of(
        load_desired(write(tmp_path, {"settings.yaml": settings, "chat.yaml": chat})), now
    )
    alice, arn = member("user:alice"), f"{INSTANCE}/channel/ops"
    moderates = LiveMember(alice, f"{INSTANCE}/user/alice", alice.kind, MODERATOR)
    found = Whereabouts(
        (CHANNEL.id, CHANNEL_MODERATOR.id),
        (ScopeLookup(INSTANCE, (moderates.member_id,)),),
        (Found(CHANNEL_MODERATOR.id, INSTANCE, "ops", arn, moderates),),
    )
    key = next(t.key for t in state.targets if t.key.kind == CHANNEL_MODERATOR.id)
    live = LiveState({key: LiveTarget(key, arn, (moderates,))})
    [change] = [c for c in plan(state, live, now=now).changes if c.member == alice]
    assert (change.action.value, change.role_before) == ("delete", MODERATOR)
    rows = audit(alice, found, state).rows
    ended = f"expired 2027-03-01 (declared at {tmp_path / 'chat.yaml'}:6)"  # QA-FN Q-FN-3
    assert [(r.kind, r.note) for r in rows if r.live_role is not None] == [
        (CHANNEL_MODERATOR.id, f"{ended}: plan removes it (prune)")
    ]


def test_explain_says_the_unlisted_bearer_is_kept_protected(tmp_path: Path) -> None:
    from reconciler.governance.explaining import explain, member_refs

    chat = "channels:\n  ops:\n    prune: true\n    members: [user:alice]\n"
    state = load_desired(write(tmp_path, {"settings.yaml": SETTINGS, "chat.yaml": chat}))
    keys = {t.key.kind: t.key for t in state.targets}
    bearer = member("user:reconciler")
    row = LiveMember(bearer, f"{INSTANCE}/user/reconciler", bearer.kind, DEFAULT)
    live = LiveState({keys[CHANNEL.id]: LiveTarget(keys[CHANNEL.id], "c1", (row,))})
    now = at("2027-01-01T00:00:00")
    result = plan(state, live, now=now)
    assert result.targets[0].protected == ()  # the bearer: not listed
    told = explain("user:reconciler", member_refs("user:reconciler"), state, live, result, now)
    assert [(t.kind, t.outcome.value, t.note) for t in told.targets] == [
        (
            "channel",
            "protected",
            "kept: protected (settings.yaml `protected:`, or an app instance's bearer)",
        )
    ]
