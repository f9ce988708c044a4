"""One problem, one wording, whichever command meets it (Q-CK-4): a saved plan that is a
folder, a seed file that is missing, an unknown option, an option without its value, an
output file whose folder is missing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e


def _err(cli: Any, *args: str) -> tuple[int, list[str]]:
    run = cli.raw(*args)
    return run.exit_code, run.err_lines


def test_a_saved_plan_that_is_a_folder_is_said_alike(cli: Any, workdir: Path) -> None:
    said = "Error: Cannot use the saved plan shelf: it is a directory, not a file"
    (workdir / "shelf").mkdir()

    assert _err(cli, "show", "shelf") == (1, [said])
    assert _err(cli, "apply", "shelf") == (1, [said])


def test_a_missing_seed_file_is_said_alike(cli: Any, workdir: Path) -> None:
    said = "Error: missing.yaml: cannot read seed file: No such file or directory"
    (workdir / "desired").mkdir()

    assert _err(cli, "emulator", "--seed", "missing.yaml") == (1, [said])
    assert _err(cli, "--desired", "desired", "demo", "--seed", "missing.yaml") == (1, [said])


USAGE = ["Usage: chime-reconciler plan [OPTIONS]", "Try 'chime-reconciler plan --help' for help."]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--bogus",), "Error: No such option '--bogus'."),
        (("-json",), "Error: No such option '-json'. (A Terraform option: use --format json.)"),
        (("--format", "yaml"), "Error: Invalid value for '--format': "),
        (("--target",), "Error: Option '--target' requires an argument."),
        (("--desired",), "Error: Option '--desired' requires an argument."),
    ],
)
def test_a_bad_option_of_plan_gets_its_usage_lines(
    cli: Any, args: tuple[str, ...], said: str
) -> None:
    code, lines = _err(cli, "plan", *args)

    assert (code, lines[:2], lines[2]) == (1, USAGE, "")
    assert lines[-1].startswith(said)


def test_an_output_file_in_a_missing_folder_is_said_alike(cli: Any) -> None:
    _, plan = _err(cli, "plan", "--out", "nodir/p.json")
    _, apply = _err(cli, "apply", "--auto-approve", "--out", "nodir/r.json")

    assert plan == ["Error: cannot save the plan to nodir/p.json: no such folder: nodir"]
    assert apply == [
        "Error: cannot write the apply result to nodir/r.json: no such folder: nodir; "
        "nothing was applied"
    ]
