"""import --adopt's text editing: each list style gains entries, everything else stays."""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml

from reconciler.adopt import AdoptError, Adoption, adopt_all
from reconciler.importer import scalar


def edit(text: str, *adoptions: tuple[int, str, tuple[str, ...]]) -> str:
    text = textwrap.dedent(text).lstrip("\n")
    return adopt_all(
        text, [Adoption("f.yaml", line, "rooms", key, refs) for line, key, refs in adoptions]
    )[0]


def test_a_flow_list_gains_entries_after_its_last_item_and_comments_stay() -> None:
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
            members: ["@sre", grace@example.com, bot:Pager Bot]
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
    # after the room's last key, as the file orders them (QA-FP Q-FP-6)
    assert "    members: [a@example.com]\n    administrators: [mallory@example.com]\n" in result


def test_a_list_that_is_not_a_list_is_refused_and_nothing_changes() -> None:
    with pytest.raises(
        AdoptError, match=re.escape("f.yaml:2: members is not a list; add x@example.com by hand")
    ):
        edit("rooms:\n  ops:\n    members: oops\n", (2, "members", ("x@example.com",)))


def adopted_lines(text: str, *adoptions: tuple[int, str, tuple[str, ...]]) -> list[int]:
    text = textwrap.dedent(text).lstrip("\n")
    _, made = adopt_all(
        text, [Adoption("f.yaml", line, "rooms", key, refs) for line, key, refs in adoptions]
    )
    return [m.line for m in made]


SHARED = """
    rooms:
      web-releases:
        administrators: &admins [carol@example.com]
        members: ["@web"]
      web-staging:
        administrators: *admins
        members: [ivan@example.com]
    """


@pytest.mark.parametrize(("line", "room", "where"), [(2, "web-releases", 3), (5, "web-staging", 6)])
def test_a_list_shared_through_an_anchor_is_refused_where_it_is_written(
    line: int, room: str, where: int
) -> None:
    with pytest.raises(AdoptError) as refused:
        edit(SHARED, (line, "administrators", ("heidi@example.com",)))
    assert str(refused.value) == (
        f"f.yaml:{where}: the administrators list of {room} is shared through the YAML "
        "anchor &admins: adding to it would add to every place that uses it, so nothing "
        "was written; add heidi@example.com by hand where it belongs"
    )
    # the other list of the same rooms is not shared: it is edited
    assert "[ivan@example.com, heidi@example.com]" in edit(
        SHARED, (5, "members", ("heidi@example.com",))
    )


def test_an_anchor_no_alias_uses_shares_nothing_and_its_list_or_room_is_edited() -> None:
    """QA D19: a block or flow list, a room or the section carrying an anchor that no
    ``*alias`` uses was refused as "shared"; only its own place uses it."""
    text = """
        rooms: &all
          web-releases: &room
            administrators: &leads [carol@example.com]
            members: &m
              - frank@example.com
        """
    edited = edit(
        text,
        (2, "members", ("heidi@example.com",)),
        (2, "administrators", ("ivan@example.com",)),
    )
    assert edited == textwrap.dedent(text).lstrip("\n").replace(
        "[carol@example.com]", "[carol@example.com, ivan@example.com]"
    ).replace("  - frank@example.com\n", "  - frank@example.com\n      - heidi@example.com\n")


def test_only_the_anchor_an_alias_uses_is_shared() -> None:
    text = """
        rooms:
          web-releases:
            members: &m [frank@example.com]
          web-staging: {members: *m}
          web-other: {members: &n [ivan@example.com]}
        """
    with pytest.raises(AdoptError, match=r"^f\.yaml:3: the members list of web-releases is shared"):
        edit(text, (2, "members", ("heidi@example.com",)))
    assert "&n [ivan@example.com, heidi@example.com]" in edit(
        text, (5, "members", ("heidi@example.com",))
    )


def test_a_room_shared_through_an_anchor_or_merging_one_is_refused() -> None:
    text = """
        rooms:
          a: &room {members: [x@example.com]}
          b: *room
          c:
            <<: *room
            id: room-c
        """
    for line, where, what in [(2, 2, "a is shared"), (3, 2, "b is shared")]:
        with pytest.raises(AdoptError, match=f"^f.yaml:{where}: {what} through .* &room"):
            edit(text, (line, "members", ("y@example.com",)))
    with pytest.raises(AdoptError, match=re.escape("f.yaml:4: c merges a mapping (<<)")):
        edit(text, (4, "members", ("y@example.com",)))


def test_a_block_list_followed_by_a_comment_line_and_another_room() -> None:
    text = """
        rooms:
          web-releases:
            members:
              - "@web"
              - member: bot:PagerBot
                reason: pager   # why
              # end of list
          web-other: {id: room-w, members: [ivan@example.com]}
        """
    adoptions = ((2, "members", ("heidi@example.com",)), (8, "members", ("judy@example.com",)))
    assert edit(text, *adoptions) == textwrap.dedent(
        """\
        rooms:
          web-releases:
            members:
              - "@web"
              - member: bot:PagerBot
                reason: pager   # why
              - heidi@example.com
              # end of list
          web-other: {id: room-w, members: [ivan@example.com, judy@example.com]}
        """
    )
    assert adopted_lines(text, *adoptions) == [9, 7]  # the lines of the edited file


def test_a_block_list_on_the_last_line_of_a_file_without_a_final_newline() -> None:
    text = "rooms:\n  ops:\n    members:\n    - a@example.com"
    assert edit(text, (2, "members", ("b@example.com", "bot:B"))) == (
        "rooms:\n  ops:\n    members:\n    - a@example.com\n    - b@example.com\n    - bot:B\n"
    )


def test_the_lines_reported_are_those_edited_when_edits_above_move_them() -> None:
    text = """
        rooms:
          ops:
            members:
              - a@example.com
          web:
            prune: false
        """
    adoptions = (
        (2, "members", ("b@example.com", "c@example.com")),
        (2, "administrators", ("d@example.com",)),
        (5, "administrators", ("e@example.com",)),
    )
    result = edit(text, *adoptions).splitlines()
    lines = adopted_lines(text, *adoptions)
    assert lines == [10, 5, 7]
    assert [result[n - 1].strip() for n in lines] == [
        "administrators: [e@example.com]",
        "- b@example.com",
        "administrators: [d@example.com]",
    ]


def test_an_edit_that_would_not_parse_is_refused_as_adopts_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reconciler.adopt.yaml_ref", lambda ref: ref + "]")  # a broken writer
    with pytest.raises(AdoptError) as refused:
        edit("rooms:\n  ops:\n    members: [a@example.com]\n", (2, "members", ("b@e.com",)))
    assert str(refused.value) == (
        "f.yaml:2: adding b@e.com to members made a file that does not parse (a bug in "
        "chime-reconciler: please report it); nothing was written: add them by hand"
    )


def test_an_email_that_yaml_would_read_otherwise_is_quoted() -> None:
    result = edit("rooms:\n  ops:\n    members: []\n", (2, "members", ("%x@e.com", "y@e.com")))
    assert result == 'rooms:\n  ops:\n    members: ["%x@e.com", y@e.com]\n'


LONE_CR = (
    "rooms:\r  ops:\r    members:\r      - a@example.com\r      - b@example.com\r"
    "  web:\r    members: [c@example.com]\r"
)


def test_a_file_with_lone_cr_line_endings_gains_lines_ending_in_cr_at_the_lines_reported() -> None:
    # written on an old Mac: YAML and validate read "\r" as a line break (8 lines here)
    made, adopted = adopt_all(
        LONE_CR,
        [
            Adoption("f.yaml", 2, "rooms", "members", ("grace@example.com",)),
            Adoption("f.yaml", 6, "rooms", "administrators", ("ivan@example.com",)),
        ],
    )
    assert made == (
        "rooms:\r  ops:\r    members:\r      - a@example.com\r      - b@example.com\r"
        "      - grace@example.com\r  web:\r    members: [c@example.com]\r"
        "    administrators: [ivan@example.com]\r"
    )
    assert [(a.adoption.list_key, a.line) for a in adopted] == [
        ("administrators", 9),
        ("members", 6),
    ]


def test_a_line_written_into_a_file_of_mixed_endings_ends_as_the_line_before_it() -> None:
    text = "rooms:\r\n  ops:\r    members:\n      - a@example.com\r\n  web:\n    prune: true\r"
    made, _ = adopt_all(
        text,
        [
            Adoption("f.yaml", 2, "rooms", "members", ("grace@example.com",)),
            Adoption("f.yaml", 5, "rooms", "members", ("ivan@example.com",)),
        ],
    )
    assert made == (
        "rooms:\r\n  ops:\r    members:\n      - a@example.com\r\n      - grace@example.com\r\n"
        "  web:\n    prune: true\r    members: [ivan@example.com]\r"
    )


def test_a_lone_cr_file_without_a_final_line_break_gains_one_before_its_new_line() -> None:
    made, adopted = adopt_all(
        "rooms:\r  ops:\r    members:\r      - a@example.com",
        [Adoption("f.yaml", 2, "rooms", "members", ("grace@example.com",))],
    )
    assert (
        made == "rooms:\r  ops:\r    members:\r      - a@example.com\r      - grace@example.com\r"
    )
    assert adopted[0].line == 5


@pytest.mark.parametrize(
    ("ref", "written"),
    [
        ("bot:evil\u202egnp.exe", '"bot:evil\\u202egnp.exe"'),  # QA4 R6: was raw
        ("bot:s\u200bt", '"bot:s\\u200bt"'),
        ("bot:q\u2028r", '"bot:q\\Lr"'),
        ("bot:x\x1b[31mRED", '"bot:x\\e[31mRED"'),
        ("bot:a\ud800b", '"bot:a\\uD800b"'),  # a lone surrogate from a JSON escape
        ("bot:n\ufffe", '"bot:n\\uFFFE"'),
    ],
)
def test_a_live_name_is_written_as_import_writes_it_and_read_back(ref: str, written: str) -> None:
    """Every control, format and separator character escaped, in a flow list and a block
    list alike: the text a pull request shows hides and reorders nothing."""
    assert scalar(ref) == written
    flow = edit("rooms:\n  ops:\n    members: [a@example.com]\n", (2, "members", (ref,)))
    assert flow == f"rooms:\n  ops:\n    members: [a@example.com, {written}]\n"
    block = edit("rooms:\n  ops:\n    members:\n    - a@example.com\n", (2, "members", (ref,)))
    assert block.endswith(f"    - {written}\n")
    for text in (flow, block):
        assert yaml.safe_load(text)["rooms"]["ops"]["members"] == ["a@example.com", ref]


@pytest.mark.parametrize(
    ("ref", "written"),
    [
        ("bot:\u03a9mega \U0001f916", "bot:\u03a9mega \U0001f916"),  # QA-FD Q-FD-4: plain
        ("bot:\U0001d4d0 \\U0001F916", '"bot:\U0001d4d0 \\\\U0001F916"'),  # a backslash
        ("bot:tag\U000e0041", '"bot:tag\\U000E0041"'),  # a format character: escaped
        ("bot:private\U000f0000", '"bot:private\\U000F0000"'),  # nothing to see: escaped
    ],
)
def test_a_character_past_u_ffff_is_written_as_it_is_unless_it_is_invisible(
    ref: str, written: str
) -> None:
    """adopt wrote an emoji as `\\U0001F916` where import writes the emoji (PyYAML escapes
    every character past U+FFFF in a double-quoted string): the escapes are for control,
    format and other invisible characters only."""
    flow = edit("rooms:\n  ops:\n    members: [a@example.com]\n", (2, "members", (ref,)))
    assert flow == f"rooms:\n  ops:\n    members: [a@example.com, {written}]\n"
    assert yaml.safe_load(flow)["rooms"]["ops"]["members"] == ["a@example.com", ref]


def test_channel_members_are_written_plain_as_import_writes_them_and_new_lists_go_last() -> None:
    """QA-FP Q-FP-6: adopt wrote `"user:bob"` (double-quoted) beside `user:alice`, where
    import writes `- user:bob`; and it put the new `hidden:` and `moderators:` lists above
    `app_instance:`, out of the file's order of keys (and of the lines reported)."""
    text = textwrap.dedent(
        """\
        channels:
          ops:
            app_instance: chat
            members: [user:alice, bot:PagerBot]   # core
          lobby:
            app_instance: chat
            members:
              - user:alice
        """
    )
    made, adopted = adopt_all(
        text,
        [
            Adoption("f.yaml", 2, "channels", "members", ("user:bob",)),
            Adoption("f.yaml", 2, "channels", "hidden", ("user:carol",)),
            Adoption("f.yaml", 2, "channels", "moderators", ("user:alice",)),
            Adoption("f.yaml", 5, "channels", "members", ("user:frank", "bot:a,b")),
        ],
    )
    assert made == textwrap.dedent(
        """\
        channels:
          ops:
            app_instance: chat
            members: [user:alice, bot:PagerBot, user:bob]   # core
            hidden: [user:carol]
            moderators: [user:alice]
          lobby:
            app_instance: chat
            members:
              - user:alice
              - user:frank
              - "bot:a,b"
        """
    )
    assert [(a.adoption.list_key, a.line) for a in adopted] == [
        ("members", 11),
        ("members", 4),
        ("hidden", 5),
        ("moderators", 6),
    ]


@pytest.mark.parametrize(
    ("line", "edited"),
    [
        ("members: [a@example.com]\t# c", "members: [a@example.com, b@example.com]\t# c"),
        ("members: [a@example.com,\tx@example.com]", None),
        ("members:\t[a@example.com]", "members:\t[a@example.com, b@example.com]"),
        ("members: [a@example.com]\t", "members: [a@example.com, b@example.com]\t"),
    ],
)
def test_a_tab_libyaml_takes_in_a_line_is_taken_too(line: str, edited: str | None) -> None:
    """QA HE Q-HE-5: adopt parsed with the pure-Python parser, which refuses a tab the
    loader's (libyaml) takes before a comment or inside a line: a file every other command
    read could not be adopted into."""
    text = f"rooms:\n  ops:\n    administrators: [z@example.com]\tx\n    {line}\n"
    text = text.replace("\tx\n", "\t# boss\n")
    out = adopt_all(text, [Adoption("f.yaml", 2, "rooms", "members", ("b@example.com",))])[0]
    if edited is None:  # the list's last item kept, the new one after it
        edited = line.replace("x@example.com]", "x@example.com, b@example.com]")
    assert out == text.replace(line, edited)


def test_a_file_that_cannot_be_parsed_is_one_located_line() -> None:
    """QA HE Q-HE-5: PyYAML's five lines, the first naming no line, are one FILE:LINE."""
    text = "rooms:\n  ops:\n    members: [a@example.com\n    x: ]\n"
    with pytest.raises(AdoptError) as caught:
        adopt_all(text, [Adoption("f.yaml", 2, "rooms", "members", ("b@example.com",))])
    assert len(str(caught.value).splitlines()) == 1
    assert re.match(
        r"f\.yaml:\d+: cannot be parsed \(.+\), nothing was written$", str(caught.value)
    )
