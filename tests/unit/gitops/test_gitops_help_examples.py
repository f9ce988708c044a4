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
