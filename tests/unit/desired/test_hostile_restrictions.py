"""Attacks on restrictions.yaml: patterns that backtrack, patterns RE2 refuses, odd globs.

A pull request's author chooses the room and group names, so a pattern in
restrictions.yaml must match any name in linear time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from desired_files import problems, write

from reconciler.desired.patterns import compile_pattern
from reconciler.desired.restrictions import glob_to_regex


@pytest.fixture
def d(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path("ds")


@pytest.mark.parametrize(
    ("pattern", "name"),
    [
        (r"^web-([a-z0-9]+-?)+$", "web-" + "a1" * 12 + "!"),  # 19 s with Python's re
        (r"^(a+)+$", "a" * 40 + "!"),  # never ends with Python's re
        (r"^(a|a)*$", "a" * 40 + "!"),
        (r"^(\w+\s?)*$", "x" * 40 + "!"),
    ],
)
def test_a_backtracking_pattern_against_a_hostile_room_name_is_decided_at_once(
    d: Path, pattern: str, name: str
) -> None:
    write(
        d,
        {
            "restrictions.yaml": f"restrictions:\n  - path: '**'\n    rooms: ['{pattern}']\n",
            "r.yaml": f"rooms:\n  '{name}': {{account: a}}\n",
        },
    )
    started = time.monotonic()
    found = problems(d)
    assert time.monotonic() - started < 2.0
    assert found == [
        f'ds/r.yaml:2: rooms."{name}": room {name!r} may not be defined in r.yaml: the rule '
        f"at ds/restrictions.yaml:2 (path '**') allows rooms matching {pattern!r}"
    ]


def test_matching_time_grows_linearly_with_a_hostile_name_length() -> None:
    pattern = compile_pattern(r"^web-([a-z0-9]+-?)+$")
    started = time.monotonic()
    assert not pattern.search("web-" + "a" * 1_000_000 + "!")
    assert time.monotonic() - started < 1.0


def test_a_backtracking_group_pattern_is_decided_at_once(d: Path) -> None:
    write(
        d,
        {
            "restrictions.yaml": "restrictions:\n  - {path: '**', groups: ['^(a+)+$']}\n",
            "g.yaml": "groups:\n  " + "a" * 200 + "b: [x@example.com]\n",
        },
    )
    started = time.monotonic()
    (problem,) = problems(d)
    assert time.monotonic() - started < 2.0
    assert problem.startswith("ds/g.yaml:2: groups.aaaa")
    assert problem.endswith("allows groups matching '^(a+)+$'")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"^(a)\\1$", r"invalid escape sequence: \1"),
        ("^(?=sre)", "invalid perl operator: (?="),
        ("^(?<!x)y", "invalid perl operator: (?<!"),
        ("^sre-\\\\Z", r"invalid escape sequence: \Z"),
        ("^a++$", "bad repetition operator: ++"),
        ("^((a{100}){100}){100}$", "invalid repetition size: {100}"),
    ],
)
def test_a_pattern_re2_refuses_is_a_located_error(
    d: Path, capfd: pytest.CaptureFixture[str], pattern: str, reason: str
) -> None:
    write(
        d,
        {
            "restrictions.yaml": (
                f'restrictions:\n  - path: "teams/**"\n    rooms: ["^ok$", "{pattern}"]\n'
            ),
            "teams/r.yaml": "rooms: {ok: {account: a}}\n",
        },
    )
    shown = pattern.replace("\\\\", "\\")
    assert problems(d) == [
        f"ds/restrictions.yaml:3: restrictions[0].rooms[1]: invalid regular expression "
        f"{shown!r} (RE2 syntax): {reason}"
    ]
    assert capfd.readouterr().err == ""  # RE2's own logging is off


@pytest.mark.parametrize("section", ["groups", "rooms", "channels", "meetings"])
def test_an_invalid_pattern_in_any_section_of_a_rule_is_a_located_error(
    d: Path, section: str
) -> None:
    """A pattern that is no regular expression (an unclosed group) is refused at its file
    and line in every section of a rule, ``groups:`` too, never an internal error."""
    rule = f'restrictions:\n  - path: "teams/**"\n    {section}: ["^sre(-.*?$"]\n'
    write(d, {"restrictions.yaml": rule})
    (problem,) = problems(d)
    assert problem.startswith(
        f"ds/restrictions.yaml:3: restrictions[0].{section}[0]: invalid regular expression "
        "'^sre(-.*?$' (RE2 syntax): "
    )


def test_a_huge_pattern_is_refused_without_echoing_all_of_it(d: Path) -> None:
    write(
        d,
        {"restrictions.yaml": "restrictions:\n  - {path: '**', rooms: ['" + "a" * 10_000 + "']}\n"},
    )
    (problem,) = problems(d)
    assert len(problem) < 300
    assert problem.endswith("(RE2 syntax): longer than 4,096 characters")


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("a+b(c)|[d].yaml", "a+b(c)|[d].yaml", True),
        ("a+b(c)|[d].yaml", "aab(c)|d.yaml", False),
        ("teams/.*", "teams/x", False),
        ("teams/\\d/x.yaml", "teams/\\d/x.yaml", True),
        ("**/**/**/**/**/**/**/*x", "a/" * 2000 + "y", False),
    ],
)
def test_a_glob_with_regex_characters_matches_only_literally(
    glob: str, path: str, matches: bool
) -> None:
    started = time.monotonic()
    assert glob_to_regex(glob).fullmatch(path) is matches
    assert time.monotonic() - started < 1.0


def test_a_file_name_that_is_not_utf8_is_refused_before_any_rule_matches_it(d: Path) -> None:
    # QA-J Q-J-1: such a name is an error at its path (no saved plan could carry it)
    write(d, {"restrictions.yaml": "restrictions:\n  - {path: 'teams/**', rooms: ['^t-']}\n"})
    (d / "teams").mkdir()
    (d / "teams" / b"r\xff.yaml".decode("utf-8", "surrogateescape")).write_text(
        "rooms: {x: {account: a}}\n"
    )
    (problem,) = problems(d)
    assert problem.endswith(".yaml:1: the file or folder name is not valid UTF-8: rename it")
