"""import --adopt's editor over generated files: block and flow lists and mappings, item
comments, comment lines after a list, blank lines, indentless lists, multi-line flow lists
with a trailing comma, no final newline, CRLF, lone CR (old Mac), mixed endings. The edited
file parses, declares exactly what it did plus the new entries, keeps every comment and
line ending (a new item's ends as the line above), and each line reported holds the entries
written there, next to the list's last item (the comment lines after it stay after it)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.adopt import Adoption, adopt_file, yaml_ref

LISTS = ("administrators", "members")
KNOWN = st.sampled_from(
    ["a@example.com", "b.c+d@example.com", '"bot:PagerBot"', '"@web"', "'bot:Old Bot'"]
)
# what Chime may hold: e-mails, bots with any name (quotes, colons, #, non-ASCII...), groups
NEW_REF = st.one_of(
    st.from_regex(r"[a-z0-9%+._-]{1,8}@example\.com", fullmatch=True),
    st.builds(
        lambda p, s: p + s,
        st.sampled_from(["bot:", "@"]),
        st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12),
    ),
)
COMMENT = st.sampled_from(["", "  # why", " #x", "   # a: [b, c] - d"])


@dataclass(frozen=True)
class Room:
    name: str
    lines: list[str]  # at indent 2, "\n" ends


@st.composite
def block_list(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    pad = " " * indent
    dash = pad + " " * draw(st.sampled_from([0, 2, 4]))  # 0: an indentless list
    lines = [f"{pad}{key}:{draw(COMMENT)}"]
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            lines.append(f"{dash}- {draw(KNOWN)}{draw(COMMENT)}")
        else:  # a mapping item over two lines
            lines.append(f"{dash}- member: {draw(KNOWN)}{draw(COMMENT)}")
            lines.append(f"{dash}  reason: on call{draw(COMMENT)}")
    for _ in range(draw(st.integers(0, 2))):  # comment lines and blank lines after it
        at = draw(st.sampled_from([0, indent, len(dash), len(dash) + 2]))
        lines.append(draw(st.sampled_from(["", " " * at + "# end of list"])))
    return lines


@st.composite
def flow_list(draw: st.DrawFn, key: str, indent: int) -> list[str]:
    pad = " " * indent
    items = draw(st.lists(KNOWN, max_size=3))
    if not items or draw(st.booleans()):
        space = draw(st.sampled_from(["", " "]))
        return [f"{pad}{key}: [{space}{', '.join(items)}{space}]{draw(COMMENT)}"]
    body = [f"{pad}  {item},{draw(COMMENT)}" for item in items]  # a trailing comma
    if not draw(st.booleans()):
        body[-1] = body[-1].replace(",", "", 1)
    return [f"{pad}{key}: [", *body, f"{pad}]{draw(COMMENT)}"]


@st.composite
def room(draw: st.DrawFn, name: str) -> Room:
    keys = draw(st.lists(st.sampled_from(LISTS), unique=True))
    if draw(st.booleans()):  # a flow mapping on one line
        parts = [f"{k}: [{', '.join(draw(st.lists(KNOWN, max_size=2)))}]" for k in keys]
        if draw(st.booleans()):
            parts.insert(0, f"id: room-{name}")
        return Room(name, [f"  {name}: {{{', '.join(parts)}}}{draw(COMMENT)}"])
    indent = draw(st.sampled_from([4, 6]))
    lines = [f"  {name}:{draw(COMMENT)}", " " * indent + "prune: false"]
    for k in keys:
        lines += draw(st.one_of(block_list(k, indent), flow_list(k, indent)))
    if draw(st.booleans()):
        lines.append(" " * indent + f"id: room-{name}")
    return Room(name, lines)


@st.composite
def adoption_case(draw: st.DrawFn) -> tuple[bytes, list[Adoption]]:
    names = draw(st.lists(st.sampled_from(["ops", "web-releases", "quiet", "x"]), unique=True))
    rooms = [draw(room(n)) for n in names or ["ops"]]
    lines = ["# header", "rooms:"]
    adoptions = []
    for r in rooms:
        key_line = len(lines) + 1
        lines += r.lines
        for key in draw(st.lists(st.sampled_from(LISTS), unique=True, min_size=1)):
            refs = tuple(draw(st.lists(NEW_REF, min_size=1, max_size=3)))
            adoptions.append(Adoption("f.yaml", key_line, "rooms", key, refs))
    if draw(st.booleans()):
        lines.append("# the end")
    ends = st.sampled_from(["\n", "\r\n", "\r"])
    newline = draw(ends)
    mixed = draw(st.integers(0, 4)) == 0  # each line ends its own way
    final = draw(st.booleans())  # a final newline?
    text = ""
    for n, line in enumerate(lines):
        end = draw(ends) if mixed else newline
        if text.endswith("\r") and not line and end.startswith("\n"):
            end = "\r"  # a blank line's "\n" after a "\r" would make one CRLF of the two
        text += line + (end if n < len(lines) - 1 or final else "")
    return text.encode("utf-8"), adoptions


def line_ends(text: str) -> list[str]:
    """How each line of ``text`` ends, in order (as YAML and validate count lines)."""
    return re.findall("\r\n|\r|\n", text)


def line_end(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def expected_after(before: dict[str, object], adoptions: list[Adoption], text: str) -> object:
    rooms = dict(before["rooms"])  # type: ignore[call-overload]
    names = {n + 1: line.split(":")[0].strip() for n, line in enumerate(text.splitlines())}
    for a in adoptions:
        name = names[a.key_line]
        target = dict(rooms[name])
        target[a.list_key] = [*(target.get(a.list_key) or []), *a.refs]
        rooms[name] = target
    return {**before, "rooms": rooms}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adoption_case())
def test_the_edited_file_declares_exactly_the_old_and_new_entries(
    case: tuple[bytes, list[Adoption]],
) -> None:
    original, adoptions = case
    before = yaml.safe_load(original)
    edited, made = adopt_file(original, adoptions)
    text = edited.decode("utf-8")
    assert yaml.safe_load(edited) == expected_after(before, adoptions, original.decode())
    old = original.decode("utf-8")
    # every line still ends as it did, and each line written ends as a line next to it
    for style in ("\r\n", "\r", "\n"):
        if style not in line_ends(old):
            assert style not in line_ends(text), (style, text)
    assert Counter(line_ends(text)) >= Counter(line_ends(old))
    for comment in re.findall(r"#[^\r\n]*", old):
        assert comment in text
    lines = text.splitlines()
    assert sorted(map(repr, (m.adoption for m in made))) == sorted(map(repr, adoptions))
    for m in made:
        assert yaml_ref(m.adoption.refs[0]) in lines[m.line - 1]
        if lines[m.line - 1].lstrip().startswith("- "):  # a new item ends as the line above
            ends = [line_end(x) for x in re.findall("[^\r\n]*(?:\r\n|\r|\n|$)", text)]
            assert ends[m.line - 1] == ends[m.line - 2], text
        if lines[m.line - 1].lstrip().startswith("- "):  # a block list's new item
            above = lines[m.line - 2].strip()  # its last item, not the comments after it
            assert above and not above.startswith("#"), text
