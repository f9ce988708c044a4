"""The pure part of `import`: live rooms → desired-state YAML text that loads, reads well,
and plans to no changes against the state it came from."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.desired.loader import load_desired
from reconciler.desired.model import DesiredState
from reconciler.desired.yamlpos import parse
from reconciler.import_declared import namesakes
from reconciler.importer import (
    ImportedRoom,
    ImportOptions,
    declared_rooms,
    directory_files,
    listed,
    room_entries,
    room_keys,
    room_paths,
    scalar,
    slug,
    stdout_document,
    unclear_rooms,
)
from reconciler.live import LiveMember, LiveState, LiveTarget
from reconciler.planner import plan
from reconciler.refs import MemberKind, MemberRef, Role

ACC = "11111111-2222-3333-4444-555555555555"
ACC2 = "22222222-3333-4444-5555-666666666666"
A, M = Role.ADMINISTRATOR, Role.MEMBER


def user(email: str, role: Role = M, member_id: str | None = None) -> LiveMember:
    return LiveMember(MemberRef.user(email), member_id or f"uid-{email}", MemberKind.USER, role)


def bot(name: str, role: Role = M, member_id: str | None = None) -> LiveMember:
    return LiveMember(MemberRef.bot(name), member_id or f"bid-{name}", MemberKind.BOT, role)


def webhook(name: str, role: Role = M) -> LiveMember:
    return LiveMember(MemberRef.webhook(name), f"wid-{name}", MemberKind.WEBHOOK, role)


def room(name: str, *members: LiveMember, room_id: str = "", account: str = ACC) -> ImportedRoom:
    return ImportedRoom(account, name, room_id or f"rid-{name}", tuple(sorted(members)))


def load(files: dict[str, str]) -> DesiredState:
    with tempfile.TemporaryDirectory() as tmp:
        for relative, text in files.items():
            path = Path(tmp, "desired", relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return load_desired(Path(tmp, "desired"))


def live_state(desired: DesiredState, rooms: Sequence[ImportedRoom]) -> LiveState:
    """What the rooms provider would read for the desired rooms from these live rooms."""
    targets = {}
    for t in desired.targets:
        [match] = [
            r
            for r in rooms
            if r.account == t.key.scope
            and (r.room_id == t.target_id if t.target_id else r.name == t.key.name)
        ]
        targets[t.key] = LiveTarget(t.key, match.room_id, match.members)
    ids = {m.ref: m.member_id for r in rooms for m in r.members}
    return LiveState(targets=targets, member_ids=ids)


def assert_round_trip(files: dict[str, str], rooms: Sequence[ImportedRoom]) -> None:
    """Planning the files against the rooms they came from: no changes, prune off and on."""
    desired = load(files)
    assert len(desired.targets) == len(rooms)
    for prune in (False, True):
        pruned = dict(files)
        if prune:
            settings_text = files.get("settings.yaml", f"account: {ACC}\n")
            pruned["settings.yaml"] = settings_text.replace("prune: false", "") + "prune: true\n"
        d = load(pruned)
        result = plan(d, live_state(d, rooms))
        assert result.errors == ()
        assert result.changes == ()
        assert not result.has_changes


def test_room_lists_administrators_then_members_users_by_email_then_bots() -> None:
    r = room(
        "incident-response",
        user("carol@example.com"),
        bot("PagerBot"),
        user("Bob@Example.com", A),
        user("alice@example.com", A),
        bot("AlertBot", A),
        user("dave@example.com"),
    )
    text = stdout_document([r], ImportOptions(default_account=ACC))
    assert text.splitlines() == [
        f"# Imported from Chime by `chime-reconciler import`: 1 room of account {ACC}.",
        "# Members are listed as Chime has them; edit freely, then run `chime-reconciler plan`.",
        "rooms:",
        "  incident-response:  # id rid-incident-response",
        "    administrators:",
        "      - alice@example.com",
        "      - Bob@Example.com",
        "      - bot:AlertBot",
        "    members:",
        "      - carol@example.com",
        "      - dave@example.com",
        "      - bot:PagerBot",
    ]


def test_room_of_another_account_than_the_default_names_its_account() -> None:
    text = stdout_document([room("ops", user("a@example.com"))], ImportOptions(ACC2))
    assert text.splitlines()[3:] == [
        "  ops:  # id rid-ops",
        f"    account: {ACC}",
        "    administrators: []",
        "    members:",
        "      - a@example.com",
    ]


def test_webhooks_are_left_out_with_a_comment_saying_they_are_never_managed() -> None:
    r = room("ops", user("a@example.com", A), webhook("Deploys"), webhook("Alerts", A))
    text = stdout_document([r], ImportOptions(ACC))
    assert text.splitlines()[3:] == [
        "  ops:  # id rid-ops",
        "    administrators:",
        "      - a@example.com",
        "    members: []",
        "    # webhook:Alerts (Administrator) is left out: webhooks are never managed.",
        "    # webhook:Deploys (Member) is left out: webhooks are never managed.",
    ]
    assert_round_trip({"rooms.yaml": text, "settings.yaml": f"account: {ACC}\n"}, [r])


def test_user_without_email_is_left_out_and_its_room_is_never_pruned() -> None:
    nameless = LiveMember(MemberRef.user("Jane Doe"), "uid-jane", MemberKind.USER, A)
    r = room("ops", user("a@example.com"), nameless)
    text = stdout_document([r], ImportOptions(ACC, prune=True))
    assert text.splitlines()[3:] == [
        "  ops:  # id rid-ops",
        "    prune: false  # 1 member(s) left out below: pruning would remove them",
        "    administrators: []",
        "    members:",
        "      - a@example.com",
        "    # Left out: User Jane Doe (id uid-jane, Administrator): Chime lists no usable "
        "e-mail address for this user.",
    ]
    assert_round_trip({"rooms.yaml": text, "settings.yaml": f"account: {ACC}\n"}, [r])


@pytest.mark.parametrize("email", ['quote"d@example.com', "a@example..com", "<a@example.com>"])
def test_user_whose_email_validate_refuses_is_left_out_and_the_room_never_pruned(
    email: str,
) -> None:
    """Chime may list addresses the desired-state files refuse: writing them made the
    imported directory invalid."""
    r = room("ops", user("a@example.com"), user(email, A, "uid-odd"))
    entries = room_entries(r)
    assert entries.members == (MemberRef.user("a@example.com"),)
    assert [(o.member.member_id, o.reason) for o in entries.left_out] == [
        ("uid-odd", "desired-state files cannot name this e-mail address (validate refuses it)")
    ]
    text = stdout_document([r], ImportOptions(ACC, prune=True))
    assert "    prune: false  # 1 member(s) left out below: pruning would remove them" in text
    assert_round_trip({"rooms.yaml": text, "settings.yaml": f"account: {ACC}\n"}, [r])


def test_second_bot_of_the_same_name_is_left_out_as_the_planner_matches_the_first() -> None:
    r = room("ops", bot("Pager", M, "bid-2"), bot("Pager", A, "bid-1"))
    entries = room_entries(r)
    assert entries.administrators == (MemberRef.bot("Pager"),)
    assert [(o.member.member_id, o.reason) for o in entries.left_out] == [
        ("bid-2", "the same name as member id bid-1, which is written")
    ]
    text = stdout_document([r], ImportOptions(ACC))
    assert_round_trip({"rooms.yaml": text, "settings.yaml": f"account: {ACC}\n"}, [r])


def test_prune_option_writes_prune_true_in_each_room() -> None:
    text = stdout_document([room("ops", user("a@example.com"))], ImportOptions(ACC, prune=True))
    assert "    prune: true" in text.splitlines()
    assert load({"r.yaml": text, "settings.yaml": f"account: {ACC}\n"}).targets[0].prune


def test_rooms_sharing_a_name_in_an_account_get_their_id_and_a_label() -> None:
    rooms = [
        room("general", user("a@example.com"), room_id="r-2"),
        room("general", user("b@example.com", A), room_id="r-1"),
        room("ops", room_id="r-3"),
    ]
    text = stdout_document(rooms, ImportOptions(ACC))
    assert text.splitlines()[3:] == [
        "  general (r-1):",
        "    id: r-1  # name: general",
        "    administrators:",
        "      - b@example.com",
        "    members: []",
        "  general (r-2):",
        "    id: r-2  # name: general",
        "    administrators: []",
        "    members:",
        "      - a@example.com",
        "  ops:  # id r-3",
        "    administrators: []",
        "    members: []",
    ]
    assert_round_trip({"rooms.yaml": text, "settings.yaml": f"account: {ACC}\n"}, rooms)


def test_a_label_never_takes_the_name_of_another_room() -> None:
    rooms = [room("x", room_id="1"), room("x", room_id="2"), room("x (1)", room_id="3")]
    keys = room_keys(rooms, lambda r: r.account)
    assert sorted(keys.values()) == ["x (1)", "x (1) (1)", "x (2)"]
    assert keys[rooms[2]] == "x (1)"


def test_a_room_without_a_name_is_keyed_by_its_id() -> None:
    rooms = [room("  ", user("a@example.com"), room_id="r-9")]
    text = stdout_document(rooms, ImportOptions(ACC))
    assert text.splitlines()[3:5] == ["  r-9:", "    id: r-9  # name: '  '"]
    assert_round_trip({"rooms.yaml": text, "settings.yaml": f"account: {ACC}\n"}, rooms)


def test_same_room_name_in_two_accounts_needs_ids_in_one_document_only() -> None:
    rooms = [room("ops", account=ACC, room_id="a"), room("ops", account=ACC2, room_id="b")]
    assert sorted(room_keys(rooms, lambda r: "").values()) == ["ops (a)", "ops (b)"]
    assert sorted(room_keys(rooms, lambda r: r.account).values()) == ["ops", "ops"]
    assert_round_trip({"rooms.yaml": stdout_document(rooms, ImportOptions())}, rooms)


def test_a_name_other_rooms_of_the_account_share_needs_an_id_when_imported_alone() -> None:
    # Q-AQ-1: --room r-2 of two rooms named dup; the count is over every listed room
    listed = [(ACC, "dup", "r-1"), (ACC, "dup", "r-2"), (ACC, "ops", "r-3"), (ACC2, "ops", "r-4")]
    shared = frozenset(namesakes(listed))
    assert shared == {(ACC, "dup")}
    rooms = [room("dup", user("a@example.com"), room_id="r-2")]
    assert room_keys(rooms, lambda r: r.account, shared) == {rooms[0]: "dup (r-2)"}
    text = stdout_document(rooms, ImportOptions(ACC, shared=shared))
    assert text.splitlines()[3:5] == ["  dup (r-2):", "    id: r-2  # name: dup"]


def test_a_name_too_long_for_a_key_is_keyed_by_the_room_id() -> None:
    # Q-AQ-3: a live name has no length limit; a key has (validate refuses it)
    rooms = [room("Q3 planning " + "x" * 290, user("a@example.com"), room_id="r-long")]
    text = stdout_document(rooms, ImportOptions(ACC))
    assert text.splitlines()[3] == "  r-long:"
    assert_round_trip({"rooms.yaml": text, "settings.yaml": f"account: {ACC}\n"}, rooms)


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("ops", "ops"),
        ("bot:PagerBot", "bot:PagerBot"),
        ("o'dave@example.com", "o'dave@example.com"),
        ("bot:Deploy, bot: x", '"bot:Deploy, bot: x"'),
        ('Odd "q"', '"Odd \\"q\\""'),
        (" lead", '" lead"'),
        ("trail ", '"trail "'),
        ("evil\u202egnp", "evil\\u202egnp"),
    ],
)
def test_a_name_in_a_printed_list_is_quoted_when_it_holds_a_separator(
    name: str, printed: str
) -> None:
    # Q-AQ-4: names joined by ", " must each read as one
    assert listed(name) == printed


def test_empty_import_is_a_valid_file_without_rooms() -> None:
    text = stdout_document([], ImportOptions(ACC))
    assert text.splitlines()[-1] == "rooms: {}"
    assert load({"r.yaml": text, "settings.yaml": f"account: {ACC}\n"}).targets == ()


def test_directory_has_settings_with_the_account_and_one_file_per_room() -> None:
    rooms = [room("Incident Response", user("a@example.com", A)), room("ops")]
    files = directory_files(rooms, ImportOptions(ACC), write_settings=True)
    assert list(files) == [
        "rooms/incident-response.yaml",
        "rooms/ops.yaml",
        "settings.yaml",
    ]
    assert files["settings.yaml"].splitlines()[2:] == [
        f"account: {ACC}  # default Chime account of every room",
        "prune: false  # default per room: remove members that are not declared",
    ]
    assert files["rooms/ops.yaml"].splitlines()[2:] == [
        "rooms:",
        "  ops:  # id rid-ops",
        "    administrators: []",
        "    members: []",
    ]
    assert_round_trip(files, rooms)


def test_directory_of_several_accounts_has_a_folder_per_account_and_no_default() -> None:
    rooms = [room("ops", account=ACC, room_id="a"), room("ops", account=ACC2, room_id="b")]
    files = directory_files(rooms, ImportOptions(None), write_settings=True)
    assert list(files) == [f"rooms/{ACC}/ops.yaml", f"rooms/{ACC2}/ops.yaml", "settings.yaml"]
    assert "account:" not in files["settings.yaml"]
    assert f"    account: {ACC2}" in files[f"rooms/{ACC2}/ops.yaml"].splitlines()
    assert_round_trip(files, rooms)


def test_directory_without_settings_when_one_exists_already() -> None:
    files = directory_files([room("ops")], ImportOptions(ACC), write_settings=False)
    assert list(files) == ["rooms/ops.yaml"]


def test_declared_rooms_match_by_id_else_by_name_within_the_account() -> None:
    desired = load(
        {
            "settings.yaml": f"account: {ACC}\n",
            "a.yaml": "rooms:\n  ops: {}\n  label: {id: rid-web}\n",
            "b.yaml": f"rooms:\n  db: {{account: {ACC2}}}\n",
        }
    )
    ops, web, db = room("ops"), room("web"), room("db")
    db2, ops2 = room("db", account=ACC2), room("ops", account=ACC2)

    found = declared_rooms([ops, web, db, db2, ops2], desired.targets, {})

    assert {r: str(t.location) for r, t in found.items()} == {
        ops: f"{desired.files[0]}:2",
        web: f"{desired.files[0]}:3",
        db2: f"{desired.files[1]}:2",
    }


def test_an_entry_by_a_name_two_live_rooms_share_declares_neither() -> None:
    """QA-LD Q-LD-7: `ops:` by name took both live rooms named ops as its own."""
    desired = load({"settings.yaml": f"account: {ACC}\n", "a.yaml": "rooms:\n  ops: {}\n"})
    ops, renamed = room("ops"), room("ops", room_id="rid-other")
    shared = namesakes([(ACC, "ops", ops.room_id), (ACC, "ops", "rid-other")])

    assert declared_rooms([ops, renamed], desired.targets, shared) == {}
    (unclear,) = unclear_rooms([ops, renamed], desired.targets, shared)
    assert unclear.line == (
        f"Note: {desired.files[0]}:2: room ops is declared by name, and 2 rooms of account "
        f"{ACC} have that name ({', '.join(sorted([ops.room_id, 'rid-other']))}): it "
        "declares none of them, so both are written, each with its own id:. Remove that "
        "entry (or give it the id: of a room written and delete that room's new file) before plan."
    )


def test_directory_files_leave_out_the_rooms_declared_already_but_keep_their_keys() -> None:
    rooms = [room("ops", room_id="a"), room("ops", room_id="b"), room("web")]
    files = directory_files(rooms, ImportOptions(ACC), write_settings=False, leave=[rooms[0]])
    assert list(files) == ["rooms/ops-b.yaml", "rooms/web.yaml"]
    assert "  ops (b):" in files["rooms/ops-b.yaml"].splitlines()


def test_rooms_whose_file_names_collide_get_their_id_in_the_name() -> None:
    rooms = [room("Ops!", room_id="r1"), room("ops", room_id="r2"), room("web", room_id="r3")]
    assert sorted(room_paths(rooms, several_accounts=False).values()) == [
        "rooms/ops-r1.yaml",
        "rooms/ops-r2.yaml",
        "rooms/web.yaml",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Incident Response", "incident-response"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("日本語", "room"),
        ("a" * 100, "a" * 80),
    ],
)
def test_slug_is_a_safe_file_name(text: str, expected: str) -> None:
    assert slug(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alice@example.com", "alice@example.com"),
        ("bot:PagerBot", "bot:PagerBot"),
        ("true", "'true'"),
        ("123", "'123'"),
        ("1e3", '"1e3"'),  # a number to YAML 1.2, which the desired state is read by
        ("0o17", '"0o17"'),
        ("1.0e3", '"1.0e3"'),
        ("1:30", "'1:30'"),  # a string to YAML 1.2, a number to 1.1: quoted all the same
        ("a: b", "'a: b'"),
        ("#general", "'#general'"),
        ("two\nlines", '"two\\nlines"'),
        ("next\u2028line", '"next\\Lline"'),
    ],
)
def test_scalar_is_plain_when_yaml_reads_it_back_and_quoted_otherwise(
    text: str, expected: str
) -> None:
    assert scalar(text) == expected


@given(st.text(max_size=40))
def test_scalar_reads_back_as_the_same_string_as_value_and_as_key(text: str) -> None:
    assert not any(c in scalar(text) for c in "\n\r\x85\u2028\u2029")
    assert yaml.safe_load(f"k: {scalar(text)}") == {"k": text}
    assert yaml.safe_load(f"{scalar(text)}: 1") == {text: 1}
    # and by the reader the desired state is read with (YAML 1.2's numbers)
    read = parse(f"k: {scalar(text)}\nl:\n  - {scalar(text)}\n")
    assert (read.data, read.issues) == ({"k": text, "l": [text]}, [])
    read = parse(f"{scalar(text)}: 1\n")
    assert (read.data, read.issues) == ({text: 1}, [])


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=12
)
emails = st.from_regex(r"[a-z][a-z0-9.]{0,6}@[a-z]{1,5}\.(com|org)", fullmatch=True)
roles = st.sampled_from([A, M])


@st.composite
def live_rooms(draw: st.DrawFn) -> list[ImportedRoom]:
    rooms = []
    for i in range(draw(st.integers(0, 4))):
        members: dict[MemberRef, LiveMember] = {}
        for email in draw(st.lists(emails, max_size=5, unique_by=str.casefold)):
            m = user(email, draw(roles), f"uid-{email.casefold()}")
            members[m.ref] = m
        for name in draw(st.lists(names.filter(str.strip), max_size=3, unique_by=str.strip)):
            m = bot(name, draw(roles), f"bid-{name.strip()}")
            members[m.ref] = m
        for name in draw(st.lists(names.filter(str.strip), max_size=2, unique_by=str.strip)):
            m = webhook(name, draw(roles))
            members[m.ref] = m
        account = draw(st.sampled_from([ACC, ACC2]))
        rooms.append(room(draw(names), *members.values(), room_id=f"r-{i}", account=account))
    return rooms


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(live_rooms(), st.booleans())
def test_any_import_loads_and_plans_to_no_changes(rooms: list[ImportedRoom], prune: bool) -> None:
    one_account = {r.account for r in rooms} <= {ACC}
    files = directory_files(
        rooms, ImportOptions(ACC if one_account else None, prune), write_settings=True
    )
    assert_round_trip(files, rooms)
    assert_round_trip({"all.yaml": stdout_document(rooms, ImportOptions(None, prune))}, rooms)


def test_import_text_is_deterministic_whatever_the_order_of_the_rooms() -> None:
    rooms = [room("b", user("x@example.com")), room("a", bot("B")), room("c", room_id="z")]
    first = directory_files(rooms, ImportOptions(ACC), write_settings=True)
    again = directory_files(list(reversed(rooms)), ImportOptions(ACC), write_settings=True)
    assert first == again
    assert stdout_document(rooms, ImportOptions()) == stdout_document(rooms[::-1], ImportOptions())


def test_file_names_stay_unique_when_name_and_id_collide_too() -> None:
    rooms = [room("a-b", room_id="c"), room("a-b", room_id="x"), room("a-b-c", room_id="z")]
    assert room_paths(rooms, several_accounts=False) == {
        rooms[0]: "rooms/a-b-c.yaml",
        rooms[1]: "rooms/a-b-x.yaml",
        rooms[2]: "rooms/a-b-c-2.yaml",
    }
