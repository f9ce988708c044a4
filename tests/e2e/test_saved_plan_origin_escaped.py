"""QA CZ Q-CZ-9: what a saved plan records is the file's text, anyone's to edit: a line
break in its ``desired`` split the refusal into two ``Error:`` lines, the second one
written by the file. It is one line, the break escaped, as an escape character was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def test_a_line_break_in_the_recorded_directory_stays_in_one_escaped_line(
    ops: Any, cli: Any, workdir: Path
) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["desired"] = "/tmp/x\nError: Apply complete!\x1b[2J"
    (workdir / "p.json").write_text(json.dumps(data))
    run = cli.raw("--endpoint-url", cli.endpoint_url, "apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: p.json was made with --desired /tmp/x\\nError: Apply complete!\\x1b[2J, which "
        "is not a directory here; give --desired DIR: the directory the plan was made from"
    ]


def test_a_recorded_directory_used_is_named_escaped(ops: Any, cli: Any, workdir: Path) -> None:
    made = cli("plan", "--out", "p.json")
    assert made.exit_code == 0, made.stderr
    odd = workdir / "desired\nstate"
    (workdir / "desired-state").rename(odd)
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["desired"] = str(odd)
    (workdir / "p.json").write_text(json.dumps(data))
    run = cli.raw("--endpoint-url", cli.endpoint_url, "apply", "p.json")
    assert run.err_lines[0] == (
        "Using the saved plan's --desired desired\\nstate (give the option to override)."
    )


def test_a_line_break_in_the_recorded_region_stays_in_one_escaped_line(
    ops: Any, cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA DM Q-DM-3: botocore's refusal quotes the region: its line break split the
    error into two ``Error:`` lines, the second the file's text."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    assert cli("plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["region"] = "us-east-1\nApply complete! Memberships: 0 added."
    (workdir / "p.json").write_text(json.dumps(data))
    run = cli.raw("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert len(run.err_lines) == 2, run.err_lines
    assert run.err_lines[1].startswith(
        "Error: check --endpoint-url and --region: Provided region_name 'us-east-1\\nApply "
        "complete! Memberships: 0 added.'"
    )


def test_a_line_break_in_region_on_the_command_line_stays_in_one_line(cli: Any) -> None:
    run = cli.raw(
        "--endpoint-url", cli.endpoint_url, "--region", "us-east-1\nError: x", "audit", "a@b.c"
    )
    errors = [line for line in run.err_lines if line.startswith("Error:")]
    assert (run.exit_code, len(errors)) == (1, 1), run.err_lines
    assert "--region: Provided region_name 'us-east-1\\nError: x'" in errors[0]


def test_a_line_break_in_the_current_directory_stays_in_one_escaped_line(
    ops: Any, cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA DM Q-DM-3: the ``(from CWD)`` part and the plan's name were not escaped."""
    assert cli("plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["desired"] = "no-such-dir"
    odd = workdir / "nl\nError: Apply complete!"
    odd.mkdir()
    (odd / "r\n.json").write_text(json.dumps(data))
    monkeypatch.chdir(odd)
    run = cli.raw("--endpoint-url", cli.endpoint_url, "apply", "r\n.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: r\\n.json was made with --desired no-such-dir, which is not a directory here "
        f"(from {workdir}/nl\\nError: Apply complete!); give --desired DIR: the directory the "
        "plan was made from"
    ]


def test_a_line_break_in_the_recorded_endpoint_is_refused_before_it_is_announced(
    ops: Any, cli: Any, workdir: Path
) -> None:
    """QA DM Q-DM-4: the note named the URL reparsed (the line break dropped), the error
    below it the URL recorded: two different URLs. The recorded one is checked first."""
    assert cli("plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["endpoint_url"] = cli.endpoint_url + "/\nApply complete!"
    (workdir / "p.json").write_text(json.dumps(data))
    ops.emulator.reset_calls()
    run = cli.raw("--desired", "desired-state", "apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: --endpoint-url {cli.endpoint_url}/\\nApply complete!: it holds '\\n', ' ', "
        "white space or a control character: give the URL without it"
    ]
    assert ops.emulator.calls() == {}
