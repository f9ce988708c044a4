"""The event-based fast path gives exactly what the node walk gives: data, every line,
every issue in order; and it gives up where it would not."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.desired.yamlfast import parse_fast
from reconciler.desired.yamlpos import Document, Path, parse, parse_nodes

SAME = [
    "",
    "# only a comment\n",
    "---\n",
    "rooms:\n  ops:\n    members:\n      - a@x.io\n      - 'b@x.io'\n      - \"c@x.io\"\n",
    "a: 1\nb: 2\na: {x: [1, 2]}\nc: 3\n",  # a duplicate key whose value is not built
    "123: a\ntrue: b\n2024-01-01: c\n~: d\nnull: e\n'': f\n!!null x: g\n",
    "? [a, b]\n: 1\n? {k: v}\n: [2]\nc: 2\n",
    "a: !!str 1\nb: !!binary aGk=\nc: !!float 1\nd: !unknown x\ne: 2001-13-45\nf: 0x1F\n",
    "a: [yes, No, on, ~, null, '', 1.5e3, .inf, -.nan, 0o17, +12]\n",
    "a: [2024-01-01, 2024-01-01T10:00:00Z, 2024-01-01 10:00:00.5 +02:00]\n",
    "a: " + "9" * 1300 + "\nb: " + "1" * 5000 + "\n",
    "- a\n- [b, [c, {d: e}]]\n- {f: [g, h]}\n- - i\n  - j\n",
    "just text\n",
    "rooms:\n  r:\n    members:\n    - member: a@x.io\n      until: 2025-01-01\n"
    "      reason: x\n    - b@x.io\n",
    "a: |\n  block\n  text\nb: >\n  folded\n  text\nc: plain\n  continued\n",
    "a: !!set {x, y}\nb: !!omap [{x: 1}]\n",
    "a: !foo {x: [1]}\nb: !!python/tuple [1, 2]\nc: [!bar {y: 1}, ok]\nd: ! {z: !!seq []}\n",
    "=: 1\n<: 2\n",
    "a: [=, b, {c: =}]\nd: =\n",
]
GIVES_UP = [
    'a: "\\ud800"\n"\\udfff": 1\nb: [x, "\\ud800y"]\n',  # libyaml refuses the escape
    "a: &x [1]\nb: *x\n",
    "base: &b {prune: true}\nrooms:\n  r:\n    <<: *b\n",
    "a: 1\n---\nb: 2\n",
    "a: [1, 2\nb: 3\n",
    "a: " + "[" * 80 + "]" * 80 + "\n",
    "x: 1\ny: {a: &q 1}\n",
]


def paths(data: Any, path: Path = ()) -> list[Path]:
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += paths(value, (*path, i))
    return out


def assert_same(fast: Document, slow: Document) -> None:
    assert repr(fast.data) == repr(slow.data)  # nan != nan, and 1 == True
    assert fast.issues == slow.issues
    probes = [*paths(slow.data), ("nowhere",), (0, "x", 7), ("a", 99)]
    for path in probes:
        assert fast.positions.line_of(path) == slow.positions.line_of(path), path
        assert fast.positions.value_line(path) == slow.positions.value_line(path), path


@pytest.mark.parametrize("text", SAME)
def test_the_fast_path_reads_what_the_node_walk_reads(text: str) -> None:
    fast = parse_fast(text)
    assert fast is not None
    assert_same(fast, parse_nodes(text))


@pytest.mark.parametrize("text", GIVES_UP)
def test_what_the_fast_path_does_not_reproduce_is_left_to_the_node_walk(text: str) -> None:
    assert parse_fast(text) is None
    assert_same(parse(text), parse_nodes(text))


def test_a_large_estate_file_reads_the_same_both_ways() -> None:
    rooms = [
        f"  room-{i}:\n    prune: true\n    administrators: [a{i}@x.io]\n    members:\n"
        + "".join(f"    - user-{j}@example.com\n" for j in range(30))
        for i in range(50)
    ]
    text = "rooms:\n" + "".join(rooms)
    fast = parse_fast(text)
    assert fast is not None
    assert_same(fast, parse_nodes(text))
    assert fast.positions.value_line(("rooms", "room-49", "members", 29)) == text.count("\n")
