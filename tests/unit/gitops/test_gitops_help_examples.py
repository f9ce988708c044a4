"""The help of ``chime-reconciler gitops`` and its sub-commands teaches the command the
user asked help for: every example can be pasted wherever the tool is installed (pipx, a
venv not activated), where ``python -m reconciler.gitops`` finds no module (Q-CK-1)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli


def _examples(help_text: str) -> list[str]:
    """The example command lines: the lines under an ``Example`` heading."""
    lines: list[str] = []
    under = False
    for line in help_text.splitlines():
        if line.strip().startswith("Example"):
            under = True
        elif not line.strip() or not line.startswith("  "):
            under = False
        elif under and not line.startswith("      "):
            lines.append(line.strip())
    return lines


@pytest.mark.parametrize("words", [(), ("pr-comment",), ("drift",), ("apply-check",)])
def test_gitops_help_examples_use_the_installed_command(words: tuple[str, ...]) -> None:
    done = CliRunner().invoke(cli, ["gitops", *words, "--help"], prog_name="chime-reconciler")

    assert done.exit_code == 0
    examples = _examples(done.output)
    assert examples
    assert all(line.startswith("chime-reconciler gitops ") for line in examples), examples
    assert "python -m" not in done.output


def test_drift_help_names_an_apply_that_ended_during_the_check_too() -> None:
    # apply_runs.check_apply_during also leaves the issue alone for a run that ended
    # since (one approved after waiting for reviewers keeps its old start): so says help
    done = CliRunner().invoke(cli, ["gitops", "drift", "--help"], prog_name="chime-reconciler")

    assert done.exit_code == 0
    text = " ".join(done.output.split())
    when = "is in progress, or was created or started, or ended, since this run (GITHUB_RUN_ID)"
    assert text.count(when) == 2  # the command's help and --apply-workflow's
