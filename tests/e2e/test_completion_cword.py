"""``COMP_CWORD`` (README's table of variables: "the line being completed, set by the
completion script") that is no word's index (QA-GV Q-GV-13): ``x`` or empty was an
internal error, and ``٨`` (an Arabic-Indic eight) completed as if the cursor were at word
8. Only a broken or hand-made script passes one: now nothing is completed, exit 0, as
the command line's numbers are read (ASCII digits only: QA-LE Q-LE-4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def complete(shell: str, cword: str | None, workdir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COMP_WORDS": "chime-reconciler pl"}
    env["_CHIME_RECONCILER_COMPLETE"] = f"{shell}_complete"
    env.pop("COMP_CWORD", None)
    if cword is not None:
        env["COMP_CWORD"] = cword
    return subprocess.run(
        [sys.executable, "-m", "reconciler"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@pytest.mark.parametrize("cword", ["x", "", "\u0668", "-1", "1_0", None])
def test_a_cword_that_is_no_index_completes_nothing(
    shell: str, cword: str | None, workdir: Path
) -> None:
    done = complete(shell, cword, workdir)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == ""


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_a_cword_of_ascii_digits_still_completes(shell: str, workdir: Path) -> None:
    done = complete(shell, "1", workdir)
    assert (done.returncode, done.stderr) == (0, "")
    assert {"plain,plan", "plan"} & set(done.stdout.splitlines())
