"""A target's entries are loaded list by list as columns (``resolve.EntryList``): each
entry keeps its own line, index, role and grant wherever mapping forms, groups, skipped and
repeated entries fall in a list."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.desired.loader import load_desired
from reconciler.errors import DesiredStateError
from reconciler.refs import Location, MemberRef, Role

ROOM = """\
groups:
  sre: [carol@example.com, Dave@Example.com]
rooms:
  ops:
    account: a
    administrators:
      - dave@example.com
    members:
      - alice@example.com
      - member: Bob@Example.com
        until: 2030-01-31
      - '@sre'
      - erin@example.com
      - member: frank@example.com
        reason: on call
"""


def test_each_entry_keeps_its_line_grant_and_path_around_mapping_forms_and_groups(
    tmp_path: Path,
) -> None:
    (tmp_path / "r.yaml").write_text(ROOM)
    (ops,) = load_desired(tmp_path).targets
    file = str(tmp_path / "r.yaml")
    paths = {
        str(m.ref): [
            (p.role, p.declared_at.line, p.via, p.grant.until and str(p.grant.until))
            for p in m.provenance
        ]
        for m in ops.members
    }
    assert paths == {
        "alice@example.com": [(Role.MEMBER, 9, (), None)],
        "Bob@Example.com": [(Role.MEMBER, 10, (), "2030-01-31")],
        "carol@example.com": [(Role.MEMBER, 12, ("sre",), None)],
        "dave@example.com": [(Role.ADMINISTRATOR, 7, (), None), (Role.MEMBER, 12, ("sre",), None)],
        "erin@example.com": [(Role.MEMBER, 13, (), None)],
        "frank@example.com": [(Role.MEMBER, 14, (), None)],
    }
    frank = ops.member(MemberRef.user("frank@example.com"))
    assert frank is not None and frank.provenance[0].grant is not None
    assert frank.provenance[0].grant.reason == "on call"
    assert frank.provenance[0].declared_at == Location(file, 14)
    assert ops.dated  # Bob's until


def test_repeats_differing_in_case_are_found_after_skipped_and_mapping_entries(
    tmp_path: Path,
) -> None:
    (tmp_path / "r.yaml").write_text(
        "rooms:\n"
        "  ops:\n"
        "    account: a\n"
        "    administrators: [Alice@Example.com]\n"  # another list: a second path, no error
        "    members:\n"
        "      - alice@example.com\n"
        "      - member: bob@example.com\n"
        "        until: 2030-01-31\n"
        "      - not-an-email\n"
        "      - BOB@example.COM\n"
        "      - bot:Pager\n"
        "      - ALICE@EXAMPLE.COM\n"
        "      - bot:pager\n"  # bot names are compared as written: another bot
    )
    with pytest.raises(DesiredStateError) as raised:
        load_desired(tmp_path)
    file = tmp_path / "r.yaml"
    assert [str(p) for p in raised.value.problems] == [
        f"{file}:9: rooms.ops.members[2]: malformed email address 'not-an-email'",
        f"{file}:10: rooms.ops.members[3]: 'BOB@example.COM' is listed twice (first at line 7)",
        f"{file}:12: rooms.ops.members[5]: 'ALICE@EXAMPLE.COM' is listed twice (first at line 6)",
    ]


def test_entries_are_the_same_member_by_kind_and_key_not_by_text(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "rooms:\n"
        "  ops:\n"
        "    account: a\n"
        "    members:\n"
        "      - a@example.com\n"
        "      - bot:a@example.com\n"  # a bot of that name: another member
        "      - ' A@Example.COM '\n"  # the same user, spaced and cased otherwise
        "      - BOT:a@example.com\n"  # the same bot
    )
    with pytest.raises(DesiredStateError) as raised:
        load_desired(tmp_path)
    file = tmp_path / "r.yaml"
    assert [str(p) for p in raised.value.problems] == [
        f"{file}:7: rooms.ops.members[2]: 'A@Example.COM' is listed twice (first at line 5)",
        f"{file}:8: rooms.ops.members[3]: 'BOT:a@example.com' is listed twice (first at line 6)",
    ]
    (tmp_path / "r.yaml").write_text(
        "rooms:\n  ops:\n    account: a\n    members: [a@example.com, bot:a@example.com]\n"
    )
    (ops,) = load_desired(tmp_path).targets
    assert [str(m.ref) for m in ops.members] == ["bot:a@example.com", "a@example.com"]
