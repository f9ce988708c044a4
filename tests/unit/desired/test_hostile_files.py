"""Attacks through the desired-state files: symbolic links out of the directory, huge and
broken YAML, alias bombs, integers Python cannot print, lone surrogates, 10 MB values.

Each is refused at validate with the file and line, without a traceback and without
echoing what it should not."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from desired_files import problems

from reconciler.cli.main import cli
from reconciler.desired import yamlpos
from reconciler.desired.loader import load_desired
from reconciler.quoted import cut

SECRET = "TOP-SECRET-TOKEN-4711"


def validate(root: Path) -> Any:
    return CliRunner().invoke(cli, ["--desired", str(root), "validate"], catch_exceptions=False)


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    root = tmp_path / "ds"
    root.mkdir()
    (root / "settings.yaml").write_text("account: acc\n")
    return root


# -- files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        f"rooms: {{{SECRET}: [1]}}\n",  # would be echoed in an error about the room
        f"{SECRET}\n",  # a single value: "the top level must be a mapping"
        f"root:x:0:0:{SECRET}:/root:/bin/bash\n",  # /etc/passwd: a YAML syntax error
    ],
)
def test_a_symlink_out_of_the_directory_is_an_error_that_echoes_nothing_of_its_target(
    tmp_path: Path, ds: Path, content: str
) -> None:
    outside = tmp_path / "private" / f"{SECRET}.yaml"
    outside.parent.mkdir()
    outside.write_text(content)
    (ds / "team.yaml").symlink_to(outside)
    result = validate(ds)
    assert result.exit_code == 1
    assert SECRET not in result.output
    assert result.stderr.splitlines() == [
        f"{ds}/team.yaml:1: cannot read file: a symbolic link that leads out of {ds} "
        "(not followed)",
        "Desired state is invalid: 1 error.",
    ]


def test_a_relative_symlink_climbing_out_with_dotdot_is_refused(tmp_path: Path, ds: Path) -> None:
    (tmp_path / "x.yaml").write_text(f"rooms: {{{SECRET}: {{}}}}\n")
    (ds / "teams").mkdir()
    (ds / "teams" / "x.yaml").symlink_to(Path("..") / ".." / "x.yaml")
    assert problems(ds) == [
        f"{ds}/teams/x.yaml:1: cannot read file: a symbolic link that leads out of {ds} "
        "(not followed)"
    ]


def test_a_symlink_to_a_file_inside_the_directory_is_read(ds: Path) -> None:
    (ds / "shared").mkdir()
    (ds / "shared" / "rooms.txt").write_text("rooms: {ops: {members: [a@example.com]}}\n")
    (ds / "ops.yaml").symlink_to(Path("shared") / "rooms.txt")
    assert [str(t.key) for t in load_desired(ds).targets] == ["ops"]


def test_a_desired_directory_given_through_a_symlink_is_read(tmp_path: Path, ds: Path) -> None:
    (ds / "r.yaml").write_text("rooms: {ops: {members: [a@example.com]}}\n")
    (tmp_path / "link").symlink_to(ds)
    assert [str(t.key) for t in load_desired(tmp_path / "link").targets] == ["ops"]


def test_a_fifo_is_not_opened_for_reading(ds: Path) -> None:
    os.mkfifo(ds / "pipe.yaml")
    started = time.monotonic()
    assert problems(ds) == [f"{ds}/pipe.yaml:1: cannot read file: not a regular file"]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_file_or_folder_name_that_is_not_utf8_is_a_located_error(ds: Path, where: str) -> None:
    # Latin-1 "compañia": the name holds a surrogate escape, which no saved plan carries
    latin1 = os.fsdecode(b"compa\xf1ia")
    if where == "file":
        path = ds / f"{latin1}.yaml"
    else:
        (ds / latin1).mkdir()
        path = ds / latin1 / "team.yaml"
    path.write_text("rooms: {ops: {account: acc, members: [a@example.com]}}\n")
    result = validate(ds)
    assert result.exit_code == 1
    # its bytes as `ls -b` shows them, compa\xf1ia, as the --desired folder's are (Q-HK-7)
    shown = os.fsencode(path).decode("utf-8", "backslashreplace")
    assert result.stderr.splitlines() == [
        f"{shown}:1: the file or folder name is not valid UTF-8: rename it",
        "Desired state is invalid: 1 error.",
    ]


@pytest.mark.parametrize(
    ("name", "renamed"),
    [("rooms.YAML", "rooms.yaml"), ("rooms.YML", "rooms.yml"), ("team/ops.Yaml", "ops.yaml")],
)
def test_a_file_whose_extension_is_not_lower_case_is_an_error_not_skipped(
    ds: Path, name: str, renamed: str
) -> None:
    # saved by a Windows tool: its rooms would silently not be in force
    path = ds / name
    path.parent.mkdir(exist_ok=True)
    path.write_text("rooms: {x: {members: [not-an-email]}}\n")
    result = validate(ds)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:1: only names ending in .yaml or .yml (lower case) are read: "
        f"rename it to {renamed}",
        "Desired state is invalid: 1 error.",
    ]


def test_a_capitalised_extension_alone_is_that_error_not_no_files_found(tmp_path: Path) -> None:
    (tmp_path / "settings.YAML").write_text("account: acc\n")
    result = validate(tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path}/settings.YAML:1: only names ending in .yaml or .yml (lower case) are "
        "read: rename it to settings.yaml"
    )


# -- YAML -------------------------------------------------------------------------------


def test_a_large_broken_yaml_file_is_parsed_once_not_again_in_pure_python(
    ds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaders: list[str] = []
    compose = yaml.compose

    def spy(text: str, Loader: Any) -> Any:
        loaders.append(Loader.__name__)
        return compose(text, Loader=Loader)

    single = yaml.SafeLoader.get_single_node

    def pure(loader: Any) -> Any:
        loaders.append("SafeLoader")
        return single(loader)

    monkeypatch.setattr(yamlpos.yaml, "compose", spy)
    monkeypatch.setattr(yaml.SafeLoader, "get_single_node", pure)
    rooms = "".join(f"  r{i}:\n    members: [a{i}@example.com]\n" for i in range(20_000))
    (ds / "big.yaml").write_text("rooms:\n" + rooms + "  broken: [\n")
    assert len((ds / "big.yaml").read_text()) > yamlpos.LARGE
    (problem,) = problems(ds)
    assert problem.startswith(f"{ds}/big.yaml:40003: YAML syntax error: ")
    assert "SafeLoader" not in loaders  # libyaml only: never again in pure Python


def test_a_small_broken_yaml_file_gets_the_pure_python_message(ds: Path) -> None:
    (ds / "r.yaml").write_text("rooms:\n  ops:\n    members: @sre\n")
    assert problems(ds) == [
        f"{ds}/r.yaml:3: YAML syntax error: while scanning for the next token, found "
        "character '@' that cannot start any token (quote group references: \"@group\")"
    ]


def test_an_alias_bomb_is_reported_at_the_line_that_expands_it(ds: Path) -> None:
    preamble = "".join(f"# comment {i}\n" for i in range(20))
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 8)]
    (ds / "bomb.yaml").write_text(preamble + "\n".join(lines) + "\n")
    started = time.monotonic()
    # l5 holds a million nodes: the budget runs out while its line expands *l4
    assert problems(ds) == [
        f"{ds}/bomb.yaml:26: too many YAML nodes repeated through aliases (over 200,000)"
    ]
    assert time.monotonic() - started < 10


def merge_bomb(levels: int) -> str:
    """624 bytes at 8 levels: each ``<<:`` merges ten copies of the level below."""
    text = "rooms:\n  base0: &m0 {members: [a@example.com]}\n"
    for i in range(1, levels + 1):
        text += f"  base{i}: &m{i}\n    <<: [" + ", ".join([f"*m{i - 1}"] * 10) + "]\n"
    return text


@pytest.mark.parametrize("levels", [7, 8])
def test_nested_merge_keys_count_against_the_alias_budget(ds: Path, levels: int) -> None:
    (ds / "x.yaml").write_text(merge_bomb(levels))
    started = time.monotonic()
    # base5's merge repeats base0 100,000 times (a mapping and its key each): the budget
    # runs out at its `<<:` (line 12), as a plain alias bomb's does
    assert problems(ds) == [
        f"{ds}/x.yaml:12: too many YAML nodes repeated through aliases (over 200,000)"
    ]
    assert time.monotonic() - started < 1


def test_a_few_levels_of_merges_are_read_as_before(ds: Path) -> None:
    (ds / "x.yaml").write_text(merge_bomb(4))
    targets = load_desired(ds).targets
    assert sorted(target.key.name for target in targets) == [f"base{i}" for i in range(5)]
    assert {target.members for target in targets} == {targets[0].members}


def test_the_node_budget_counts_the_nodes_aliases_repeat_not_those_written_out() -> None:
    text = "a: &a [" + ", ".join(["1"] * 1000) + "]\n"
    text += "".join(f"k{i}: [{', '.join(['1'] * 99)}]\n" for i in range(2000))  # 200,000
    doc = yamlpos.parse(text)
    assert (doc.issues, len(doc.data)) == ([], 2001)
    # 1,001 nodes per *a: the budget runs out on the 200th use, on line 201
    doc = yamlpos.parse(text + "".join(f"b{i}: *a\n" for i in range(200)))
    assert doc.data is None
    assert [(i.line, i.message) for i in doc.issues] == [
        (2201, "too many YAML nodes repeated through aliases (over 200,000)")
    ]


@pytest.mark.parametrize(
    "number",
    # YAML 1.2's spellings of an integer (QA-EW Q-EW-1: no 0b, no _ between digits)
    ["9" * 5000, "-" + "9" * 4301, "0x" + "f" * 4000, "0o" + "7" * 5000, "+" + "9" * 5000],
)
def test_an_integer_beyond_pythons_digit_limit_is_a_located_error(ds: Path, number: str) -> None:
    (ds / "settings.yaml").write_text(f"account: acc\nsafety:\n  max_removals: {number}\n")
    result = validate(ds)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ds}/settings.yaml:3: safety.max_removals: invalid YAML value: the number "
        f"{cut(number)} is too large (more than 100 digits)",
        "Desired state is invalid: 1 error.",
    ]


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("1" + "0" * 100, f"invalid YAML value: the number 1{'0' * 79}…(101 characters)"),
        ("-" + "9" * 101, f"invalid YAML value: the number -{'9' * 79}…(102 characters)"),
        ("1e100", "the number 1e100"),  # a float with no fraction: a whole number as well
    ],
)
def test_a_whole_number_a_saved_plan_could_not_hold_is_refused_at_its_line(
    ds: Path, number: str, shown: str
) -> None:
    """QA-GV Q-GV-1: ``max_removals`` of 101 digits passed validate, and the plan written
    with it was "not a plan file" to apply, show and merge-plans: one bound, 100 digits."""
    (ds / "settings.yaml").write_text(f"account: acc\nsafety:\n  max_removals: {number}\n")
    result = validate(ds)
    assert result.stderr.splitlines() == [
        f"{ds}/settings.yaml:3: safety.max_removals: {shown} is too large (more than 100 digits)",
        "Desired state is invalid: 1 error.",
    ]
    (ds / "settings.yaml").write_text(f"account: acc\nsafety:\n  max_removals: {'9' * 100}\n")
    assert validate(ds).exit_code == 0


@pytest.mark.parametrize("key", ["rates: {meetings: %s}", "safety: {max_removal_fraction: %s}"])
def test_an_integer_no_float_holds_is_too_large_not_expected_a_number(ds: Path, key: str) -> None:
    """QA-GV Q-GV-14: 311 digits where a number belongs said "expected a number, got the
    number 1000…", which contradicts itself; over the one bound, it is too large."""
    number = "1" + "0" * 310
    (ds / "settings.yaml").write_text(f"account: acc\n{key % number}\n")
    path = "rates.meetings" if key.startswith("rates") else "safety.max_removal_fraction"
    assert validate(ds).stderr.splitlines() == [
        f"{ds}/settings.yaml:2: {path}: invalid YAML value: the number 1{'0' * 79}…(311 "
        "characters) is too large (more than 100 digits)",
        "Desired state is invalid: 1 error.",
    ]


def test_a_huge_integer_where_a_boolean_belongs_is_no_internal_error(ds: Path) -> None:
    (ds / "settings.yaml").write_text("account: acc\nprune: 0x" + "f" * 4000 + "\n")
    result = validate(ds)
    assert result.stderr.splitlines() == [
        f"{ds}/settings.yaml:2: prune: invalid YAML value: the number 0x{'f' * 78}…(4,002 "
        "characters) is too large (more than 100 digits)",
        "Desired state is invalid: 1 error.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'rooms:\n  ops:\n    members: ["a\\udc00@example.com"]\n',
            "r.yaml:3: rooms.ops.members[0]: the text contains \\udc00, half of a UTF-16 "
            "pair and not a character",
        ),
        (
            'rooms:\n  ops:\n    members: ["bot:Pager\\ud800"]\n',
            "r.yaml:3: rooms.ops.members[0]: the text contains \\ud800, half of a UTF-16 "
            "pair and not a character",
        ),
        (
            'rooms:\n  "ops\\ud83d\\ude00": {members: [a@example.com]}\n',
            "r.yaml:2: rooms: a key contains \\ud83d, half of a UTF-16 pair and not a character",
        ),
        (
            'groups:\n  "sre\\udfff": [a@example.com]\n',
            "r.yaml:2: groups: a key contains \\udfff, half of a UTF-16 pair and not a character",
        ),
        (
            'rooms:\n  ops: {id: "room-\\ud800", members: [a@example.com]}\n',
            "r.yaml:2: rooms.ops.id: the text contains \\ud800, half of a UTF-16 pair and "
            "not a character",
        ),
    ],
)
def test_a_lone_surrogate_is_refused_by_validate(ds: Path, text: str, expected: str) -> None:
    (ds / "r.yaml").write_text(text)
    result = validate(ds)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"{ds}/{expected}", "Desired state is invalid: 1 error."]


def test_a_10_mb_member_reference_is_refused_with_file_and_line(ds: Path) -> None:
    (ds / "r.yaml").write_text(
        "rooms:\n  ops:\n    members:\n      - a@example.com\n      - bot:"
        + "x" * 10_000_000
        + "\n"
    )
    started = time.monotonic()
    result = validate(ds)
    assert time.monotonic() - started < 20
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ds}/r.yaml:5: rooms.ops.members[1]: the member reference is too long: "
        "10,000,004 characters, at most 256",
        "Desired state is invalid: 1 error.",
    ]


def test_an_e_mail_of_10_mb_is_refused_without_echoing_it(ds: Path) -> None:
    (ds / "r.yaml").write_text(
        'groups:\n  sre: ["' + "a" * 10_000_000 + '@example.com"]\n'
        "rooms: {ops: {members: ['@sre']}}\n"
    )
    (problem,) = problems(ds)
    assert problem == (
        f"{ds}/r.yaml:2: groups.sre[0]: the member reference is too long: "
        "10,000,012 characters, at most 256"
    )


HUGE = "x" * 100_000
CHAT_ARN = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


@pytest.mark.parametrize(
    ("file", "text", "where", "what"),
    [
        ("r.yaml", f"rooms:\n  ? {HUGE}\n  : {{members: [a@example.com]}}\n", "2: rooms", "name"),
        ("r.yaml", f"groups:\n  ? {HUGE}\n  : [a@example.com]\n", "2: groups", "name"),
        # QA-GD Q-GD-3: an id, an account, a label was "the name"
        ("r.yaml", f"rooms:\n  ops: {{id: {HUGE}}}\n", "2: rooms.ops.id", "id"),
        ("r.yaml", f"rooms:\n  ops: {{account: {HUGE}}}\n", "2: rooms.ops.account", "account"),
        ("settings.yaml", f"account: {HUGE}\n", "1: account", "account"),
        (
            "r.yaml",
            f"channels:\n  ops: {{app_instance: {HUGE}, members: [a@example.com]}}\n",
            "2: channels.ops.app_instance",
            "label",
        ),
        # QA-GG Q-GG-4: settings.yaml's label of an app instance, restrictions.yaml's ids
        (
            "settings.yaml",
            f"app_instances:\n  ? {HUGE}\n  : {{arn: {CHAT_ARN}, bearer: user:r}}\n",
            "2: app_instances.",
            "label",
        ),
        (
            "restrictions.yaml",
            f"restrictions:\n  - {{path: r.yaml, rooms: [a], ids: {{rooms: [{HUGE}]}}}}\n",
            "2: restrictions[0].ids.rooms[0]",
            "id",
        ),
        (
            "settings.yaml",
            f"app_instances:\n  chat:\n    arn: {CHAT_ARN}\n    bearer: user:{HUGE[5:]}\n",
            "4: app_instances.chat.bearer",
            "bearer",
        ),
    ],
)
def test_a_huge_name_is_refused_without_echoing_it(
    ds: Path, file: str, text: str, where: str, what: str
) -> None:
    (ds / file).write_text(text)
    (problem,) = problems(ds)
    assert problem.startswith(f"{ds}/{file}:{where}")
    assert problem.endswith(f": the {what} is too long: 100,000 characters, at most 256")


def test_a_name_over_the_limit_is_cut_short_in_every_message_that_names_it(ds: Path) -> None:
    """The key itself over 256 characters: each message shows its first 80 and its length
    (QA-CF Q-CF-3: a 100,000-character room name made a line of 100,092)."""
    room, key, odd = "r" * 100_000, "k" * 1_000, "a b" * 100
    (ds / "r.yaml").write_text(
        f"rooms:\n  ? {room}\n  : {{members: [a@example.com], administrators: [bob]}}\n"
        f"  ops:\n    members:\n      - ? {key}\n        : 1\n"
        f"    ? {key}\n    : 1\n    ? {key}\n    : 2\n"
        f"  ? {odd}\n  : {{members: [a@example.com]}}\n"
    )
    started = time.monotonic()
    found = problems(ds)
    assert time.monotonic() - started < 5
    r, k = "r" * 80 + "…(100,000 characters)", "k" * 80 + "…(1,000 characters)"
    quoted_k, odd_shown = "'" + k.replace("…", "'…"), '"' + odd[:80] + '"…(300 characters)'
    fields = "account, administrators, id, members, owners, prune, safety"
    assert found == [
        f"{ds}/r.yaml:2: rooms.{r}: the name is too long: 100,000 characters, at most 256",
        f"{ds}/r.yaml:3: rooms.{r}.administrators[0]: malformed email address 'bob'",
        f"{ds}/r.yaml:6: rooms.ops.members[0]: expected a member reference, or a mapping "
        f"with `member:` (and `until:`, `reason:`, `ticket:`), got a mapping with keys: {k}",
        f"{ds}/r.yaml:8: rooms.ops: unknown key {quoted_k} (expected one of: {fields})",
        f"{ds}/r.yaml:10: rooms.ops: duplicate key {quoted_k} (first at line 8)",
        f"{ds}/r.yaml:12: rooms.{odd_shown}: the name is too long: 300 characters, at most 256",
    ]
    composed = yamlpos.parse_nodes((ds / "r.yaml").read_text())  # without libyaml's events
    assert [i.message for i in composed.issues] == [f"duplicate key {quoted_k} (first at line 8)"]


LONG = "r" * 1_100  # over the 1,024 characters PyYAML reads as a key without `? `
TOO_LONG = "the name is too long: 1,100 characters, at most 256"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (f"rooms:\n  {LONG}:\n    members: [a@example.com]\n", 2, TOO_LONG),
        (f"rooms:\n  ops: {{}}\n  {LONG}:\n    members: [a@example.com]\n", 3, TOO_LONG),
        (f'rooms:\n  "{LONG}":\n    members: [a@example.com]\n', 2, TOO_LONG),
        (f"groups:\n  '{LONG}': [a@example.com]\n", 2, TOO_LONG),
        (f"\n\nrooms: {{ops: {{}}, {LONG}: {{members: [a@example.com]}}}}\n", 3, TOO_LONG),
        (f"rooms:\n  ops:\n    members:\n      - {LONG}: 1\n", 4, TOO_LONG),
        (  # 1,200 characters written, a name of 200: YAML's limit is the problem
            'rooms:\n  "' + "\\u00e9" * 200 + '": {}\n',
            2,
            "a key written in 1,202 characters is longer than YAML reads as a key (1,024): "
            "write it after `? `, its value on the next line after `: `",
        ),
        (  # a value with ': ' in it: the key's length is not what is wrong
            f"rooms:\n  ops: {LONG}: 1\n",
            2,
            "YAML syntax error: mapping values are not allowed here "
            "(check the indentation, or quote a value with ': ')",
        ),
    ],
)
def test_a_key_longer_than_yaml_reads_is_reported_as_too_long(
    ds: Path, text: str, line: int, message: str
) -> None:
    """QA-CF Q-CF-4: a name of 1,100 characters got "mapping values are not allowed here
    (check the indentation...)", PyYAML's word for a simple key over 1,024 characters."""
    (ds / "r.yaml").write_text(text)
    assert problems(ds) == [f"{ds}/r.yaml:{line}: {message}"]


def test_a_10_mb_string_where_a_boolean_belongs_is_not_echoed(ds: Path) -> None:
    (ds / "r.yaml").write_text("rooms:\n  ops: {prune: " + "y" * 10_000_000 + "}\n")
    (problem,) = problems(ds)
    assert len(problem) < 300
    # quoted as every value is (QA-LE Q-LE-1: `a string of 10,000,000 characters ('yy…'…)`)
    assert f"got the string {'y' * 80!r}…(10,000,000 characters)" in problem


# -- Q-FL-2: a file saved as UTF-16 or UTF-32 is said to be one ----------------------------

ROOMS_TEXT = "rooms:\n  watercooler:\n    members: [a@example.com]\n    # café\n"


@pytest.mark.parametrize(
    ("codec", "name"),
    [
        ("utf-16-le", "UTF-16"),  # no byte order mark: valid UTF-8, a NUL after each letter
        ("utf-16-be", "UTF-16"),
        ("utf-16", "UTF-16"),  # with a byte order mark
        ("utf-32", "UTF-32"),
        ("utf-32-le", "UTF-32"),
        ("utf-32-be", "UTF-32"),
    ],
)
def test_a_file_in_utf16_or_utf32_is_said_to_be_one(ds: Path, codec: str, name: str) -> None:
    (ds / "x.yaml").write_bytes(ROOMS_TEXT.encode(codec))
    result = validate(ds)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{ds}/x.yaml:1: not valid UTF-8 text: the file looks like {name} (save it as UTF-8)",
        "Desired state is invalid: 1 error.",
    ]


def test_latin1_and_a_raw_nul_keep_their_own_messages(ds: Path) -> None:
    (ds / "x.yaml").write_bytes(ROOMS_TEXT.encode("latin-1"))
    (ds / "y.yaml").write_bytes(b"\x00rooms: {}\n")
    assert problems(ds) == [
        f"{ds}/x.yaml:4: not valid UTF-8 text",
        f"{ds}/y.yaml:1: unacceptable character #x0000: special characters are not allowed",
    ]
