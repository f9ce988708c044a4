"""QA-HK Q-HK-5: audit's blocks and its header, on a terminal too narrow for an id, cut
the id at any character (``6f1c2a9e-0000-4000-8000-00`` / ``0000000001``) where the
plan's header at the same width cuts it after a ``-`` (QA-HE Q-HE-11)."""

from __future__ import annotations

import pytest
from rich.text import Text

from reconciler.render.audit_narrow import block_lines
from reconciler.render.text import wrap_hanging

MEETING_ID = "6f1c2a9e-0000-4000-8000-000000000001"
ACCOUNT = "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize("width", [20, 30])
def test_a_blocks_id_is_cut_after_a_dash(width: int) -> None:
    row = [Text(f"incident-bridge\n{MEETING_ID}"), Text("presenter")]
    lines = [t.plain for t in block_lines(["MEETING", "LIVE"], [row], width)]
    at = lines.index("  MEETING ID:")
    pieces = [line.strip() for line in lines[at + 1 : lines.index("  LIVE: presenter")]]
    assert "".join(pieces) == MEETING_ID
    assert all(p.endswith("-") for p in pieces[:-1]), pieces
    assert all(len(line) <= width for line in lines)


def test_the_headers_account_id_is_cut_after_a_dash() -> None:
    line = f"alice@example.com: user id user-alice in account {ACCOUNT}"
    assert [t.plain for t in wrap_hanging(Text(line), 30)] == [
        "alice@example.com: user id",
        "  user-alice in account",
        "  11111111-2222-3333-4444-",
        "  555555555555",
    ]


def test_a_word_without_separators_is_still_cut_where_it_must() -> None:
    assert [t.plain for t in wrap_hanging(Text("x" * 25), 10)] == [
        "x" * 10,
        "  " + "x" * 8,
        "  " + "x" * 7,
    ]
