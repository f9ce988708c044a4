"""import --adopt's text editing: each list style gains entries, everything else stays."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from reconciler.adopt import AdoptError, Adoption, adopt_all


def edit(text: str, *adoptions: tuple[int, str, tuple[str, ...]]) -> str:
    text = textwrap.dedent(text).lstrip("\n")
    return adopt_all(
        text, [Adoption("f.yaml", line, "rooms", key, refs) for line, key, refs in adoptions]
    )


def test_a_flow_list_gains_entries_before_its_bracket_and_comments_stay() -> None:
    text = """
        # the SRE rooms
        rooms:
          ops:   # on call
            administrators: [alice@example.com]  # leads
            members: ["@sre"]
        """
    assert edit(text, (3, "members", ("grace@example.com", "bot:Pager Bot"))) == textwrap.dedent(
        """\
        # the SRE rooms
        rooms:
          ops:   # on call
            administrators: [alice@example.com]  # leads
            members: ["@sre", grace@example.com, "bot:Pager Bot"]
        """
    )


def test_a_block_list_gains_lines_at_its_indent() -> None:
    text = """
        rooms:
          ops:
            members:
              - "@sre"
              - bob@example.com   # bob
          web:
            members: [carol@example.com]
        """
    result = edit(
        text, (2, "members", ("grace@example.com",)), (6, "members", ("ivan@example.com",))
    )
    assert result == textwrap.dedent(
        """\
        rooms:
          ops:
            members:
              - "@sre"
              - bob@example.com   # bob
              - grace@example.com
          web:
            members: [carol@example.com, ivan@example.com]
        """
    )


def test_a_missing_list_is_added_in_block_and_flow_mappings() -> None:
    text = """
        rooms:
          ops:
            prune: false
            members: [a@example.com]
          lobby: {id: room-9, members: [b@example.com]}
        """
    result = edit(
        text,
        (2, "administrators", ("mallory@example.com",)),
        (5, "administrators", ("ivan@example.com",)),
    )
    assert yaml.safe_load(result) == {
        "rooms": {
            "ops": {
                "administrators": ["mallory@example.com"],
                "prune": False,
                "members": ["a@example.com"],
            },
            "lobby": {
                "id": "room-9",
                "members": ["b@example.com"],
                "administrators": ["ivan@example.com"],
            },
        }
    }
    assert "    administrators: [mallory@example.com]\n    prune: false" in result


def test_a_list_that_is_not_a_list_is_refused_and_nothing_changes() -> None:
    with pytest.raises(
        AdoptError, match=re.escape("f.yaml:2: members is not a list; add x@example.com by hand")
    ):
        edit("rooms:\n  ops:\n    members: oops\n", (2, "members", ("x@example.com",)))
