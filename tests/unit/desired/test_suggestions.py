"""Suggestions point at the right name or at none; a file that cannot be parsed comes
first, and the undefined groups it may define are folded into one line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.desired.messages import closest, edit_distance
from reconciler.errors import DesiredStateError


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        (
            "administrator",
            ["administrators", "members", "prune", "id", "account"],
            "administrators",
        ),
        ("membres", ["members", "administrators"], "members"),  # two letters swapped
        ("Members", ["members"], "members"),  # case
        ("max_removal", ["max_removals", "max_removal_fraction"], "max_removals"),
        ("sre-lead", ["sre-leads", "sre"], "sre-leads"),
        ("sre", ["sre-team"], "sre-team"),  # one more dash-separated part
        ("web", ["webb", "web-team"], "webb"),  # a near spelling wins over an extension
        ("admins", ["administrators", "members", "account"], "administrators"),  # abbreviated
        ("max_", ["max_removals", "max_removal_fraction"], None),  # abbreviates both
        # never a wrong name:
        ("web-leads", ["sre-leads"], None),  # as similar by ratio, but another team
        ("sre", ["sre-team", "sre-leads"], None),  # which one? none
        ("ab", ["ac", "ad"], None),
        ("id", ["ip"], None),  # two letters: one edit is half the word
        ("oncall", ["sre", "web"], None),
        ("members", ["members"], None),  # the word itself is no suggestion
    ],
)
def test_a_suggestion_is_the_likely_name_or_none(
    word: str, choices: list[str], expected: str | None
) -> None:
    assert closest(word, choices) == expected


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert [edit_distance(a, b) for a, b in [("ab", "ba"), ("kitten", "sitting"), ("", "x")]] == [
        1,
        3,
        1,
    ]


def _problems(root: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    with pytest.raises(DesiredStateError) as caught:
        load_desired(root)
    return [str(p) for p in caught.value.problems]


def test_a_file_that_cannot_be_parsed_comes_first_and_its_knock_ons_fold_into_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    problems = _problems(
        Path("d"),
        {
            "settings.yaml": "account: acc-1\n",
            "a-rooms.yaml": """
                rooms:
                  ops:
                    members: ["@sre", "@sre-lead", "@web"]
                  web:
                    administrators: ["@web-leads"]
                    members: ["@sre"]
                """,
            "teams/groups.yaml": """
                groups:
                  sre: [alice@example.com
                  sre-lead: [bob@example.com]
                  web-leads: [carol@example.com]
                """,
            "z.yaml": """
                groups:
                  sre-leads: [dave@example.com]
                  webb: [erin@example.com]
                rooms:
                  z: {members: ["@sre-leads"], administrator: [erin@example.com]}
                """,
        },
    )
    assert problems == [
        "d/teams/groups.yaml:3: YAML syntax error: while parsing a flow sequence, expected "
        "',' or ']', but got ':' (started at line 2)",
        "d/teams/groups.yaml could not be loaded (see above), so 5 references to groups no "
        "other file defines are not checked: @sre (d/a-rooms.yaml:3, 6); @sre-lead "
        "(d/a-rooms.yaml:3); @web (d/a-rooms.yaml:3); @web-leads (d/a-rooms.yaml:5)",
        "d/z.yaml:5: rooms.z: unknown key 'administrator' (did you mean 'administrators'?)",
    ]


def test_with_every_file_loaded_each_undefined_group_is_its_own_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    problems = _problems(
        Path("d"),
        {
            "settings.yaml": "account: acc-1\n",
            "rooms.yaml": """
                groups:
                  sre-leads: [dave@example.com]
                  webb: [erin@example.com]
                rooms:
                  ops: {members: ["@sre-lead", "@web", "@web-leads"]}
                """,
        },
    )
    assert problems == [
        "d/rooms.yaml:5: rooms.ops.members[0]: undefined group '@sre-lead' "
        "(did you mean '@sre-leads'?)",
        "d/rooms.yaml:5: rooms.ops.members[1]: undefined group '@web' (did you mean '@webb'?)",
        "d/rooms.yaml:5: rooms.ops.members[2]: undefined group '@web-leads'",
    ]
