"""`chime-reconciler show FILE`: a saved plan rendered as `plan` rendered it, without any
AWS call; a file that is not a plan is an error message, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

Calls = Callable[[], dict[str, int]]


@pytest.fixture
def saved(ops: Any, cli: Any, workdir: Path) -> Path:
    run = cli("plan", "--out", "p.json")
    assert run.exit_code == 0
    ops.emulator.reset_calls()
    return workdir / "p.json"


def test_show_renders_a_saved_plan_as_plan_did(
    ops: Any, cli: Any, saved: Path, calls: Calls
) -> None:
    run = cli("show", "p.json")
    assert (run.exit_code, run.lines, run.stderr) == (0, ops.plan, "")
    assert calls() == {}


def test_show_verbose_keeps_the_provenance_of_each_change(ops: Any, cli: Any, saved: Path) -> None:
    shown = cli("-v", "show", "p.json")
    planned = cli("-v", "plan")
    assert shown.lines == planned.lines
    assert "      declared at desired-state/rooms.yaml:4 as Administrator" in shown.lines


def test_show_json_is_the_saved_plan_and_what_plan_prints(ops: Any, cli: Any, saved: Path) -> None:
    run = cli("show", "p.json", "--format", "json")
    assert run.exit_code == 0
    document = json.loads(saved.read_text(encoding="utf-8"))
    # issue 15: the file also records where the plan was made, for apply FILE
    assert document.pop("origin")["desired"] == str(saved.parent / "desired-state")
    assert json.loads(run.stdout) == document
    assert run.stdout == cli("plan", "--format", "json").stdout


def test_show_markdown_is_what_plan_prints(ops: Any, cli: Any, saved: Path) -> None:
    run = cli("show", "p.json", "--format", "markdown")
    assert run.exit_code == 0
    assert run.stdout == cli("plan", "--format", "markdown").stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"format_version": "1", "summary": ',
            "not a plan file (invalid JSON at line 1, column 36)",
        ),
        ("[]", "not a chime-reconciler plan (no format_version)"),
        (
            '{"format_version": "0"}',
            "format_version '0' is not supported; this chime-reconciler reads version '1' "
            "or '2' (make the plan again with this version)",
        ),
    ],
    ids=["truncated", "not-a-plan", "other-version"],
)
def test_show_corrupt_file_is_an_error_without_traceback(
    cli: Any, workdir: Path, content: str, message: str
) -> None:
    (workdir / "p.json").write_text(content, encoding="utf-8")
    run = cli("show", "p.json")
    assert run.stdout == ""
    assert run.err_lines == [f"Error: Cannot use the saved plan p.json: {message}"]
    assert run.exit_code == 1


def test_show_corrupt_change_names_where_in_the_file(cli: Any, saved: Path) -> None:
    doc = json.loads(saved.read_text(encoding="utf-8"))
    doc["targets"][0]["changes"][2]["action"] = "rename"
    saved.write_text(json.dumps(doc), encoding="utf-8")
    run = cli("show", "p.json")
    assert run.err_lines == [
        "Error: Cannot use the saved plan p.json: the file is corrupt: "
        'targets[0].changes[2].action: expected one of create, update, delete, got "rename"'
    ]
    assert run.exit_code == 1
