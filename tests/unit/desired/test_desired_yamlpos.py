"""The YAML reader: plain data plus lines by path, duplicate keys, odd YAML."""

from __future__ import annotations

from reconciler.desired.yamlpos import YamlIssue, parse


def test_lines_are_recorded_for_keys_and_items_without_touching_data() -> None:
    doc = parse("rooms:\n  ops:\n    members:\n      - a@x.io\n      - b@x.io\n")
    assert doc.data == {"rooms": {"ops": {"members": ["a@x.io", "b@x.io"]}}}
    assert doc.positions.line_of(("rooms", "ops")) == 2
    assert doc.positions.line_of(("rooms", "ops", "members")) == 3
    assert doc.positions.line_of(("rooms", "ops", "members", 1)) == 5
    assert doc.issues == []


def test_a_missing_key_is_located_at_the_nearest_parent() -> None:
    doc = parse("rooms:\n  ops:\n    prune: true\n")
    assert doc.positions.line_of(("rooms", "ops", "members", 3)) == 2


def test_duplicate_keys_are_reported_and_the_first_is_kept() -> None:
    doc = parse("a: 1\nb: 2\na: 3\n")
    assert doc.data == {"a": 1, "b": 2}
    assert doc.issues == [YamlIssue(3, (), "duplicate key 'a' (first at line 1)")]


def test_keys_are_names_as_written() -> None:
    doc = parse("123: a\ntrue: b\n2024-01-01: c\n")
    assert doc.data == {"123": "a", "true": "b", "2024-01-01": "c"}


def test_a_tilde_or_empty_key_is_no_name_and_a_null_word_is_its_text() -> None:
    assert parse("~: 1\n").data == {"": 1}
    assert parse("? \n: 1\n").data == {"": 1}
    assert parse("null: 1\nNull: 2\nNULL: 3\n").data == {"null": 1, "Null": 2, "NULL": 3}


def test_a_complex_key_is_an_issue() -> None:
    doc = parse("? [a, b]\n: 1\nc: 2\n")
    assert doc.data == {"c": 2}
    assert doc.issues == [
        YamlIssue(1, (), "a mapping key must be a plain name, not a list or mapping")
    ]


def test_aliases_expand_and_billion_laughs_is_stopped() -> None:
    assert parse("a: &x [1]\nb: *x\n").data == {"a": [1], "b": [1]}
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 8)]
    doc = parse("\n".join(lines) + "\n")
    assert doc.data is None
    # l5 holds a million nodes: the budget runs out on its line, while it expands *l4
    assert doc.issues == [
        YamlIssue(6, (), "too many YAML nodes repeated through aliases (over 200,000)")
    ]


def test_syntax_errors_carry_the_line() -> None:
    doc = parse("a: [1, 2\nb: 3\n")
    assert doc.data is None
    assert [i.line for i in doc.issues] == [2]


def test_characters_yaml_forbids_are_located() -> None:
    doc = parse("a: 1\nb: \x07\n")
    assert doc.issues == [
        YamlIssue(2, (), "unacceptable character #x0007: special characters are not allowed")
    ]


def test_several_documents_are_an_error() -> None:
    doc = parse("a: 1\n---\nb: 2\n")
    assert doc.issues == [
        YamlIssue(
            2,
            (),
            "YAML syntax error: expected a single document in the stream, but found "
            "another document (started at line 1)",
        )
    ]


def test_syntax_errors_hint_at_the_usual_cause() -> None:
    assert parse("rooms:\n\tx: {}\n").issues == [
        YamlIssue(
            2,
            (),
            "YAML syntax error: while scanning for the next token, found character '\\t' "
            "that cannot start any token (indent with spaces, not tabs)",
        )
    ]
    assert parse("rooms:\n  x:\n    members:\n    - a@b.co\n   - c@d.co\n").issues == [
        YamlIssue(
            5,
            (),
            "YAML syntax error: while parsing a block mapping, expected <block end>, but found "
            "'<block sequence start>' (started at line 2; check the indentation)",
        )
    ]


def test_a_forbidden_character_is_located_whatever_the_line_endings() -> None:
    message = "unacceptable character #x0001: special characters are not allowed"
    for newline in ("\n", "\r\n", "\r"):
        text = newline.join(["rooms:", "  a:", '    members: ["x\x01"]', ""])
        assert parse(text).issues == [YamlIssue(3, (), message)], repr(newline)


def test_a_break_only_yaml_reads_is_refused_at_the_line_an_editor_shows() -> None:
    # Q-Y-2: NEL, U+2028 and U+2029 end a line for YAML 1.1, not for an editor or grep -n
    for newline in ("\n", "\r\n", "\r"):
        for char, name in (("\x85", "NEXT LINE (NEL)"), ("\u2028", "LINE SEPARATOR")):
            text = newline.join(["rooms:", f"  # a{char}b", f'  a: {{reason: "{char}"}}', ""])
            message = (
                f"U+{ord(char):04X} {name} in this line: YAML 1.1 reads it as a line break "
                f"where an editor shows none; delete it (in a double-quoted string, write it "
                f"as \\u{ord(char):04x}); 1 more after it"
            )
            assert parse(text).issues == [YamlIssue(2, (), message)], (newline, char)
            assert parse(text).data is None


def test_a_break_only_yaml_reads_written_as_an_escape_is_text() -> None:
    doc = parse('a: "x\\u2028y\\Pz"\nb: 1\n')
    assert doc.data == {"a": "x\u2028y\u2029z", "b": 1}
    assert doc.positions.line_of(("b",)) == 2
