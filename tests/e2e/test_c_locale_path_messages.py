"""QA HK: in a C locale without UTF-8 mode (``LC_ALL=C PYTHONUTF8=0``) a path typed with
a non-ASCII letter is held in the system's form (lone surrogates), and messages built
from it named it so: ``n\\udcc3\\udcb6.json``, a command to paste naming a folder that does
not exist. Every path is named as typed, as the UTF-8 locale names it."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SUBPROCESS_TIMEOUT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def run(emulator: EmulatorServer, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a C locale; stdout and stderr as UTF-8 (PYTHONIOENCODING, as the
    README's refusal of what ASCII cannot hold tells a user to set)."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON"))}
    env = kept | {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "reconciler", "--endpoint-url", emulator.url, *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
        encoding="utf-8",
        errors="backslashreplace",
    )


@pytest.fixture
def ops(emulator: EmulatorServer, workdir: Path) -> EmulatorServer:
    emulator.reset(seed_doc(users=("alice", "bob"), rooms={"ops": [("alice", "Administrator")]}))
    return emulator


def test_import_out_names_its_folder_as_typed_and_the_next_command_plans_it(
    ops: EmulatorServer, workdir: Path
) -> None:
    """Q-HK-10: the report and ``Next:`` named ``HK-imC\\udcc3\\udca9``; the output could
    not be written even with PYTHONIOENCODING=utf-8, and the command pasted found no
    such folder."""
    (workdir / "settings.yaml").unlink(missing_ok=True)
    done = run(ops, workdir, "import", "--out", "impé")
    assert done.returncode == 0, done.stderr
    assert "Wrote 1 room file (impé/rooms/ops.yaml) and impé/settings.yaml." in done.stdout
    next_line = done.stdout.splitlines()[-1]
    assert next_line == "Next: chime-reconciler --desired 'impé' plan   (expect: No changes.)"
    words = shlex.split(next_line.removeprefix("Next: ").split("   ")[0])
    planned = run(ops, workdir, *words[1:])
    assert planned.returncode == 0, planned.stderr
    assert "No changes." in planned.stdout
