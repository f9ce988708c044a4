"""QA CZ Q-CZ-10: ``apply`` that would ask, with stdin closed (``<&-``: Python makes
``sys.stdin`` None), gave "Internal error ... AttributeError: 'NoneType' object has no
attribute 'isatty'". It refuses as with any stdin that is not a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from conftest import SUBPROCESS_TIMEOUT

pytestmark = pytest.mark.e2e


def test_apply_with_stdin_closed_refuses_as_without_a_terminal(ops: Any, cli: Any) -> None:
    before = ops.emulator.state()
    closed = ["sh", "-c", 'exec "$@" <&-', "sh"]  # `chime-reconciler apply <&-`
    done = subprocess.run(
        [*closed, sys.executable, "-m", "reconciler", *cli.argv(["apply"])],
        cwd=cli.workdir,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert done.stdout.splitlines()[: len(ops.plan)] == ops.plan
    assert (done.returncode, done.stderr.splitlines()) == (
        1,
        [
            "Error: apply needs confirmation but stdin is not a terminal; run with "
            "--auto-approve, or apply a saved plan file"
        ],
    )
    assert ops.emulator.state() == before
