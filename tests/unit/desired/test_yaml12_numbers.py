"""Numbers are read as YAML 1.2 reads them, as an editor and the JSON Schema do (QA-EW
Q-EW-1): ``017`` is 17 (not octal 15), ``1e3`` is 1000, and ``1:30``, ``0b11`` and
``1_0`` are text (not 90, 3 and 10), in the desired-state files and in an emulator seed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli
from reconciler.desired import yamlpos
from reconciler.desired.loader import load_desired
from reconciler.desired.written import WrittenFloat
from reconciler.desired.written_number import SpelledFloat, WrittenInt
from reconciler.desired.yaml12 import constructor
from reconciler.desired.yamlfast import parse_fast

ACCOUNT = "11111111-2222-3333-4444-555555555555"
VALID = "Desired state is valid: 0 targets, 0 memberships in 1 file."


def validate(root: Path, text: str) -> Any:
    (root / "settings.yaml").write_text(f"account: {ACCOUNT}\nsafety:\n  max_removals: {text}\n")
    return CliRunner().invoke(cli, ["--desired", str(root), "validate"], catch_exceptions=False)


@pytest.mark.parametrize(
    ("text", "read"),
    [("1e3", 1000), ("1.0e3", 1000), ("017", 17), ("010", 10), ("0o17", 15), ("0x1F", 31)],
)
def test_a_number_an_editor_reads_is_that_number(tmp_path: Path, text: str, read: int) -> None:
    result = validate(tmp_path, text)
    assert (result.exit_code, result.stdout.splitlines(), result.stderr) == (0, [VALID], "")
    assert load_desired(tmp_path).safety.max_removals == read


@pytest.mark.parametrize("text", ["1:30", "0b11", "1_0", "1_000", "0x_1F"])
def test_a_yaml_1_1_number_is_text_as_to_an_editor(tmp_path: Path, text: str) -> None:
    result = validate(tmp_path, text)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{tmp_path}/settings.yaml:3: safety.max_removals: expected a whole number, "
        f"got the string '{text}'",
        "Desired state is invalid: 1 error.",
    ]


SPELLINGS = [  # YAML text, what YAML 1.2's core schema reads it as
    ("017", 17),
    ("-017", -17),
    ("0o17", 15),
    ("0x1f", 31),
    ("1e3", 1000.0),
    ("1.5E-1", 0.15),
    ("1.", 1.0),
    (".5", 0.5),
    ("+.inf", float("inf")),
    ("-.Inf", float("-inf")),
    ("1:30", "1:30"),
    ("0b11", "0b11"),
    ("1_0", "1_0"),
    ("1.5e+", "1.5e+"),
    ("0o8", "0o8"),
    ("+0x1", "+0x1"),
    ("yes", True),  # booleans, nulls and dates are read as before (YAML 1.1)
    ("~", None),
]


@pytest.mark.parametrize(("text", "value"), SPELLINGS)
def test_both_reading_paths_read_yaml_1_2_numbers(text: str, value: Any) -> None:
    document = f"a: {text}\nb: [{text}]\n"
    fast = parse_fast(document)
    nodes = yamlpos.parse_nodes(document)
    assert fast is not None
    assert fast.data == nodes.data == {"a": value, "b": [value]}
    # a number that is not finite keeps its text, for messages (QA-LD Q-LD-2), and so
    # does one written in another form than Python prints it (QA-GV Q-GV-10: 0x1f, 1e3)
    written: tuple[type, ...] = (WrittenInt, SpelledFloat)
    if isinstance(value, float) and math.isinf(value):
        written = (WrittenFloat,)
    if str(value) == text.strip():
        written = ()
    assert type(fast.data["a"]) in (type(value), *written)
    assert type(nodes.data["a"]) in (type(value), *written)


def test_an_emulator_seed_reads_numbers_as_yaml_1_2() -> None:
    node = yamlpos.compose("a: 017\nb: 1:30\nc: 1e3\n")  # as the seed reads its text
    assert constructor().construct_document(node) == {"a": 17, "b": "1:30", "c": 1000.0}
