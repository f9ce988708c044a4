"""Attacks through a saved plan's JSON: nesting deeper than Python recurses, integers
beyond Python's digit limit, lone surrogates. Each is a clear refusal, never an internal
error, from `show` and `apply` alike."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_planfile import sample_plan

from reconciler.cli.main import cli
from reconciler.plan import RemovalLimit
from reconciler.planfile import PlanFileError, load_plan, save_plan
from reconciler.shard import Shard
from reconciler.typed_number import MAX_DIGITS


def refusal(path: Path) -> str:
    with pytest.raises(PlanFileError) as info:
        load_plan(path)
    return str(info.value)


@pytest.mark.parametrize("depth", [65, 995, 100_000])
def test_a_plan_nested_deeper_than_python_recurses_is_refused(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1", "rooms": ' + "[" * depth + "]" * depth + "}")
    # one message at every depth, whichever Python (3.12's json recurses deeper than
    # 3.11's: Q-AG-1): past 64 it is refused, by the depth check or by json itself
    reason = "JSON nested more than 64 deep"
    assert refusal(path) == f"Cannot use the saved plan {path}: not a plan file ({reason})"


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "9" * 4301, "1" * 101])
def test_a_plan_with_an_integer_beyond_the_digit_limit_is_refused(
    tmp_path: Path, number: str
) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1", "summary": {"add": ' + number + "}}")
    digits = len(number.lstrip("-"))
    assert refusal(path) == (
        f"Cannot use the saved plan {path}: not a plan file (a number of {digits:,} digits)"
    )


def test_the_largest_whole_number_validate_takes_is_read_back_from_a_saved_plan(
    tmp_path: Path,
) -> None:
    """QA-GV Q-GV-1: the plan reader reads back every number the loader takes (a shard's
    ``max_removals`` of 100 digits), and the loader takes none it would refuse."""
    largest = int("9" * MAX_DIGITS)
    p = dataclasses.replace(
        sample_plan(), shard=Shard(1, 2), removal_limit=RemovalLimit(largest, frozenset())
    )
    assert load_plan(save_plan(p, tmp_path / "plan.json")) == p


def test_a_plan_whose_member_has_a_lone_surrogate_is_refused(tmp_path: Path) -> None:
    path = save_plan(sample_plan(), tmp_path / "plan.json")
    data = json.loads(path.read_text())
    data["targets"][0]["changes"][0]["member"] = "alice\ud800@example.com"
    path.write_text(json.dumps(data))  # ensure_ascii: written as \ud800
    assert "\\ud800" in path.read_text()
    assert refusal(path) == (
        f"Cannot use the saved plan {path}: not a plan file (targets[0].changes[0].member "
        "contains \\ud800, half of a UTF-16 pair and not a character)"
    )


def test_a_plan_with_a_surrogate_pair_escape_is_one_character_and_accepted(
    tmp_path: Path,
) -> None:
    path = save_plan(sample_plan(), tmp_path / "plan.json")
    data = json.loads(path.read_text())
    change = data["targets"][0]["changes"][0]
    change["member"] = change["member_key"] = "alice\U0001f600@example.com"
    path.write_text(json.dumps(data))
    assert load_plan(path).targets[0].changes[0].member.display == "alice\U0001f600@example.com"


@pytest.mark.parametrize("command", [["show"], ["apply"]])
def test_hostile_plan_files_never_cause_an_internal_error(
    tmp_path: Path, command: list[str]
) -> None:
    files = {
        "deep.json": '{"format_version": "1", "rooms": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "bigint.json": '{"format_version": ' + "9" * 5000 + "}",
        "surrogate.json": '{"format_version": "1", "rooms": [{"name": "\\udc80"}]}',
    }
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "r.yaml").write_text("rooms: {ops: {account: a}}\n")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        result = CliRunner().invoke(
            cli, ["--desired", str(tmp_path / "ds"), *command, str(tmp_path / name)]
        )
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith(f"Error: Cannot use the saved plan {tmp_path / name}: ")
        assert "Internal error" not in result.output
