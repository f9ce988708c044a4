"""Seed files: the documented format, derived ids, and errors that name file, line and path."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.emulator import SeedError, load_seed, parse_seed
from reconciler.emulator.seed import derived_id

EXAMPLE = Path(__file__).parent / "seed-example.yaml"
ACCOUNT = "11111111-2222-3333-4444-555555555555"


def test_the_example_seed_loads_with_derived_ids_for_what_has_none() -> None:
    seed = parse_seed(load_seed(EXAMPLE))
    (account,) = seed.accounts
    bob = derived_id(ACCOUNT, "user", "bob@example.com")
    general = derived_id(ACCOUNT, "room", "general", "0")
    assert [u.id for u in account.users] == ["alice-id", bob]
    assert [(r.id, [(m.member_id, m.role) for m in r.memberships]) for r in account.rooms] == [
        (
            "room-1",
            [("alice-id", "Administrator"), ("pager-id", "Member"), ("hook-id", "Member")],
        ),
        (general, [(bob, "Member")]),
    ]
    assert parse_seed(load_seed(EXAMPLE)) == seed


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "seed.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "accounts:\n  - name: X\n    users: [{email: nobody}]\n",
            "SEED:3: accounts[0].users[0].email: malformed email address 'nobody'",
        ),
        (
            "accounts:\n  - name: X\n    colour: red\n",
            "SEED:3: accounts[0].colour: unknown key 'colour' "
            "(expected one of: id, name, users, bots, webhooks, rooms, email_filter)",
        ),
        (
            "accounts:\n  - name: X\n    email_filter: lower\n",
            "SEED:3: accounts[0].email_filter: unknown email_filter 'lower' "
            "(expected ANY_CASE or EXACT)",
        ),
        (
            "accounts:\n  - id: a\n    name: X\n    rooms:\n      - name: r\n"
            "        memberships: [{member: 'bot:Nope'}]\n",
            "SEED:6: accounts[0].rooms[0].memberships[0].member: "
            "no user, bot or webhook 'bot:Nope' in account a",
        ),
        (  # Q-EU-1: two bots of one name need an id each (the derived one is the same)
            "accounts:\n  - id: a\n    name: X\n    bots:\n"
            "      - {name: Pager}\n      - {name: Pager}\n",
            f"SEED:6: accounts[0].bots[1].id: duplicate id {derived_id('a', 'bot', 'Pager')!r} "
            "(also used at accounts[0].bots[0].id)",
        ),
        (  # Q-EU-1: and a membership naming both by name is an error
            "accounts:\n  - id: a\n    name: X\n    bots:\n"
            "      - {id: b1, name: Pager}\n      - {id: b2, name: Pager}\n"
            "    rooms:\n      - name: r\n        memberships: [{member: 'bot:Pager'}]\n",
            "SEED:9: accounts[0].rooms[0].memberships[0].member: "
            "'bot:Pager' names 2 bots: give a bot's id",
        ),
        (
            "accounts:\n  - id: a\n    name: X\n    users:\n      - {id: a, email: a@b.co}\n",
            "SEED:5: accounts[0].users[0].id: duplicate id 'a' (also used at accounts[0].id)",
        ),
        (
            "accounts:\n  - name: X\n    users:\n"
            "      - {email: a@b.co}\n      - {email: A@B.co}\n",
            "SEED:5: accounts[0].users[1]: duplicate email 'A@B.co' (also at accounts[0].users[0])",
        ),
        (
            "accounts:\n  - id: a\n    name: X\n    users: [{id: u, email: u@b.co}]\n"
            "    rooms:\n      - name: r\n        memberships:\n"
            "          - {member: u, role: Owner}\n",
            "SEED:8: accounts[0].rooms[0].memberships[0].role: "
            "unknown role 'Owner' (expected Administrator or Member)",
        ),
        (
            "accounts:\n  - id: a\n    name: X\n    users: [{id: u, email: u@b.co}]\n"
            "    rooms:\n      - name: r\n        memberships:\n"
            "          - {member: u}\n          - {member: U@B.CO}\n",
            "SEED:9: accounts[0].rooms[0].memberships[1].member: "
            "'U@B.CO' is already a member (at accounts[0].rooms[0].memberships[0])",
        ),
        ("accounts:\n  - {id: a}\n", "SEED:2: accounts[0]: missing required key 'name'"),
        (
            "accounts:\n  - name: X\n    name: Y\n",
            "SEED:3: accounts[0].name: duplicate key 'name' (first on line 2)",
        ),
        (
            "accounts: [\n",
            "SEED:2: invalid YAML: expected the node content, but found '<stream end>'",
        ),
        ("- 1\n", "SEED:1: expected a mapping, got a list"),
        (
            "accounts:\n  - name: X\n    users: [{email: a@b.co, name: ''}]\n",
            "SEED:3: accounts[0].users[0].name: expected a non-empty string, got an empty string",
        ),
        (
            "accounts:\n  - name: X\n    users: [{email: a@b.co, id: 7}]\n",
            "SEED:3: accounts[0].users[0].id: expected a non-empty string, got an integer",
        ),
        ("accounts: 1.5\n", "SEED:1: accounts: expected a list, got a number"),
        (
            "accounts:\n  - name: X\n  - name: X\n",
            "SEED:3: accounts[1]: duplicate account name 'X' (also at accounts[0]); "
            "give one of them an id",
        ),
    ],
)
def test_seed_errors_name_file_line_and_path(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == message.replace("SEED", str(path))


def test_a_missing_seed_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == f"{path}: cannot read seed file: No such file or directory"


def test_an_empty_seed_file_is_an_empty_emulator(tmp_path: Path) -> None:
    assert parse_seed(load_seed(write(tmp_path, "# nothing\n"))).accounts == ()


def test_a_room_is_seeded_with_at_most_1000_members() -> None:
    users = [{"id": f"u{i}", "email": f"u{i}@example.com"} for i in range(1001)]
    rooms = [{"name": "big", "memberships": [{"member": u["id"]} for u in users]}]
    with pytest.raises(SeedError) as info:
        parse_seed({"accounts": [{"id": "a", "name": "X", "users": users, "rooms": rooms}]})
    assert str(info.value) == (
        "<seed>: accounts[0].rooms[0].memberships: 1001 memberships; a room has at most 1000"
    )


def test_a_user_or_bot_is_seeded_in_at_most_1000_rooms(tmp_path: Path) -> None:
    # AWS's quota "Memberships per profile: 1,000"; room r1000 is at line 1006
    head = "accounts:\n- id: a\n  name: X\n  bots: [{name: Pager}]\n  rooms:\n"
    room = "  - {{name: r{}, memberships: [{{member: 'bot:Pager'}}]}}\n"
    path = write(tmp_path, head + "".join(room.format(i) for i in range(1001)))
    with pytest.raises(SeedError) as info:
        parse_seed(load_seed(path))
    assert str(info.value) == (
        f"{path}:1006: accounts[0].rooms[1000].memberships[0].member: "
        "'bot:Pager' would be in more than 1000 rooms"
    )
    path = write(tmp_path, head + "".join(room.format(i) for i in range(1000)))
    (account,) = parse_seed(load_seed(path)).accounts
    assert len(account.rooms) == 1000


@pytest.mark.timeout(20)
def test_a_seed_of_nested_aliases_is_refused_without_expanding_them(tmp_path: Path) -> None:
    # Eight levels of nine aliases: 9**8 (43 million) leaves if walked naively.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 8)]
    path = write(tmp_path, "\n".join(lines) + "\naccounts: []\n")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == (
        f"{path}:1: a0: unknown key 'a0' (expected one of: accounts, meetings, app_instances)"
    )


def test_a_seed_nested_too_deeply_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = write(tmp_path, "accounts: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == f"{path}:1: invalid YAML: nesting is too deep"


def test_aliases_in_a_seed_are_followed(tmp_path: Path) -> None:
    text = (
        "accounts:\n  - name: X\n    users: [{id: u, email: u@b.co}]\n"
        "    rooms:\n"
        "      - {id: r1, name: one, memberships: &same [{member: u, role: Administrator}]}\n"
        "      - {id: r2, name: two, memberships: *same}\n"
    )
    (account,) = parse_seed(load_seed(write(tmp_path, text))).accounts
    assert [(r.id, [(m.member_id, m.role) for m in r.memberships]) for r in account.rooms] == [
        ("r1", [("u", "Administrator")]),
        ("r2", [("u", "Administrator")]),
    ]


def test_a_seed_nested_too_deeply_below_its_first_line_names_that_line(tmp_path: Path) -> None:
    """The nesting is refused before libyaml composes it (it would crash), at the line
    where it goes too deep, as the desired state's loader says (QA-CF Q-CF-5)."""
    path = write(tmp_path, "# a seed\naccounts:\n  - " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(SeedError) as info:
        load_seed(path)
    assert str(info.value) == f"{path}:3: invalid YAML: nesting is too deep"


def test_a_seeded_external_user_id_keeps_its_white_space(tmp_path: Path) -> None:
    """AWS and CreateAttendee keep the white space around an ExternalUserId, so the seed
    does too: ``dial-in-7 `` and ``dial-in-7`` are two attendees (QA-EQ Q-EQ-3)."""
    path = write(
        tmp_path,
        "meetings:\n"
        "  - id: 6f1c2a9e-0000-4000-8000-00000000000a\n"
        "    external_meeting_id: ws\n"
        "    attendees:\n"
        '      - external_user_id: "dial-in-7 "\n'
        '      - external_user_id: "dial-in-7"\n'
        '      - external_user_id: " x"\n',
    )
    (meeting,) = parse_seed(load_seed(path)).meetings
    assert [a.external_user_id for a in meeting.attendees] == ["dial-in-7 ", "dial-in-7", " x"]
    assert len({a.id for a in meeting.attendees}) == 3


def test_two_bots_may_share_a_name_as_at_aws() -> None:
    """Q-EU-1: CreateBot's DisplayName is not unique; the seed refused a second bot of one
    name, so no test could build that estate. Each has its id; memberships name them so."""
    seed = parse_seed(
        {
            "accounts": [
                {
                    "id": "a",
                    "name": "X",
                    "bots": [{"id": "b1", "name": "Pager"}, {"id": "b2", "name": "Pager"}],
                    "rooms": [{"name": "r", "memberships": [{"member": "b1"}, {"member": "b2"}]}],
                }
            ]
        }
    )
    (account,) = seed.accounts
    assert [(b.id, b.name) for b in account.bots] == [("b1", "Pager"), ("b2", "Pager")]
    assert [m.member_id for m in account.rooms[0].memberships] == ["b1", "b2"]
