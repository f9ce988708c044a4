"""``render/safe.py`` leaves no GitHub workflow command in what it shows, and JSON and
YAML keep the exact values (QA-HD Q-HD-1)."""

from __future__ import annotations

import json

import yaml
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reconciler.render.safe import json_text, md_inline, shown
from reconciler.render.text import wrap_hanging
from reconciler.yaml_scalar import scalar

NAMES = ["x ##[error]hook", "::error::room", "  ::warning::r", "###[##[x", "\\##[", "a::b"]


def command(line: str) -> bool:
    """Whether GitHub's runner reads ``line`` as a workflow command: ``##[`` anywhere, or
    ``::cmd::`` at its start (after white space), closed by a ``::`` from the third
    character on (the runner's ``IndexOf("::", 2)``)."""
    text = line.lstrip()
    return "##[" in line or (text.startswith("::") and "::" in text[2:])


def test_shown_names_are_no_workflow_commands_and_plain_ones_unchanged() -> None:
    assert shown("x ##[error]hook") == "x ##\\[error]hook"
    assert shown("::error::room") == ":\\:error::room"
    assert shown("x ::error::room") == "x :\\:error::room"  # a wrapped line's start
    assert shown("a::b") == "a::b"  # no command follows it
    assert shown("http://[::1]:8642/") == "http://[::1]:8642/"
    for name in NAMES:
        assert not command(shown(name))
        assert not command(md_inline(name))


def test_json_and_yaml_keep_the_value_without_a_workflow_command() -> None:
    for name in NAMES:
        rendered = json_text(json.dumps({"name": name}, ensure_ascii=False))
        assert not command(rendered) and json.loads(rendered) == {"name": name}
        written = scalar(name)
        assert not command(f"  {written}:  # id r1")
        assert yaml.safe_load(f"{written}: 1") == {name: 1}


@given(st.text(alphabet="#[:] \\ax", max_size=12))
def test_no_text_of_hashes_brackets_and_colons_shows_as_a_command(name: str) -> None:
    assert not command(shown(name))
    assert not command(json_text(json.dumps(name)))
    assert yaml.safe_load(f"k: {scalar(name)}")["k"] == name
    assert "##[" not in scalar(name)


def test_a_name_wrapped_at_a_space_starts_no_line_with_a_command() -> None:
    """The plan and audit renderers wrap at spaces on a terminal; the piece after the
    space starts a line with only indentation before it (QA REREAD 10)."""
    pieces = wrap_hanging(Text("  ROOM: " + shown("alice-team ::error::pwned")), 20)
    assert len(pieces) > 1
    assert not any(command(p.plain) for p in pieces)


def wrapped_lines(name: str, width: int) -> list[str]:
    """``name`` shown, as ``wrap_hanging`` and the audit table's folded first column
    (no left edge) print it ``width`` columns wide."""
    lines = [p.plain for p in wrap_hanging(Text("  ROOM: " + shown(name)), width)]
    console = Console(width=width + 8, color_system=None, record=True)
    table = Table(show_edge=False)
    table.add_column("ROOM", overflow="fold")
    table.add_column("X", no_wrap=True)
    table.add_row(Text(shown(name)), "x" * 8)
    with console.capture() as captured:
        console.print(table)
    return lines + captured.get().splitlines()


@given(st.text(alphabet="#[:] \\ax", max_size=24), st.integers(min_value=3, max_value=12))
def test_no_wrapping_of_a_shown_name_makes_a_command(name: str, width: int) -> None:
    assert not any(command(line) for line in wrapped_lines(name, width))
