"""A plan of rooms does not import what it does not use: start-up is a large part of a quick
plan (README "Start-up"). boto3 (the client is botocore's, made as boto3 makes it), the
other kinds' providers, the importer and the progress bar's display (no terminal here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

NOT_IMPORTED = (
    "boto3",
    "s3transfer",
    "reconciler.providers.channels",
    "reconciler.providers.channel_directory",
    "reconciler.providers.all_channels",
    "reconciler.providers.meetings",
    "reconciler.channel_import",
    "reconciler.importer",
    "rich.progress",
)

# the CLI as `python -m reconciler` runs it, writing the modules loaded at exit to a file
RUN = """
import atexit, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write("\\n".join(sorted(sys.modules))))
sys.argv[0] = "chime-reconciler"
from reconciler.cli import entry
entry()
"""


def test_a_plan_of_rooms_imports_only_what_it_uses(ops: Any, workdir: Path) -> None:
    modules = workdir / "modules.txt"
    args = ["--endpoint-url", ops.emulator.url, "--desired", "desired-state", "plan"]
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(modules), *args, "--detailed-exitcode"],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (2, "")
    assert done.stdout.splitlines() == ops.plan
    loaded = set(modules.read_text().split())
    assert {"botocore.client", "reconciler.providers.rooms"} <= loaded
    assert [m for m in NOT_IMPORTED if m in loaded] == []
