"""What a saved plan's origin records of the run (QA3): the endpoint URL never with its
user, password or query values (Q2: the file is uploaded as a CI artifact), and the
--desired directory as an absolute path, so that `apply FILE` from another directory
reads the directory the plan was made from (Q19)."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

APPLIED = "Apply complete! Memberships: 3 added, 1 changed, 1 removed."


def secret_url(cli: Any) -> str:
    # no ?token=: an endpoint URL with a query is refused (test_endpoint_url_query.py)
    host = cli.endpoint_url.removeprefix("http://")
    return f"http://user:s3cr3t@{host}/"


def test_an_endpoint_url_with_secrets_is_stored_and_printed_masked(
    ops: Any, cli: Any, workdir: Path
) -> None:
    url = secret_url(cli)
    masked = url.replace("user:s3cr3t", "***")
    made = cli.raw("--endpoint-url", url, "plan", "--out", "p.json")
    assert made.exit_code == 0, made.stderr
    assert made.err_lines == [
        "Saved the plan to p.json. Apply exactly this plan with:",
        f"  chime-reconciler --endpoint-url {shlex.quote(masked)} apply p.json",
        "(with your --endpoint-url in full: its user, password and query values are never "
        "printed, nor stored in the plan file)",
    ]
    text = (workdir / "p.json").read_text()
    assert "s3cr3t" not in text
    assert json.loads(text)["origin"]["endpoint_url"] == masked


def test_apply_file_asks_for_the_endpoint_url_its_plan_does_not_store(ops: Any, cli: Any) -> None:
    url = secret_url(cli)
    assert cli.raw("--endpoint-url", url, "plan", "--out", "p.json").exit_code == 0
    before = ops.emulator.state()
    refused = cli.raw("apply", "p.json")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.err_lines == [
        f"Error: p.json was made against --endpoint-url "
        f"{url.replace('user:s3cr3t', '***')}, whose user, "
        "password and query values a plan file never stores; give --endpoint-url to apply it"
    ]
    assert ops.emulator.state() == before
    applied = cli.raw("--endpoint-url", url, "apply", "p.json")  # as the note says
    assert (applied.exit_code, applied.lines[-1]) == (0, APPLIED), applied.stdout + applied.stderr
    assert "s3cr3t" not in applied.stdout + applied.stderr


def test_a_plain_endpoint_url_is_stored_as_given(ops: Any, cli: Any, workdir: Path) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    origin = json.loads((workdir / "p.json").read_text())["origin"]
    assert origin["endpoint_url"] == cli.endpoint_url


def test_apply_file_from_another_directory_reads_the_directory_the_plan_was_made_from(
    ops: Any, cli: Any, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = cli("plan", "--out", "p.json")  # --desired desired-state, relative
    assert made.exit_code == 0, made.stderr
    elsewhere = workdir / "elsewhere"
    (elsewhere / "desired-state").mkdir(parents=True)  # another, empty directory of that name
    monkeypatch.chdir(elsewhere)
    run = cli.raw("apply", str(workdir / "p.json"))
    assert run.err_lines[0] == (
        f"Using the saved plan's --desired {workdir / 'desired-state'}, --endpoint-url "
        f"{cli.endpoint_url} (give the option to override)."
    )
    assert (run.exit_code, run.lines[-1]) == (0, APPLIED), run.stderr


def test_a_recorded_desired_directory_that_is_not_here_is_named_before_any_call(
    ops: Any, cli: Any, workdir: Path
) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    os.rename(workdir / "desired-state", workdir / "moved")
    ops.emulator.reset_calls()
    run = cli.raw("--endpoint-url", cli.endpoint_url, "apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: p.json was made with --desired {workdir / 'desired-state'}, which is not a "
        "directory here; give --desired DIR: the directory the plan was made from"
    ]
    assert ops.emulator.calls() == {}


def test_a_corrupt_origin_is_refused_not_read_as_none(ops: Any, cli: Any, workdir: Path) -> None:
    # QA5 Q5-12: `"origin": {"desired": 5}` was dropped silently: apply read ./desired-state
    # (here: another directory's) and said its desired state was invalid
    assert cli("plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["desired"] = 5
    (workdir / "p.json").write_text(json.dumps(data))
    before = ops.emulator.state()
    for command in (("apply", "p.json"), ("show", "p.json")):
        run = cli.raw(*command)
        assert (run.exit_code, run.stdout) == (1, ""), run.stdout + run.stderr
        assert run.err_lines == [
            "Error: Cannot use the saved plan p.json: the file is corrupt: origin.desired: "
            "expected a string, got 5"
        ]
    assert ops.emulator.state() == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "no such file"),
        (
            '{"format_version": "2", "summary": {\n',
            "not a plan file (invalid JSON at line 2, column 1)",
        ),
        ("{}\n", "not a chime-reconciler plan (no format_version)"),
    ],
)
def test_apply_of_an_unusable_plan_file_outside_the_repository_names_the_file(
    ops: Any,
    cli: Any,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    content: str | None,
    reason: str,
) -> None:
    # Q-I-2: with no ./desired-state here, apply said the desired state was invalid instead
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    if content is not None:
        (elsewhere / "p.json").write_text(content)
    monkeypatch.chdir(elsewhere)
    ops.emulator.reset_calls()
    for command in ("apply", "show"):
        run = cli.raw(command, "p.json")
        assert (run.exit_code, run.stdout) == (1, "")
        assert run.err_lines == [f"Error: Cannot use the saved plan p.json: {reason}"]
    assert ops.emulator.calls() == {}
