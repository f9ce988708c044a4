"""Global options may come before or after the command, ``gitops`` and its sub-commands
included (Q-CK-2): after ``gitops`` or after ``gitops drift`` they mean what they mean
before it, where they were refused with ``No such option '--no-color'``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli

DRIFT = ("drift", "--exit-code", "3")  # refused before any GitHub call: no token needed


def _run(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, list(args), prog_name="chime-reconciler")
    return done.exit_code, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("gitops", *DRIFT, "--no-color"),
        ("gitops", "--no-color", *DRIFT),
        ("gitops", *DRIFT, "-v"),
        ("gitops", "-v", *DRIFT, "--no-color"),
    ],
)
def test_global_options_after_gitops_mean_what_they_mean_before_it(
    args: tuple[str, ...],
) -> None:
    before = _run("--no-color", "-v", "gitops", *DRIFT)

    assert _run(*args) == before
    assert before[0] == 1
    assert "the plan exited 3" in before[1]


def test_an_option_of_another_command_after_gitops_drift_names_the_command() -> None:
    code, err = _run("gitops", *DRIFT, "--auto-approve")

    assert code == 1
    assert "--auto-approve is an option of apply; gitops drift has no --auto-approve" in err
