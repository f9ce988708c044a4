"""``render/safe.py`` leaves no GitHub workflow command in what it shows, and JSON and
YAML keep the exact values (QA-HD Q-HD-1)."""

from __future__ import annotations

import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

from reconciler.render.safe import json_text, md_inline, shown
from reconciler.yaml_scalar import scalar

NAMES = ["x ##[error]hook", "::error::room", "  ::warning::r", "###[##[x", "\\##[", "a::b"]


def command(line: str) -> bool:
    """Whether GitHub's runner reads ``line`` as a workflow command."""
    return "##[" in line or line.lstrip().startswith("::")


def test_shown_names_are_no_workflow_commands_and_plain_ones_unchanged() -> None:
    assert shown("x ##[error]hook") == "x ##\\[error]hook"
    assert shown("::error::room") == ":\\:error::room"
    assert shown("a::b") == "a::b"  # only at the start
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
