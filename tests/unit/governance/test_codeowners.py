"""CODEOWNERS lines from `owners:`, and keeping the generated block current."""

from __future__ import annotations

import pytest

from reconciler.governance.codeowners import (
    BEGIN,
    END,
    Owned,
    is_current,
    lines,
    parse_owner,
    pattern,
    update,
)


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("alice", "@alice"),
        ("@alice", "@alice"),
        ("example-org/sre", "@example-org/sre"),
        ("@example-org/sre.leads", "@example-org/sre.leads"),
        ("alice@example.com", "alice@example.com"),
    ],
)
def test_owners_are_written_as_codeowners_wants(text: str, owner: str) -> None:
    assert parse_owner(text) == owner


@pytest.mark.parametrize("text", ["", "al ice", "-alice", "alice-", "a--b/", "@", "org/", "a/b/c"])
def test_malformed_owners_are_refused(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_owner(text)
    assert str(info.value) == (
        f"owner {text!r} is not a GitHub user (alice or @alice), a team (org/team) "
        "or an e-mail address"
    )


def test_one_line_per_file_with_every_owner_once_sorted() -> None:
    owned = [
        Owned("desired-state/teams/sre.yaml", ("@example/sre",)),
        Owned("desired-state/rooms/ops.yaml", ("@bob",)),
        Owned("desired-state/teams/sre.yaml", ("@Alice", "@example/sre")),
        Owned("desired-state/unowned.yaml", ()),
    ]
    assert lines(owned) == [
        "/desired-state/rooms/ops.yaml @bob",
        "/desired-state/teams/sre.yaml @Alice @example/sre",
    ]


def test_paths_with_spaces_and_glob_characters_are_escaped() -> None:
    assert pattern("desired-state/my team/[x]*.yaml") == r"/desired-state/my\ team/\[x\]\*.yaml"


def test_a_new_block_is_appended_after_the_repositorys_own_lines() -> None:
    existing = "* @example/admins\n/docs/ @example/docs\n"
    assert update(existing, ["/d/a.yaml @alice"]).splitlines() == [
        "* @example/admins",
        "/docs/ @example/docs",
        "",
        BEGIN,
        "/d/a.yaml @alice",
        END,
    ]
    assert update("", ["/d/a.yaml @alice"]) == f"{BEGIN}\n/d/a.yaml @alice\n{END}\n"


def test_the_last_block_is_replaced_in_place_and_the_rest_kept() -> None:
    existing = f"* @admins\n\n{BEGIN}\n/d/old.yaml @bob\n{END}\n\n# the end\n"
    assert update(existing, ["/d/a.yaml @alice"]) == (
        f"* @admins\n\n{BEGIN}\n/d/a.yaml @alice\n{END}\n\n# the end\n"
    )


def test_a_block_with_rules_below_it_moves_to_the_end_and_the_rest_is_kept() -> None:
    """Q-CJ-1: it was rewritten in place, above `/late/ @late`, which GitHub applies over
    it (the last matching line wins). The block takes the blank lines before it."""
    existing = f"* @admins\n\n{BEGIN}\n/d/old.yaml @bob\n{END}\n# late\n/late/ @late"
    assert update(existing, ["/d/a.yaml @alice"]) == (
        f"* @admins\n# late\n/late/ @late\n\n{BEGIN}\n/d/a.yaml @alice\n{END}\n"
    )
    assert update(existing, []) == "* @admins\n# late\n/late/ @late"


def test_nothing_owned_removes_the_block_and_creates_nothing() -> None:
    assert update(f"* @admins\n\n{BEGIN}\n/d/a.yaml @bob\n{END}\n", []) == "* @admins\n"
    assert update(f"{BEGIN}\n/d/a.yaml @bob\n{END}\n", []) == ""
    assert update("", []) == ""
    assert update("* @admins\n", []) == "* @admins\n"


def test_is_current_compares_the_block_only() -> None:
    current = f"* @admins\n\n{BEGIN}\n/d/a.yaml @alice\n{END}\n"
    assert is_current(current, ["/d/a.yaml @alice"])
    assert not is_current(current, ["/d/a.yaml @alice @bob"])
    assert not is_current("* @admins\n", ["/d/a.yaml @alice"])
    assert is_current("* @admins\n", [])


def test_owners_differing_in_case_alone_are_written_once_as_first_spelled() -> None:
    """Q-CJ-8: `@alice @ALICE @example-org/sre @Example-Org/SRE` were all written; GitHub
    logins, team slugs and e-mail addresses ignore case."""
    owned = [
        Owned("d/rooms.yaml", ("@alice", "@ALICE", "@example-org/sre", "dave@example.com")),
        Owned("d/rooms.yaml", ("@Example-Org/SRE", "Dave@Example.com", "@Bob")),
        Owned("d/other.yaml", ("@ALICE",)),
    ]
    assert lines(owned) == [
        "/d/other.yaml @ALICE",
        "/d/rooms.yaml @alice @Bob @example-org/sre dave@example.com",
    ]
