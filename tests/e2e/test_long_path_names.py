"""QA CZ Q-CZ-8: a path with a component over 255 bytes (``--desired``, or the directory a
saved plan records) gave "Internal error ... OSError: [Errno 36] File name too long":
Python's ``Path.exists()`` raises for it where it says False for a missing one. It is now
what a missing directory is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

TOO_LONG = "e" * 256


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["codeowners", "--check"]])
def test_a_desired_directory_name_too_long_is_no_desired_state_found(
    ops: Any, cli: Any, command: list[str]
) -> None:
    run = cli.raw("--endpoint-url", cli.endpoint_url, "--desired", TOO_LONG, *command)
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            f"no desired-state files found in {TOO_LONG} (File name too long)",
            "Desired state is invalid: 1 error.",
        ],
    )


def test_audit_with_a_desired_directory_name_too_long_declares_nothing(ops: Any, cli: Any) -> None:
    run = cli.raw(
        "--endpoint-url", cli.endpoint_url, "--desired", TOO_LONG, "audit", "bob@example.com"
    )
    assert run.exit_code == 0, run.stderr
    assert any("incident" in line and "Administrator" in line for line in run.lines)


def test_import_with_a_desired_directory_name_too_long_imports(ops: Any, cli: Any) -> None:
    run = cli.raw("--endpoint-url", cli.endpoint_url, "--desired", TOO_LONG, "import")
    assert run.exit_code == 0, run.stderr
    assert "rooms:" in run.lines


def test_a_saved_plan_recording_a_directory_name_too_long_is_not_a_directory_here(
    ops: Any, cli: Any, workdir: Path
) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["desired"] = "/" + "d" * 5000
    (workdir / "p.json").write_text(json.dumps(data))
    ops.emulator.reset_calls()
    run = cli.raw("--endpoint-url", cli.endpoint_url, "apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: p.json was made with --desired /{'d' * 5000}, which is not a directory "
        "here; give --desired DIR: the directory the plan was made from"
    ]
    assert ops.emulator.calls() == {}


@pytest.mark.parametrize(
    ("options", "out"),
    [
        ([], TOO_LONG),  # rooms and channels
        (["--room", "incident"], TOO_LONG),  # rooms only
        ([], f"{TOO_LONG}/x"),
    ],
)
def test_import_out_with_a_name_too_long_cannot_write(
    ops: Any, cli: Any, workdir: Path, options: list[str], out: str
) -> None:
    """QA DM Q-DM-1: ``import --out DIR`` with a component over 255 bytes was "Internal
    error ... OSError: [Errno 36] File name too long"."""
    run = cli("import", *options, "--out", out)
    assert (run.exit_code, run.stdout) == (1, "")
    assert len(run.err_lines) == 1
    assert run.err_lines[0].startswith(f"Error: cannot write {out}/")
    assert run.err_lines[0].endswith(": File name too long; nothing was written")
    assert list(workdir.iterdir()) == [workdir / "desired-state"]
