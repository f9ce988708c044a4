"""``hidden_break`` finds the characters only YAML 1.1 reads as line breaks as before, and a
text without one is not scanned by the regex at all (a plan's start: a file of 20,000
members took 2-10 ms of it)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from reconciler.desired import editor_lines
from reconciler.desired.editor_lines import YAML_ONLY_BREAKS, hidden_break

BREAKS = list(YAML_ONLY_BREAKS)


def by_regex(text: str) -> tuple[int, str] | None:
    """What hidden_break said before: the regex's scan, always."""
    scan = re.compile("[" + "".join(BREAKS) + "]")
    found = scan.search(text)
    if found is None:
        return None
    return editor_lines.line_at(text, found.start()), found.group()


TEXTS = [
    "",
    "rooms:\n  a:\n    members: [x@example.com]\n",
    "caf\u00e9: \u00e9l\u00e8ve\n",  # latin-1, no break
    "\u00e9\u20ac\n",  # wider than latin-1, no break
    *(f"a: 1\n# {b}\nb: 2\n" for b in BREAKS),
    *(f"{b}" for b in BREAKS),
    "x\r\ny\x85z\u2028w\u2029\n",
    "\u20ac\x85\u2029",
]


@pytest.mark.parametrize("text", TEXTS)
def test_found_as_by_the_regex(text: str) -> None:
    got = hidden_break(text)
    want = by_regex(text)
    if want is None:
        assert got is None
    else:
        assert got is not None
        line, char = want
        assert got.line == line
        assert got.message.startswith(f"U+{ord(char):04X} {YAML_ONLY_BREAKS[char]} in this line")


def test_a_text_without_one_is_not_scanned_by_the_regex(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoScan:
        def search(self, *_: Any) -> None:
            raise AssertionError("scanned by the regex")

        def findall(self, *_: Any) -> None:
            raise AssertionError("scanned by the regex")

    monkeypatch.setattr(editor_lines, "_YAML_ONLY", NoScan())
    text = "rooms:\n" + "".join(f"  r{i}:\n    members: [u{i}@example.com]\n" for i in range(500))
    assert hidden_break(text) is None
    assert hidden_break(text + "\u00e9\u20ac") is None
