"""Hostile or unusual YAML values in desired-state files (QA report EI): each is refused
by validate at its file and line with a message that says what to do, or read as what
the user wrote."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.desired.member_entries import GROUP_NAME_RE
from reconciler.refs import MemberRef
from reconciler.typed_number import TOO_LARGE

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def validate(root: Path) -> Any:
    return CliRunner().invoke(cli, ["--desired", str(root), "validate"], catch_exceptions=False)


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    (root / "settings.yaml").write_text(f"account: {ACCOUNT}\n")
    return root


# -- Q-EI-1: a tag on a mapping or a list is refused, as on a scalar --------------------


def test_a_tag_on_a_mapping_or_a_list_is_refused_at_its_line(ds: Path) -> None:
    (ds / "rooms.yaml").write_text(
        "rooms:\n"
        "  ops: !!python/object:os.system {members: [bob@example.com]}\n"
        "  dev: !foo {members: [bob@example.com]}\n"
        "  qa: {members: !!python/tuple [bob@example.com]}\n"
        "  web: {members: [bob@example.com], administrators: !!omap [{a: 1}]}\n"
        "  set: !!set {members}\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ds}/rooms.yaml:2: rooms.ops: invalid YAML value: could not determine a "
        "constructor for the tag 'tag:yaml.org,2002:python/object:os.system'",
        f"{ds}/rooms.yaml:3: rooms.dev: invalid YAML value: could not determine a "
        "constructor for the tag '!foo'",
        f"{ds}/rooms.yaml:4: rooms.qa.members: invalid YAML value: could not determine a "
        "constructor for the tag 'tag:yaml.org,2002:python/tuple'",
        f"{ds}/rooms.yaml:5: rooms.web.administrators: invalid YAML value: a list tagged "
        "'tag:yaml.org,2002:omap' is not read here (remove the tag)",
        f"{ds}/rooms.yaml:6: rooms.set: invalid YAML value: a mapping tagged "
        "'tag:yaml.org,2002:set' is not read here (remove the tag)",
        "Desired state is invalid: 5 errors.",
    ]


def test_a_tagged_mapping_used_through_an_alias_is_refused_at_each_use(ds: Path) -> None:
    (ds / "rooms.yaml").write_text(
        "rooms:\n  ops: &r !foo {members: [bob@example.com]}\n  dev: *r\n"
    )
    assert validate(ds).stderr.splitlines() == [
        f"{ds}/rooms.yaml:2: rooms.ops: invalid YAML value: could not determine a "
        "constructor for the tag '!foo'",
        f"{ds}/rooms.yaml:2: rooms.dev: invalid YAML value: could not determine a "
        "constructor for the tag '!foo' (the anchor's value on this line, used through "
        "an alias)",
        "Desired state is invalid: 2 errors.",
    ]


def test_a_collection_with_its_own_tag_or_the_plain_tag_is_read(ds: Path) -> None:
    (ds / "rooms.yaml").write_text("rooms: !!map\n  ops: ! {members: !!seq [bob@example.com]}\n")
    result = validate(ds)
    assert (result.exit_code, result.stdout) == (
        0,
        "Desired state is valid: 1 room, 1 membership in 2 files.\n",
    )


# -- Q-EI-3: a room or group written null is named "null", as one written yes is "yes" --


def test_a_room_or_group_written_null_is_named_by_its_text(ds: Path) -> None:
    (ds / "rooms.yaml").write_text(
        "groups:\n  null: [user1@example.com]\n"
        'rooms:\n  null: {members: ["@null"]}\n  Null: {members: [user2@example.com]}\n'
        "  NULL: {members: [user2@example.com]}\n  yes: {members: [user2@example.com]}\n"
    )
    result = validate(ds)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Desired state is valid: 4 rooms, 4 memberships in 2 files.\n"


def test_null_written_bare_and_quoted_is_one_name_declared_twice(ds: Path) -> None:
    (ds / "rooms.yaml").write_text(
        "rooms:\n  null: {members: [user1@example.com]}\n  'null': {members: [user2@example.com]}\n"
    )
    assert validate(ds).stderr.splitlines() == [
        f"{ds}/rooms.yaml:3: rooms: duplicate key 'null' (first at line 2)",
        "Desired state is invalid: 1 error.",
    ]


def test_a_room_written_tilde_is_still_no_name(ds: Path) -> None:
    (ds / "a.yaml").write_text("rooms:\n  ~: {id: room-9, members: [user1@example.com]}\n")
    (ds / "b.yaml").write_text("rooms:\n  ~: {members: [user2@example.com]}\n")
    assert validate(ds).stderr.splitlines() == [
        f'{ds}/b.yaml:2: rooms."": room has neither a name nor an id',
        "Desired state is invalid: 1 error.",
    ]


# -- Q-EI-5: a bare `=` (YAML 1.1's "value" type) says to quote it ---------------------


def test_a_bare_equals_sign_as_a_value_says_to_quote_it(ds: Path) -> None:
    (ds / "rooms.yaml").write_text(
        "groups:\n  g: [=]\n"
        "rooms:\n  =:\n    members: [=, '@g', {member: user1@example.com, reason: =}]\n"
    )
    quote = "invalid YAML value: a bare '=' is not text in YAML 1.1 (quote it: \"=\")"
    assert validate(ds).stderr.splitlines() == [
        f"{ds}/rooms.yaml:2: groups.g[0]: {quote}",
        f'{ds}/rooms.yaml:5: rooms."=".members[0]: {quote}',
        f'{ds}/rooms.yaml:5: rooms."=".members[2].reason: {quote}',
        "Desired state is invalid: 3 errors.",
    ]


# -- Q-EI-4: a large file without aliases is read; only aliases have a node budget -------


def test_one_file_of_200_rooms_at_aws_maximum_of_1000_members_is_valid(ds: Path) -> None:
    rooms = "".join(
        f"  room-{r:03d}:\n    members:\n"
        + "".join(f"      - user{m}@example.com\n" for m in range(1000))
        for r in range(200)
    )
    (ds / "rooms.yaml").write_text("rooms:\n" + rooms)
    result = validate(ds)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "Desired state is valid: 200 rooms, 200,000 memberships in 2 files.\n"


# -- Q-EI-2: control and invisible characters in e-mail addresses and group names -------


def test_control_and_invisible_characters_in_addresses_and_group_names_are_refused(
    ds: Path,
) -> None:
    (ds / "rooms.yaml").write_text(
        'groups:\n  "c\\x00": [user1@example.com]\n  "d\\u202e": [user1@example.com]\n'
        'rooms:\n  ops:\n    members: ["\\x00@example.com", "a\\u202eb@example.com", '
        '"\\x7f@example.com", "\\u200bbob@example.com", "@c\\u200b"]\n'
    )
    result = validate(ds)
    assert result.exit_code == 1
    invisible = "is a control or invisible character"
    assert result.stderr.splitlines() == [
        f'{ds}/rooms.yaml:2: groups."c\\u0000": group names may not contain control or '
        "invisible characters ('\\x00'): 'c\\x00'",
        f'{ds}/rooms.yaml:3: groups."d\\u202e": group names may not contain control or '
        "invisible characters ('\\u202e'): 'd\\u202e'",
        f"{ds}/rooms.yaml:6: rooms.ops.members[0]: malformed email address "
        f"'\\x00@example.com' ('\\x00' {invisible})",
        f"{ds}/rooms.yaml:6: rooms.ops.members[1]: malformed email address "
        f"'a\\u202eb@example.com' ('\\u202e' {invisible})",
        f"{ds}/rooms.yaml:6: rooms.ops.members[2]: malformed email address "
        f"'\\x7f@example.com' ('\\x7f' {invisible})",
        f"{ds}/rooms.yaml:6: rooms.ops.members[3]: malformed email address "
        f"'\\u200bbob@example.com' ('\\u200b' {invisible})",
        f"{ds}/rooms.yaml:6: rooms.ops.members[4]: malformed group reference '@c\\u200b'",
        "Desired state is invalid: 7 errors.",
    ]


CONTROLS = [
    chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cf")
]


def test_every_control_or_format_character_makes_an_address_or_group_name_malformed() -> None:
    # \t, \n, \r and the like are white space, refused as that
    for c in CONTROLS:
        for text in (f"a{c}b@example.com", f"ab@exa{c}mple.com"):
            with pytest.raises(ValueError, match="malformed email address"):
                MemberRef.parse(text)
        assert not GROUP_NAME_RE.match(f"sre{c}"), repr(c)
    assert str(MemberRef.parse("ünï@exämple.com")) == "ünï@exämple.com"
    assert GROUP_NAME_RE.match("ünï-sre")


# -- Q-FL-1: a scalar its explicit tag cannot read gets the reason in words ----------------

UNTIL = "a date (2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z)"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (
            '!!timestamp "2027-01-01 25:00"',
            f"'2027-01-01 25:00' tagged !!timestamp is not a date: expected {UNTIL}",
        ),
        ('!!timestamp "bad"', f"'bad' tagged !!timestamp is not a date: expected {UNTIL}"),
        ('!!timestamp ""', f"'' tagged !!timestamp is not a date: expected {UNTIL}"),
        ("!!timestamp 1", f"'1' tagged !!timestamp is not a date: expected {UNTIL}"),
    ],
)
def test_an_explicit_timestamp_that_is_none_says_so(ds: Path, value: str, reason: str) -> None:
    (ds / "x.yaml").write_text(
        f"rooms:\n  watercooler:\n    members: [{{member: a@example.com, until: {value}}}]\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{ds}/x.yaml:3: rooms.watercooler.members[0].until: invalid YAML value: {reason}"
    )


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ('!!int "abc"', "'abc' tagged !!int is not a whole number"),
        ("!!int 1.5", "'1.5' tagged !!int is not a whole number"),
        ('!!int "0xZZ"', "'0xZZ' tagged !!int is not a whole number"),
        ('!!int ""', "'' tagged !!int is not a whole number"),
        ('!!int "-"', "'-' tagged !!int is not a whole number"),
        (f'!!int "{"9" * 5000}"', f"the number {'9' * 80}…(5,000 characters) is {TOO_LARGE}"),
        ("!!float abc", "'abc' tagged !!float is not a number"),
        ("!!bool maybe", "'maybe' tagged !!bool is not true or false"),
        ('!!bool ""', "'' tagged !!bool is not true or false"),
        ('!!bool "\\u202e"', "'\\u202e' tagged !!bool is not true or false"),
        ('!!binary "abc"', "'abc' tagged !!binary is not base64 data"),
        (
            f'!!int "{"x" * 300}"',
            f"'{'x' * 80}'…(300 characters) tagged !!int is not a whole number",
        ),
    ],
)
def test_a_tagged_value_its_tag_cannot_read_says_why(ds: Path, value: str, reason: str) -> None:
    (ds / "settings.yaml").write_text(f"account: {ACCOUNT}\nsafety:\n  max_removals: {value}\n")
    result = validate(ds)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ds}/settings.yaml:3: safety.max_removals: invalid YAML value: {reason}",
        "Desired state is invalid: 1 error.",
    ]


# -- Q-FL-3: a date and time without a zone is quoted back as the file has it --------------


def test_a_zoneless_until_is_quoted_as_written(ds: Path) -> None:
    (ds / "x.yaml").write_text(
        "rooms:\n  ops:\n    members:\n"
        "    - {member: a@example.com, until: 2027-03-31 18:00:00}\n"
        "    - {member: b@example.com, until: 2027-3-1t8:00:00.5}\n"
        "    - {member: c@example.com, until: 2027-01-01 10:00}\n"
        "    - {member: d@example.com, until: 2027-03-31T18:00:00}\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    fix = "has no time zone: add one (2027-03-31T18:00:00Z or +02:00), or give a date"
    assert result.stderr.splitlines()[:-1] == [
        f"{ds}/x.yaml:4: rooms.ops.members[0].until: '2027-03-31 18:00:00' {fix}",
        f"{ds}/x.yaml:5: rooms.ops.members[1].until: '2027-3-1t8:00:00.5' {fix}",
        f"{ds}/x.yaml:6: rooms.ops.members[2].until: '2027-01-01 10:00' {fix}",
        f"{ds}/x.yaml:7: rooms.ops.members[3].until: '2027-03-31T18:00:00' {fix}",
    ]
    for line in result.stderr.splitlines()[:-1]:  # what the message quotes, the file has
        assert line.split("'")[1] in (ds / "x.yaml").read_text()


def test_a_zoneless_date_and_time_where_text_is_expected_is_quoted_as_written(ds: Path) -> None:
    """QA-FT Q-FT-3: under reason:, ticket: or as a member, the same scalar is quoted as
    the file has it too, not in isoformat's T form (the ticket's spaces kept)."""
    (ds / "x.yaml").write_text(
        "rooms:\n  ops:\n    members:\n"
        "    - {member: z@example.com, until: 2027-03-31 18:00:00, reason: 2027-03-31 18:00:00,"
        " ticket: 2027-03-31   18:00:00}\n"
        "    - 2027-03-31 18:00:00\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    got = "expected a string, got the date and time"
    lines = result.stderr.splitlines()[:-1]
    assert lines[1:] == [
        f"{ds}/x.yaml:4: rooms.ops.members[0].reason: {got} '2027-03-31 18:00:00' (quote it)",
        f"{ds}/x.yaml:4: rooms.ops.members[0].ticket: {got} '2027-03-31   18:00:00' (quote it)",
        f"{ds}/x.yaml:5: rooms.ops.members[1]: {got} '2027-03-31 18:00:00' (quote it)",
    ]
    for line in lines:  # what the message quotes, the file has
        assert line.split("'")[1] in (ds / "x.yaml").read_text()


def test_a_zoned_date_and_time_where_text_is_expected_is_quoted_as_written(ds: Path) -> None:
    """QA-FU Q-FU-2: one with a zone (`Z`, an offset, a lower-case `t`, a fraction) is
    quoted as the file has it too, not re-spelt by isoformat (`+00:00`, `.500000`)."""
    (ds / "x.yaml").write_text(
        "rooms:\n  ops:\n    members:\n"
        "    - {member: z@example.com, until: 2027-03-31, reason: 2027-03-31t18:00:00.5-05:00,"
        " ticket: 2027-03-31 18:00:00Z}\n"
        "    - 2027-03-31 18:00:00Z\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    got = "expected a string, got the date and time"
    lines = result.stderr.splitlines()[:-1]
    assert lines == [
        f"{ds}/x.yaml:4: rooms.ops.members[0].reason: {got} '2027-03-31t18:00:00.5-05:00' "
        "(quote it)",
        f"{ds}/x.yaml:4: rooms.ops.members[0].ticket: {got} '2027-03-31 18:00:00Z' (quote it)",
        f"{ds}/x.yaml:5: rooms.ops.members[1]: {got} '2027-03-31 18:00:00Z' (quote it)",
    ]


# -- Q-FL-4: a removal fraction that is not finite says so, not "at most 1.0" --------------


@pytest.mark.parametrize("number", [".nan", ".inf", "-.inf"])
def test_a_fraction_that_is_not_finite_is_refused_as_such(ds: Path, number: str) -> None:
    (ds / "settings.yaml").write_text(
        f"account: {ACCOUNT}\nsafety:\n  max_removal_fraction: {number}\n"
    )
    (ds / "x.yaml").write_text(
        "rooms:\n  watercooler:\n    members: [a@example.com]\n"
        f"    safety: {{max_removal_fraction: {number}}}\n"
    )
    result = validate(ds)
    why = f"expected a number from 0 to 1, got the number {number} (not finite)"  # Q-LD-2
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ds}/settings.yaml:3: safety.max_removal_fraction: {why}",
        f"{ds}/x.yaml:4: rooms.watercooler.safety.max_removal_fraction: {why}",
        "Desired state is invalid: 2 errors.",
    ]


# -- Q-LD-2: a number too large to be one is quoted as the file writes it, not as inf ------


def test_a_number_too_large_is_quoted_as_written_not_as_inf(ds: Path) -> None:
    """``1e400`` reads as infinity: it was refused as ``got the number inf (not
    finite)``, a text the file does not hold. Every field quotes the file's text and
    says why, on both reading paths (plain, and through an anchor: ``yamlpos``)."""
    (ds / "settings.yaml").write_text(
        f"account: {ACCOUNT}\n"
        "safety:\n  max_removal_fraction: 1e400\n  max_removals: 1.0E+400\n"
        "max_grant_days: {administrators: -1e400}\n"
        "rates: {meetings: 1e400}\n"
    )
    (ds / "x.yaml").write_text(
        "rooms:\n  watercooler:\n"
        "    members:\n"
        "      - {member: a@example.com, until: 1e400, reason: 1e400}\n"
        "      - 1e400\n"
        "    safety: &s {max_removal_fraction: !!float '1e400', max_removals: -.Inf}\n"
        "  lobby: {members: [a@example.com], safety: *s}\n"
    )
    result = validate(ds)
    big = "the number 1e400 (too large: YAML reads it as infinity"
    fraction = "expected a number from 0 to 1, got"
    whole = "expected a whole number, got"
    rate = "a rate is a positive number of requests per second or null, not"
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[-1] == "Desired state is invalid: 11 errors."
    assert sorted(e.replace(f"{ds}/", "") for e in errors[:-1]) == sorted(
        [
            f"settings.yaml:3: safety.max_removal_fraction: {fraction} {big})",
            f"settings.yaml:4: safety.max_removals: {whole} the number 1.0E+400 (too large: "
            "YAML reads it as infinity)",
            "settings.yaml:5: max_grant_days.administrators: "
            f"{whole} the number -1e400 (too large: YAML reads it as minus infinity)",
            # as --rate says it, no "the number" (QA-LE Q-LE-2)
            f"settings.yaml:6: rates.meetings: {rate} {big.removeprefix('the number ')})",
            "x.yaml:4: rooms.watercooler.members[0].until: expected a date (2027-03-31) or a "
            f"date and time with a zone (2027-03-31T18:00:00Z), got {big})",  # why (Q-LE-2)
            f"x.yaml:4: rooms.watercooler.members[0].reason: expected a string, got {big}; "
            "quote it)",
            f"x.yaml:5: rooms.watercooler.members[1]: expected a string, got {big}; quote it)",
            f"x.yaml:6: rooms.watercooler.safety.max_removal_fraction: {fraction} {big})",
            f"x.yaml:6: rooms.watercooler.safety.max_removals: {whole} the number -.Inf "
            "(not finite)",
            # through the alias: at the anchor's line, as every aliased value
            f"x.yaml:6: rooms.lobby.safety.max_removal_fraction: {fraction} {big})",
            f"x.yaml:6: rooms.lobby.safety.max_removals: {whole} the number -.Inf (not finite)",
        ]
    )
    assert "inf (" not in result.stderr  # never Python's spelling


def test_a_number_too_small_is_quoted_as_written_not_as_0(ds: Path) -> None:
    """QA-LE Q-LE-2: ``1e-400`` reads as 0; a rate was refused as ``not 0``, a text the
    file does not hold, where ``--rate meetings=1e-400`` quoted it and said why. Now the
    file's number is said in the command line's words, and ``until: 1e400`` says why too
    (it was ``got a number (1e400)``)."""
    (ds / "settings.yaml").write_text(f"account: {ACCOUNT}\nrates: {{meetings: 1e-400}}\n")
    (ds / "x.yaml").write_text(
        "rooms:\n  w:\n    members:\n"
        "      - {member: a@example.com, until: 1e-400}\n"
        "      - {member: b@example.com, until: &u 1e400}\n"
        "      - {member: c@example.com, until: *u}\n"
    )
    result = validate(ds)
    until = "expected a date (2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z)"
    big = "1e400 (too large: YAML reads it as infinity)"
    assert result.exit_code == 1
    assert [e.replace(f"{ds}/", "") for e in result.stderr.splitlines()] == [
        "settings.yaml:2: rates.meetings: a rate is a positive number of requests per second "
        "or null, not 1e-400 (too small: YAML reads it as 0)",
        f"x.yaml:4: rooms.w.members[0].until: {until}, got the number 1e-400 (too small: "
        "YAML reads it as 0)",
        f"x.yaml:5: rooms.w.members[1].until: {until}, got the number {big}",
        f"x.yaml:6: rooms.w.members[2].until: {until}, got the number {big}",
        "Desired state is invalid: 4 errors.",
    ]


@pytest.mark.parametrize("small", ["1e-400", "-1e-400", "2e-324"])
def test_a_whole_number_too_small_is_refused_not_read_as_0(ds: Path, small: str) -> None:
    """QA-GV Q-GV-3: ``min_administrators: 1e-400`` was 0 (the rule off), ``max_removals``
    0 (every removal refused), and ``max_grant_days`` said ``got 0``, where ``1e-300`` is
    refused: each now says what ``1e-300`` says, quoting the file's text."""
    (ds / "settings.yaml").write_text(
        f"account: {ACCOUNT}\nsafety: {{max_removals: {small}, min_administrators: {small}}}\n"
        f"expiry_warning_days: {small}\nmax_grant_days: {small}\n"
    )
    (ds / "x.yaml").write_text(
        f"rooms:\n  w:\n    safety: {{max_removals: {small}}}\n    members: [a@example.com]\n"
    )
    result = validate(ds)
    got = f"got the number {small} (too small: YAML reads it as 0)"
    assert sorted(e.replace(f"{ds}/", "") for e in result.stderr.splitlines()) == sorted(
        [
            f"settings.yaml:2: safety.max_removals: expected a whole number, {got}",
            f"settings.yaml:2: safety.min_administrators: expected a whole number, {got}",
            f"settings.yaml:3: expiry_warning_days: expected a whole number, {got}",
            "settings.yaml:4: max_grant_days: expected a whole number of days or a mapping of "
            f"list keys to days, {got}",
            f"x.yaml:3: rooms.w.safety.max_removals: expected a whole number, {got}",
            "Desired state is invalid: 5 errors.",
        ]
    )
    (ds / "settings.yaml").write_text(f"account: {ACCOUNT}\nmax_grant_days: {{members: {small}}}\n")
    assert validate(ds).stderr.splitlines()[0] == (
        f"{ds}/settings.yaml:2: max_grant_days.members: expected a whole number, {got}"
    )


# -- Q-LD-4: a long value is quoted cut short, as a long name or --target is ---------------


def test_a_long_value_is_quoted_cut_short_with_its_length(ds: Path) -> None:
    """A 300-character ``until:`` was quoted back whole (a line of 400 characters); so was
    a date-shaped one, twice (Python's own message quoted it again), and a meeting id.
    Now each is its first 80 characters and its length."""
    x, date, zeros = "x" * 300, "2027-02-30" + "y" * 300, "2027-03-31 18:00:00" + "0" * 300
    (ds / "x.yaml").write_text(
        "rooms:\n  watercooler:\n    members:\n"
        f'      - {{member: a@example.com, until: "{x}"}}\n'
        f'      - {{member: b@example.com, until: "{date}"}}\n'
        f'      - {{member: c@example.com, until: "{zeros}"}}\n'
        f"      - {{member: d@example.com, until: !!timestamp '{date}'}}\n"
        f"meetings:\n  m:\n    meeting_id: '{x}'\n    attendees: {{a@example.com: viewer}}\n"
    )
    result = validate(ds)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[-1] == "Desired state is invalid: 5 errors."
    assert not [e for e in errors if any(c * 81 in e for c in "xy0")]  # none quoted whole
    expected = "expected a date (2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z)"
    assert errors[:3] == [
        f"{ds}/x.yaml:4: rooms.watercooler.members[0].until: {expected}, "
        f"got {x[:80]!r}…(300 characters)",
        f"{ds}/x.yaml:5: rooms.watercooler.members[1].until: {expected}, "
        f"got {date[:80]!r}…(310 characters)",
        f"{ds}/x.yaml:6: rooms.watercooler.members[2].until: {expected}, "
        f"got {zeros[:80]!r}…(319 characters) (not a date and time in ISO 8601)",
    ]
    assert f"{date[:80]!r}…(310 characters)" in errors[3]
    assert errors[4] == (
        f"{ds}/x.yaml:10: meetings.m.meeting_id: expected a meeting id (a UUID) or "
        f"${{ENVIRONMENT_VARIABLE}}, got {x[:80]!r}…(300 characters)"
    )
