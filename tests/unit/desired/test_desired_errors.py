"""Every kind of mistake in the desired state is reported with FILE:LINE, all in one run.

One fixture directory per failure under tests/fixtures/desired/, named for it. Paths in
messages are as the user typed the directory: the tests run from the fixtures folder and
pass the fixture's name.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError
from reconciler.typed_number import TOO_LARGE

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "desired"

EXPECTED: dict[str, list[str]] = {
    "yaml-syntax-error": [
        "yaml-syntax-error/rooms.yaml:4: YAML syntax error: while parsing a flow sequence, "
        "expected ',' or ']', but got ':' (started at line 3)",
    ],
    "unquoted-group-reference": [
        "unquoted-group-reference/rooms.yaml:4: YAML syntax error: while scanning for the "
        "next token, found character '@' that cannot start any token "
        '(quote group references: "@group")',
    ],
    "duplicate-yaml-key": [
        "duplicate-yaml-key/rooms.yaml:5: rooms.incident-response: "
        "duplicate key 'members' (first at line 3)",
    ],
    "unknown-key": [
        "unknown-key/rooms.yaml:3: rooms.incident-response: "
        "unknown key 'administrator' (did you mean 'administrators'?)",
    ],
    "unknown-top-level-key": [
        "unknown-top-level-key/rooms.yaml:3: unknown key 'room' (did you mean 'rooms'?)",
    ],
    "unknown-role": [
        "unknown-role/rooms.yaml:3: rooms.incident-response: unknown key 'moderators' "
        "(expected one of: account, administrators, id, members, owners, prune, safety)",
    ],
    "wrong-type": [
        "wrong-type/rooms.yaml:3: rooms.incident-response.prune: "
        "expected true or false, got the string 'yes'",
        "wrong-type/rooms.yaml:4: rooms.incident-response.members: "
        "expected a list, got the string 'alice@example.com'",
        "wrong-type/rooms.yaml:6: rooms.ops.id: expected a string, got the number 12345 (quote it)",
        "wrong-type/rooms.yaml:8: rooms.ops.administrators[0]: "
        "expected a string, got the number 42 (quote it)",
    ],
    "malformed-email": [
        "malformed-email/teams/sre.yaml:7: rooms.incident-response.members[2]: "
        "malformed email address 'bob@'",
    ],
    "empty-member-reference": [
        "empty-member-reference/rooms.yaml:4: groups.sre[1]: empty member reference",
        "empty-member-reference/rooms.yaml:7: rooms.incident-response.members[0]: "
        "empty member reference",
        "empty-member-reference/rooms.yaml:7: rooms.incident-response.members[1]: "
        "group reference '@' has no group name",
    ],
    "undefined-group": [
        "undefined-group/rooms.yaml:6: rooms.incident-response.members[0]: "
        "undefined group '@sre' (did you mean '@sre-team'?)",
    ],
    "group-cycle": [
        "group-cycle/groups.yaml:2: groups.a[1]: group cycle: @a -> @b -> @c -> @a",
        "group-cycle/groups.yaml:5: groups.self[0]: group cycle: @self -> @self",
    ],
    "duplicate-room": [
        "duplicate-room/teams/web.yaml:4: rooms.incident-response: room 'incident-response' "
        "is already declared at duplicate-room/teams/sre.yaml:2",
    ],
    "duplicate-room-id": [
        "duplicate-room-id/rooms.yaml:4: rooms.operations: room id 'room-1' is already "
        "declared at duplicate-room-id/rooms.yaml:2",
    ],
    "duplicate-group": [
        "duplicate-group/b.yaml:2: groups.sre: group 'sre' is already defined at "
        "duplicate-group/a.yaml:2",
    ],
    "duplicate-member": [
        "duplicate-member/rooms.yaml:7: rooms.incident-response.members[2]: "
        "'Bob@Example.com' is listed twice (first at line 5)",
        "duplicate-member/rooms.yaml:8: rooms.incident-response.members[3]: "
        "'@sre' is listed twice (first at line 6)",
    ],
    "room-without-name-or-id": [
        'room-without-name-or-id/rooms.yaml:2: rooms."": room has neither a name nor an id',
        'room-without-name-or-id/rooms.yaml:4: rooms." ": room has neither a name nor an id',
    ],
    "room-without-account": [
        "room-without-account/rooms.yaml:2: rooms.incident-response: "
        "room has no account: set `account:` here or in settings.yaml",
    ],
    "not-a-mapping": [
        "not-a-mapping/rooms.yaml:1: the top level must be a mapping of keys, not a list",
    ],
    "restriction-violation": [
        "restriction-violation/common.yaml:2: rooms.announcements: room 'announcements' "
        "may not be defined in common.yaml: the rule at "
        "restriction-violation/restrictions.yaml:5 (path '**') allows no rooms",
        "restriction-violation/teams/sre/rooms.yaml:3: groups.web: group 'web' may not be "
        "defined in teams/sre/rooms.yaml: the rule at "
        "restriction-violation/restrictions.yaml:2 (path 'teams/sre/**') "
        "allows groups matching '^sre'",
        "restriction-violation/teams/sre/rooms.yaml:7: rooms.web-releases: room "
        "'web-releases' may not be defined in teams/sre/rooms.yaml: the rule at "
        "restriction-violation/restrictions.yaml:2 (path 'teams/sre/**') "
        "allows rooms matching '^sre-', '^incident-response$'",
    ],
    "bad-safety": [
        "bad-safety/settings.yaml:3: safety.max_removals: must be at least 0, got -1",
        "bad-safety/settings.yaml:4: safety.max_removal_fraction: must be at most 1.0, got 1.5",
        "bad-safety/settings.yaml:5: safety.min_administrators: "
        "expected a whole number, got the number 1.5",
        "bad-safety/settings.yaml:6: safety: "
        "unknown key 'max_removal' (did you mean 'max_removals'?)",
    ],
    "settings-in-team-file": [
        "settings-in-team-file/teams/sre.yaml:1: unknown key 'account' "
        "(settings belong in settings.yaml at the top of the desired-state directory)",
    ],
    "webhook-member": [
        "webhook-member/rooms.yaml:3: rooms.incident-response.members[1]: "
        "webhooks are never managed: 'webhook:Alerts'",
        "webhook-member/rooms.yaml:3: rooms.incident-response.members[2]: "
        "bot reference 'bot:' has no bot name",
    ],
    "invalid-regex": [
        "invalid-regex/restrictions.yaml:3: restrictions[0].rooms[0]: invalid regular "
        "expression '^sre-(' (RE2 syntax): missing ): ^sre-(",
        "invalid-regex/restrictions.yaml:4: restrictions[1]: missing required key 'path'",
    ],
    "invalid-value": [
        "invalid-value/rooms.yaml:3: rooms.incident-response.id: invalid date '2024-13-45' "
        "(month must be in 1..12): expected a date (2027-03-31) or a date and time with a "
        "zone (2027-03-31T18:00:00Z), or quotes around text that is not a date",
        "invalid-value/rooms.yaml:4: rooms.incident-response.members[0]: "
        "invalid YAML value: could not determine a constructor for the tag '!secret'",
    ],
    "invalid-utf8": [
        "invalid-utf8/rooms.yaml:3: not valid UTF-8 text",
    ],
    "errors-beside-a-bad-entry": [  # a broken entry or key hides nothing else
        "errors-beside-a-bad-entry/rooms.yaml:2: groups.a[1]: malformed email address 'carol@'",
        "errors-beside-a-bad-entry/rooms.yaml:2: groups.a[0]: group cycle: @a -> @b -> @a",
        "errors-beside-a-bad-entry/rooms.yaml:6: rooms.ops: "
        "unknown key 'administrator' (did you mean 'administrators'?)",
        "errors-beside-a-bad-entry/rooms.yaml:8: rooms.ops.members[0]: "
        "malformed email address 'bob@'",
        "errors-beside-a-bad-entry/rooms.yaml:10: rooms.ops.members[2]: "
        "'Dave@Example.com' is listed twice (first at line 9)",
        "errors-beside-a-bad-entry/rooms.yaml:11: rooms.ops.members[3]: undefined group '@oncall'",
        "errors-beside-a-bad-entry/rooms.yaml:12: rooms.web: room 'web' is already declared "
        "at errors-beside-a-bad-entry/more.yaml:2",
        "errors-beside-a-bad-entry/rooms.yaml:13: rooms.web.prune: "
        "expected true or false, got the string 'maybe'",
        "errors-beside-a-bad-entry/settings.yaml:2: protected[0]: "
        "malformed email address 'breakglass@example'",
        "errors-beside-a-bad-entry/settings.yaml:2: protected[1]: undefined group '@breakglass'",
        "errors-beside-a-bad-entry/teams/team.yaml:2: rooms.releases: room 'releases' may not "
        "be defined in teams/team.yaml: the rule at "
        "errors-beside-a-bad-entry/restrictions.yaml:2 (path 'teams/**') "
        "allows rooms matching '^team-'",
        "errors-beside-a-bad-entry/teams/team.yaml:3: rooms.releases.members[0]: "
        "malformed email address 'grace@'",
    ],
    "many-errors": [  # issue 15: the file that cannot be parsed first, knock-ons folded
        "many-errors/teams/web.yaml:4: YAML syntax error: while parsing a flow sequence, "
        "expected ',' or ']', but got '<stream end>' (started at line 3)",
        "many-errors/teams/web.yaml could not be loaded (see above), so 1 reference to groups "
        "no other file defines is not checked: @oncall (many-errors/teams/sre.yaml:2)",
        "many-errors/settings.yaml:2: protected[0]: malformed email address 'breakglass@example'",
        "many-errors/teams/sre.yaml:5: rooms.incident-response: "
        "unknown key 'administrator' (did you mean 'administrators'?)",
    ],
}


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURES)
    return FIXTURES


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(DesiredStateError) as caught:
        load_desired(directory)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_mistake_is_reported_with_file_and_line(in_fixtures: Path, fixture: str) -> None:
    assert problems_of(Path(fixture)) == EXPECTED[fixture]


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["lone-cr", "crlf"])
@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_each_mistake_is_reported_at_the_same_line_whatever_the_line_endings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str, newline: str
) -> None:
    """The fixture with every "\n" of its files made ``newline`` (an old Mac's lone CR,
    Windows' CRLF): the same problems at the same lines, as a text editor shows them."""
    for source in (FIXTURES / fixture).rglob("*"):
        copy = tmp_path / fixture / source.relative_to(FIXTURES / fixture)
        if source.is_dir():
            copy.mkdir(parents=True, exist_ok=True)
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes().replace(b"\n", newline.encode()))
    monkeypatch.chdir(tmp_path)
    assert problems_of(Path(fixture)) == EXPECTED[fixture]


def test_every_failure_fixture_has_an_expectation() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "valid-minimal"}
    assert on_disk == set(EXPECTED)


def test_error_text_is_every_problem_on_its_own_line(in_fixtures: Path) -> None:
    with pytest.raises(DesiredStateError) as caught:
        load_desired(Path("wrong-type"))
    assert str(caught.value).splitlines() == EXPECTED["wrong-type"]


def test_missing_directory_says_no_files_found(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert problems_of(missing) == [
        f"no desired-state files found in {missing} (no such directory)"
    ]


def test_empty_directory_says_no_files_found(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not yaml\n")
    (tmp_path / ".hidden.yaml").write_text("rooms: {}\n")
    assert problems_of(tmp_path) == [
        f"no desired-state files found in {tmp_path} (*.yaml or *.yml)"
    ]


def test_a_file_given_as_directory_says_no_files_found(tmp_path: Path) -> None:
    file = tmp_path / "settings.yaml"
    file.write_text("account: a\n")
    assert problems_of(file) == [f"no desired-state files found in {file} (not a directory)"]


def test_unreadable_file_is_reported_and_the_rest_still_checked(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text("account: acc\n")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "missing-target.yaml")
    (tmp_path / "rooms.yaml").write_text("rooms:\n  ops:\n    members: [bob@]\n")
    assert problems_of(tmp_path) == [
        f"{tmp_path}/gone.yaml:1: cannot read file: No such file or directory",
        f"{tmp_path}/rooms.yaml:3: rooms.ops.members[0]: malformed email address 'bob@'",
    ]


def test_settings_yaml_and_yml_together_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text("account: a\n")
    (tmp_path / "settings.yml").write_text("account: b\n")
    assert problems_of(tmp_path) == [
        f"{tmp_path}/settings.yml:1: settings already read from {tmp_path}/settings.yaml: "
        "keep one file"
    ]


def test_rooms_in_settings_yaml_point_to_other_files(tmp_path: Path) -> None:
    # every kind's section, not rooms alone (QA-BG Q-BG-7)
    (tmp_path / "settings.yaml").write_text("account: a\nrooms: {}\nchannels: {}\nmeetings: {}\n")
    hint = "(rooms, channels, meetings and groups belong in other files)"
    assert problems_of(tmp_path) == [
        f"{tmp_path}/settings.yaml:{n}: unknown key '{key}' {hint}"
        for n, key in ((2, "rooms"), (3, "channels"), (4, "meetings"))
    ]


def test_null_lists_suggest_writing_an_empty_list(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("rooms:\n  ops:\n    account: a\n    members:\n")
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:4: rooms.ops.members: expected a list, got nothing (write [] for none)"
    ]


def test_an_empty_prune_or_safety_is_refused_not_taken_for_the_settings_default(
    tmp_path: Path,
) -> None:
    """``prune:`` with nothing after it (meant as "off", or half-written) was read as left
    out: settings.yaml's ``prune: true`` then pruned (QA-HF Q-HF-4)."""
    (tmp_path / "settings.yaml").write_text(
        "account: a\nprune: true\napp_instances:\n"
        "  chat: {arn: 'arn:aws:chime:us-east-1:111122223333:app-instance/chat', "
        "bearer: 'user:reconciler'}\n"
    )
    (tmp_path / "r.yaml").write_text(
        "rooms:\n  ops:\n    prune:\n    safety:\n    members: [a@example.com]\n"
        "channels:\n  chat:\n    prune:\n"
        "meetings:\n  bridge:\n    meeting_id: 6f1c2a9e-0000-4000-8000-000000000001\n"
        "    prune:\n"
    )
    prune = "expected true or false, got nothing (leave the key out for settings.yaml's prune:)"
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:3: rooms.ops.prune: {prune}",
        f"{tmp_path}/r.yaml:4: rooms.ops.safety: expected a mapping, got nothing (leave the "
        "key out for settings.yaml's safety:)",
        f"{tmp_path}/r.yaml:8: channels.chat.prune: {prune}",
        f"{tmp_path}/r.yaml:12: meetings.bridge.prune: {prune}",
    ]


def test_an_empty_own_safety_key_account_or_app_instance_is_refused(tmp_path: Path) -> None:
    """A target's own ``max_removals:`` (and the other safety keys), a room's ``account:``
    and a channel's ``app_instance:`` written with nothing after them were read as left
    out (settings.yaml's value), while settings.yaml refuses its own (QA-HJ Q-HJ-4)."""
    (tmp_path / "settings.yaml").write_text(
        "account: a\napp_instances:\n"
        "  chat: {arn: 'arn:aws:chime:us-east-1:111122223333:app-instance/chat', "
        "bearer: 'user:reconciler'}\n"
    )
    (tmp_path / "r.yaml").write_text(
        "rooms:\n  ops:\n    account:\n    safety:\n      max_removals:\n"
        "      min_administrators:\n    members: [a@example.com]\n"
        "channels:\n  chat:\n    app_instance:\n    safety: {min_moderators: }\n"
        "meetings:\n  bridge:\n    meeting_id: 6f1c2a9e-0000-4000-8000-000000000001\n"
        "    safety: {max_removal_fraction: }\n"
    )
    whole = "expected a whole number, got nothing (leave the key out for settings.yaml's safety."
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:3: rooms.ops.account: expected an account id, got nothing (leave "
        "the key out for settings.yaml's account:)",
        f"{tmp_path}/r.yaml:5: rooms.ops.safety.max_removals: {whole}max_removals)",
        f"{tmp_path}/r.yaml:6: rooms.ops.safety.min_administrators: {whole}min_administrators)",
        f"{tmp_path}/r.yaml:10: channels.chat.app_instance: expected a label of settings.yaml's "
        "app_instances, got nothing (leave the key out for settings.yaml's only app instance)",
        f"{tmp_path}/r.yaml:11: channels.chat.safety.min_moderators: {whole}min_moderators)",
        f"{tmp_path}/r.yaml:15: meetings.bridge.safety.max_removal_fraction: expected a number "
        "from 0 to 1, got nothing (leave the key out for settings.yaml's "
        "safety.max_removal_fraction)",
    ]


def test_an_empty_id_or_arn_is_refused_not_matched_by_name(tmp_path: Path) -> None:
    """A room's ``id:`` and a channel's ``arn:`` written with nothing after them (meant to
    be pasted later) were read as left out: the target of the key's name was managed,
    while an empty ``meeting_id:`` and every other empty key are refused (QA-HL Q-HL-3)."""
    (tmp_path / "settings.yaml").write_text(
        "account: a\napp_instances:\n"
        "  chat: {arn: 'arn:aws:chime:us-east-1:111122223333:app-instance/chat', "
        "bearer: 'user:reconciler'}\n"
    )
    (tmp_path / "r.yaml").write_text(
        "rooms:\n  web-releases:\n    id:\n    members: [a@example.com]\n"
        "channels:\n  chat:\n    arn: ~\n    members: [a@example.com]\n"
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:3: rooms.web-releases.id: expected a room id, got nothing (leave "
        "the key out for a match by name)",
        f"{tmp_path}/r.yaml:7: channels.chat.arn: expected a channel ARN, got nothing (leave "
        "the key out for a match by name)",
    ]


def test_the_schema_allows_no_null_where_null_is_refused() -> None:
    from reconciler.desired.schema_export import json_schema

    defs = json_schema("rooms")["$defs"]
    fields = [
        *(defs[f"{k}SafetySpec"]["properties"].values() for k in ("Room", "Channel", "Meeting")),
        [defs["RoomSpec"]["properties"][f] for f in ("id", "account", "prune", "safety")],
        [defs["ChannelSpec"]["properties"][f] for f in ("arn", "app_instance", "prune", "safety")],
        [defs["MeetingSpec"]["properties"][f] for f in ("prune", "safety")],
    ]
    for field in (f for group in fields for f in group):
        assert "null" not in json.dumps(field), field


def test_a_room_with_an_error_does_not_hide_errors_in_other_rooms(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "rooms:\n"
        "  a:\n    account: acc\n    members: [x@]\n"
        "  b:\n    account: acc\n    members: ['@nope']\n"
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:4: rooms.a.members[0]: malformed email address 'x@'",
        f"{tmp_path}/r.yaml:7: rooms.b.members[0]: undefined group '@nope'",
    ]


def test_a_group_with_an_error_is_not_also_reported_undefined(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "groups:\n  sre: [alice@]\nrooms:\n  ops:\n    account: acc\n    members: ['@sre']\n"
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:2: groups.sre[0]: malformed email address 'alice@'"
    ]


def test_group_names_are_written_without_at_sign(tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text('groups:\n  "@sre": [alice@example.com]\n')
    assert problems_of(tmp_path) == [
        f"{tmp_path}/g.yaml:2: groups.@sre: group names are written without '@' (write 'sre')"
    ]


def test_recursive_alias_is_an_error_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "g.yaml").write_text("groups:\n  sre: &x [alice@example.com, *x]\n")
    assert problems_of(tmp_path) == [f"{tmp_path}/g.yaml:2: groups.sre[1]: recursive YAML alias"]


def test_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "deep.yaml").write_text("rooms: " + "[" * 5000 + "]" * 5000 + "\n")
    assert problems_of(tmp_path) == [f"{tmp_path}/deep.yaml:1: YAML nesting is too deep"]


DEEP_AT_LINE_5 = "# one\n# two\nrooms:\n  r1:\n    members: {}\n  r2: {{members: [a@x.io]}}\n"


@pytest.mark.parametrize(
    "text",
    [
        DEEP_AT_LINE_5.format("[" * 5_000 + "]" * 5_000),  # refused before libyaml composes
        DEEP_AT_LINE_5.format("[" * 500 + "]" * 500),  # composed, too deep for our walk
        DEEP_AT_LINE_5.format("[" * 500 + "]" * 500) + "bad: [\n",  # a syntax error after:
        # composed again in pure Python, too deep for its composer
    ],
    ids=["libyaml-limit", "walk", "pure-python-compose"],
)
def test_nesting_too_deep_is_reported_at_the_line_of_the_nesting(tmp_path: Path, text: str) -> None:
    """QA-CF Q-CF-5: it was always line 1."""
    (tmp_path / "deep.yaml").write_text(text)
    assert problems_of(tmp_path) == [f"{tmp_path}/deep.yaml:5: YAML nesting is too deep"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("rooms: " + "[" * 50_000 + "]" * 50_000 + "\n", 1),
        ("rooms:\n  " + "- " * 50_000 + "x\n", 2),
        ("rooms: " + "{a: " * 50_000 + "x" + "}" * 50_000 + "\n", 1),
        # the top level, then a mapping a line: the 1,001st level starts on line 1,001
        (
            "rooms:\n" + "".join("  " * i + "a:\n" for i in range(1, 2_000)) + "  " * 2_000 + "x\n",
            1001,
        ),
    ],
    ids=["flow", "block", "flow-mappings", "block-mappings"],
)
def test_nesting_libyaml_would_crash_on_is_an_error_naming_the_file(
    tmp_path: Path, text: str, line: int
) -> None:
    """libyaml's composer recurses on the C stack unchecked: 100 KB nested 50,000 deep
    killed the process (SIGSEGV, exit 139, nothing said; QA-BA Q-BA-1). Mappings nested
    deep (``{a: {a: ...``) go through the same recursion as lists (QA-BI Q-BI-8). In a
    process of its own, so that a crash fails this test rather than the run."""
    (tmp_path / "deep.yaml").write_text(text)
    run = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", "--desired", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, (run.returncode, run.stderr[-500:])
    assert f"{tmp_path}/deep.yaml:{line}: YAML nesting is too deep" in run.stdout + run.stderr


def test_groups_nested_too_deeply_are_reported_once_at_the_outermost(tmp_path: Path) -> None:
    chain = "".join(f"  g{i}: ['@g{i + 1}']\n" for i in range(2000)) + "  g2000: [a@x.io]\n"
    (tmp_path / "g.yaml").write_text("groups:\n" + chain)
    assert problems_of(tmp_path) == [
        f"{tmp_path}/g.yaml:2: groups.g0: groups nest 2001 levels deep here (at most 32)"
    ]


def test_long_group_cycles_are_found_without_recursion(tmp_path: Path) -> None:
    chain = "".join(f"  g{i}: ['@g{(i + 1) % 3000}']\n" for i in range(3000))
    (tmp_path / "g.yaml").write_text("groups:\n" + chain)
    (problem,) = problems_of(tmp_path)
    assert problem.startswith(f"{tmp_path}/g.yaml:2: groups.g0[0]: group cycle: @g0 -> @g1 -> ")
    assert problem.endswith(" -> @g2999 -> @g0")


def test_odd_regular_expressions_do_not_print_warnings(
    tmp_path: Path, recwarn: pytest.WarningsRecorder
) -> None:
    (tmp_path / "restrictions.yaml").write_text(
        "restrictions:\n  - {path: '**', rooms: ['[[a]']}\n"
    )
    (tmp_path / "r.yaml").write_text("rooms: {b: {account: x}}\n")
    assert problems_of(tmp_path)[0].startswith(f"{tmp_path}/r.yaml:1: rooms.b: room 'b' may not")
    assert [str(w.message) for w in recwarn] == []


def test_a_fifo_named_like_yaml_is_reported_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    assert problems_of(tmp_path) == [
        f"{tmp_path}/pipe.yaml:1: cannot read file: not a regular file"
    ]


def test_room_names_beyond_ascii_are_shown_as_written(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "rooms:\n"
        "  café ☕:\n    account: a\n    membres: [a@example.com]\n"
        "  日本語:\n    account: a\n    members: [b@]\n"
        "  'zero\u200bwidth':\n    account: a\n    members: [c@]\n",
        encoding="utf-8",
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:4: rooms.\"café ☕\": unknown key 'membres' (did you mean 'members'?)",
        f"{tmp_path}/r.yaml:7: rooms.日本語.members[0]: malformed email address 'b@'",
        f'{tmp_path}/r.yaml:10: rooms."zero\\u200bwidth".members[0]: '
        "malformed email address 'c@'",
    ]


def test_a_bot_written_with_a_space_after_the_colon_says_how_to_write_it(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "rooms:\n  ops:\n    account: a\n    members:\n      - bot: PagerBot\n      - {x: 1}\n"
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:5: rooms.ops.members[0]: expected a string, got a mapping "
        "(write 'bot:PagerBot', without a space after ':')",
        f"{tmp_path}/r.yaml:6: rooms.ops.members[1]: expected a member reference, or a "
        "mapping with `member:` (and `until:`, `reason:`, `ticket:`), got a mapping with keys: x",
    ]


def test_bytes_that_are_not_utf8_are_located_whatever_the_line_endings(tmp_path: Path) -> None:
    (tmp_path / "crlf.yaml").write_bytes(b"rooms:\r\n  a:\r\n    members: [caf\xe9@x.io]\r\n")
    (tmp_path / "cr.yaml").write_bytes(b"rooms:\r  b:\r    members: [caf\xe9@x.io]\r")
    assert problems_of(tmp_path) == [
        f"{tmp_path}/cr.yaml:3: not valid UTF-8 text",
        f"{tmp_path}/crlf.yaml:3: not valid UTF-8 text",
    ]


def test_addresses_with_brackets_separators_or_stray_dots_are_malformed(tmp_path: Path) -> None:
    bad = [
        "<alice@example.com>",
        "alice@example.com;",
        "alice@example.com,",
        "mailto:alice@example.com",
        '"alice@example.com"',
        "alice@example..com",
        "alice@.example.com",
        "alice@example.com.",
        "a(b)@example.com",
    ]
    items = "".join(f"      - {json.dumps(e)}\n" for e in bad)
    (tmp_path / "r.yaml").write_text(f"rooms:\n  ops:\n    account: a\n    members:\n{items}")
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:{5 + i}: rooms.ops.members[{i}]: malformed email address {e!r}"
        for i, e in enumerate(bad)
    ]


def test_plus_signs_subdomains_apostrophes_and_non_ascii_are_valid_addresses(
    tmp_path: Path,
) -> None:
    good = ["a+tag@mail.eu.example.com", "o'brien@example.co.uk", "josé@exämple.com", "x@a.b"]
    (tmp_path / "r.yaml").write_text(
        f"rooms:\n  ops:\n    account: a\n    members: {json.dumps(good)}\n", encoding="utf-8"
    )
    (target,) = load_desired(tmp_path).targets
    assert sorted(str(m.ref) for m in target.members) == sorted(good)


ALIAS_NOTE = " (the anchor's value on this line, used through an alias)"


def test_an_invalid_value_used_through_an_alias_gets_the_same_message(tmp_path: Path) -> None:
    # Q-Y-1: PyYAML's "found unconstructable recursive node" on every use but the first
    (tmp_path / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    (tmp_path / "r.yaml").write_text(
        "rooms:\n"
        "  alpha:\n"
        "    members:\n"
        "      - &carol {member: carol@example.com, until: 2027-02-29}\n"
        "  beta:\n"
        "    members: [*carol]\n"
        "  gamma:\n"
        "    <<: &base {members: [{member: x@example.com, until: &d !foo x}]}\n"
        "  delta:\n"
        "    <<: *base\n"
        "    administrators: [{member: y@example.com, until: *d}]\n"
    )
    date = (
        "invalid date '2027-02-29' (day is out of range for month): expected a date "
        "(2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z), or quotes "
        "around text that is not a date"
    )
    tag = "invalid YAML value: could not determine a constructor for the tag '!foo'"
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:4: rooms.alpha.members[0].until: {date}",
        f"{tmp_path}/r.yaml:4: rooms.beta.members[0].until: {date}{ALIAS_NOTE}",
        f"{tmp_path}/r.yaml:8: rooms.gamma.members[0].until: {tag}",
        f"{tmp_path}/r.yaml:8: rooms.delta.administrators[0].until: {tag}{ALIAS_NOTE}",
        f"{tmp_path}/r.yaml:8: rooms.delta.members[0].until: {tag}{ALIAS_NOTE}",
    ]


def test_a_number_too_large_used_through_an_alias_is_too_large_there_too(tmp_path: Path) -> None:
    big = "9" * 5000
    too_large = f"invalid YAML value: the number {'9' * 80}…(5,000 characters) is {TOO_LARGE}"
    (tmp_path / "settings.yaml").write_text(
        f"safety: {{max_removals: &n {big}, min_administrators: *n}}\n"
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path}/settings.yaml:1: safety.max_removals: {too_large}",
        f"{tmp_path}/settings.yaml:1: safety.min_administrators: {too_large}{ALIAS_NOTE}",
    ]


def test_a_line_separator_in_a_comment_is_named_at_the_line_an_editor_shows(
    tmp_path: Path,
) -> None:
    # Q-Y-2: YAML 1.1 read the rest of the comment as YAML: a syntax error at line 6 of 5
    (tmp_path / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    (tmp_path / "r.yaml").write_bytes(
        b"rooms:\n  alpha:\n    administrators: [alice@example.com]\n"
        b"    # cover for bob\xe2\x80\xa8until March\n    members: [bob@example.com]\n"
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path}/r.yaml:4: U+2028 LINE SEPARATOR in this line: YAML 1.1 reads it as a "
        "line break where an editor shows none; delete it (in a double-quoted string, "
        "write it as \\u2028)"
    ]


def test_lines_after_a_line_separator_are_the_lines_an_editor_shows(tmp_path: Path) -> None:
    (tmp_path / "settings.yaml").write_text("account: 11111111-2222-3333-4444-555555555555\n")
    (tmp_path / "r.yaml").write_bytes(  # before invalid UTF-8, the file is not YAML yet
        b'rooms:\n  alpha:\n    members: [{member: bob@example.com, reason: "a\xe2\x80\xa8b"}]\n'
        b"    administrators: [\xff]\n"
    )
    assert problems_of(tmp_path) == [f"{tmp_path}/r.yaml:4: not valid UTF-8 text"]
