"""What a valid desired state resolves to: targets, roles, provenance, defaults, digest."""

from __future__ import annotations

from pathlib import Path

import pytest
from desired_files import write

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState, DesiredTarget, Safety
from reconciler.refs import Location, MemberRef, Provenance, Role, TargetKey, TargetKind

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def load(root: Path, files: dict[str, str]) -> DesiredState:
    return load_desired(write(root, files))


def room(state: DesiredState, name: str) -> DesiredTarget:
    (found,) = [t for t in state.targets if t.key.name == name]
    return found


def roles(target: DesiredTarget) -> dict[str, Role]:
    return {str(m.ref): m.role for m in target.members}


@pytest.fixture
def d(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A desired-state dir addressed as `ds`, as a user would type it."""
    monkeypatch.chdir(tmp_path)
    return Path("ds")


def test_room_is_keyed_by_account_and_name(d: Path) -> None:
    state = load(d, {"settings.yaml": f"account: {ACCOUNT}\n", "r.yaml": "rooms:\n  ops: {}\n"})
    assert [t.key for t in state.targets] == [TargetKey(TargetKind.ROOM, ACCOUNT, "ops")]
    assert state.targets[0].location == Location("ds/r.yaml", 2)
    assert state.targets[0].target_id is None


def test_room_account_overrides_the_default(d: Path) -> None:
    state = load(
        d,
        {
            "settings.yaml": "account: default-acc\n",
            "r.yaml": "rooms:\n  a: {}\n  b: {account: other-acc}\n",
        },
    )
    assert [(t.key.scope, t.key.name) for t in state.targets] == [
        ("default-acc", "a"),
        ("other-acc", "b"),
    ]


def test_same_room_name_in_two_accounts_is_two_rooms(d: Path) -> None:
    state = load(
        d, {"r.yaml": "rooms:\n  a: {account: one}\n", "s.yaml": "rooms:\n  a: {account: two}\n"}
    )
    assert [t.key.scope for t in state.targets] == ["one", "two"]


def test_room_given_by_id_keeps_its_key_as_name(d: Path) -> None:
    state = load(d, {"r.yaml": "rooms:\n  leadership: {account: a, id: room-9}\n"})
    assert state.targets[0].key.name == "leadership"
    assert state.targets[0].target_id == "room-9"


def test_room_with_only_an_id_is_named_by_the_id(d: Path) -> None:
    state = load(d, {"r.yaml": "rooms:\n  ~: {account: a, id: room-9}\n"})
    assert state.targets[0].key.name == "room-9"


def test_prune_defaults_to_settings_and_rooms_override_it(d: Path) -> None:
    state = load(
        d,
        {
            "settings.yaml": "account: a\nprune: true\n",
            "r.yaml": "rooms:\n  a: {}\n  b: {prune: false}\n",
        },
    )
    assert [(t.key.name, t.prune) for t in state.targets] == [("a", True), ("b", False)]


def test_prune_is_off_without_settings(d: Path) -> None:
    state = load(d, {"r.yaml": "rooms:\n  a: {account: x}\n"})
    assert state.targets[0].prune is False


def test_member_in_both_lists_gets_administrator_with_both_paths(d: Path) -> None:
    state = load(
        d,
        {
            "r.yaml": (
                "rooms:\n"
                "  ops:\n"
                "    account: a\n"
                "    administrators: [alice@example.com]\n"
                "    members: [Alice@Example.com, bob@example.com]\n"
            )
        },
    )
    alice = room(state, "ops").member(MemberRef.user("alice@example.com"))
    assert alice is not None
    assert alice.role is Role.ADMINISTRATOR
    assert alice.provenance == (
        Provenance(Role.ADMINISTRATOR, Location("ds/r.yaml", 4)),
        Provenance(Role.MEMBER, Location("ds/r.yaml", 5)),
    )
    assert roles(room(state, "ops")) == {
        "alice@example.com": Role.ADMINISTRATOR,
        "bob@example.com": Role.MEMBER,
    }


def test_group_chain_is_recorded_outermost_first(d: Path) -> None:
    state = load(
        d,
        {
            "groups.yaml": (
                "groups:\n"
                "  eng: ['@sre']\n"
                "  sre:\n"
                "    - '@leads'\n"
                "  leads:\n"
                "    - dave@example.com\n"
            ),
            "r.yaml": "rooms:\n  ops:\n    account: a\n    members: ['@eng']\n",
        },
    )
    dave = room(state, "ops").member(MemberRef.user("dave@example.com"))
    assert dave is not None
    assert dave.provenance == (
        Provenance(
            Role.MEMBER,
            declared_at=Location("ds/r.yaml", 4),
            via=("eng", "sre", "leads"),
            location=Location("ds/groups.yaml", 6),
        ),
    )
    assert dave.provenance[0].describe() == "Member via @eng > @sre > @leads at ds/groups.yaml:6"


def test_highest_role_wins_across_groups(d: Path) -> None:
    state = load(
        d,
        {
            "r.yaml": (
                "groups:\n"
                "  sre: [alice@example.com, bob@example.com]\n"
                "  leads: [alice@example.com]\n"
                "rooms:\n"
                "  ops:\n"
                "    account: a\n"
                "    administrators: ['@leads']\n"
                "    members: ['@sre', 'bot:PagerBot']\n"
            )
        },
    )
    ops = room(state, "ops")
    assert roles(ops) == {
        "bot:PagerBot": Role.MEMBER,
        "alice@example.com": Role.ADMINISTRATOR,
        "bob@example.com": Role.MEMBER,
    }
    alice = ops.member(MemberRef.user("alice@example.com"))
    assert alice is not None
    assert [p.via for p in alice.provenance] == [("leads",), ("sre",)]


def test_diamond_groups_keep_every_path(d: Path) -> None:
    state = load(
        d,
        {
            "r.yaml": (
                "groups:\n"
                "  a: ['@b', '@c']\n"
                "  b: ['@d']\n"
                "  c: ['@d']\n"
                "  d: [x@example.com]\n"
                "rooms:\n"
                "  ops: {account: acc, members: ['@a']}\n"
            )
        },
    )
    x = room(state, "ops").member(MemberRef.user("x@example.com"))
    assert x is not None
    assert [p.via for p in x.provenance] == [("a", "b", "d"), ("a", "c", "d")]


def test_members_are_sorted_by_reference(d: Path) -> None:
    state = load(
        d,
        {"r.yaml": "rooms:\n  ops:\n    account: a\n    members: [zed@x.io, bot:Zeta, amy@x.io]\n"},
    )
    assert [str(m.ref) for m in room(state, "ops").members] == [
        "bot:Zeta",
        "amy@x.io",
        "zed@x.io",
    ]


def test_emails_keep_their_written_case_for_display(d: Path) -> None:
    state = load(d, {"r.yaml": "rooms:\n  ops: {account: a, members: [Bob@Example.COM]}\n"})
    (bob,) = room(state, "ops").members
    assert (bob.ref.key, str(bob.ref)) == ("bob@example.com", "Bob@Example.COM")


def test_targets_are_sorted_and_files_are_read_recursively_in_order(d: Path) -> None:
    state = load(
        d,
        {
            "settings.yaml": "account: a\n",
            "z.yml": "rooms:\n  alpha: {}\n",
            "teams/b/x.yaml": "rooms:\n  gamma: {}\n",
            "teams/a.yaml": "rooms:\n  beta: {}\n",
            "README.md": "not read\n",
            ".hidden/h.yaml": "rooms: {nope: {}}\n",
        },
    )
    assert [t.key.name for t in state.targets] == ["alpha", "beta", "gamma"]
    assert state.files == ("ds/settings.yaml", "ds/teams/a.yaml", "ds/teams/b/x.yaml", "ds/z.yml")


def test_settings_give_safety_and_protected_members(d: Path) -> None:
    state = load(
        d,
        {
            "settings.yaml": (
                "account: a\n"
                "safety: {max_removals: 3, max_removal_fraction: 0.5, min_administrators: 2}\n"
                "protected: [BreakGlass@example.com, '@admins', 'bot:Guard']\n"
            ),
            "g.yaml": "groups:\n  admins: [root@example.com]\n",
        },
    )
    assert state.safety == Safety(max_removals=3, max_removal_fraction=0.5, min_administrators=2)
    assert state.protected == frozenset(
        {
            MemberRef.user("breakglass@example.com"),
            MemberRef.user("root@example.com"),
            MemberRef.bot("Guard"),
        }
    )


def test_safety_defaults_without_settings(d: Path) -> None:
    state = load(d, {"r.yaml": "rooms:\n  a: {account: x}\n"})
    assert state.safety == Safety()
    assert state.protected == frozenset()


def test_empty_files_and_comment_only_files_are_fine(d: Path) -> None:
    state = load(d, {"settings.yaml": "# nothing yet\n", "empty.yaml": ""})
    assert state.targets == ()
    assert len(state.files) == 2


def test_yaml_merge_keys_share_room_settings(d: Path) -> None:
    state = load(
        d,
        {
            "r.yaml": (
                "rooms:\n"
                "  a: &base {account: acc, prune: true, members: [x@example.com]}\n"
                "  b:\n"
                "    <<: *base\n"
                "    prune: false\n"
            )
        },
    )
    assert [(t.key.name, t.prune, len(t.members)) for t in state.targets] == [
        ("a", True, 1),
        ("b", False, 1),
    ]


def test_digest_changes_with_content_and_path_but_not_with_reads(d: Path) -> None:
    write(d, {"r.yaml": "rooms:\n  a: {account: x}\n"})
    first = load_desired(d).digest
    assert first.startswith("sha256:") and len(first) == 71
    assert load_desired(d).digest == first
    (d / "r.yaml").write_text("rooms:\n  a: {account: x}  \n")
    second = load_desired(d).digest
    assert second != first
    (d / "r.yaml").rename(d / "s.yaml")
    assert load_desired(d).digest not in (first, second)


def test_digest_does_not_depend_on_how_the_directory_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "ds", {"r.yaml": "rooms:\n  a: {account: x}\n"})
    monkeypatch.chdir(tmp_path)
    assert load_desired(Path("ds")).digest == load_desired(tmp_path / "ds").digest


def test_membership_count_counts_resolved_members(d: Path) -> None:
    state = load(
        d,
        {
            "r.yaml": (
                "groups: {g: [a@x.io, b@x.io]}\n"
                "rooms:\n"
                "  one: {account: x, members: ['@g', a@x.io]}\n"
                "  two: {account: x, administrators: ['@g']}\n"
            )
        },
    )
    assert state.membership_count == 4
