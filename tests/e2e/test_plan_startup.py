"""A plan of rooms does not import what it does not use: start-up is a large part of a quick
plan (README "Start-up"). boto3 (the client is botocore's, made as boto3 makes it), the
other kinds' providers, the importer, audit's finders and the progress bar's display (no
terminal here); nor, before its first call, what it prints the plan with."""

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
    "reconciler.whereabouts",  # audit's finders
    "reconciler.providers.rooms_finder",
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


# what a plan of rooms needs only once Chime has answered: imported while the reads are
# under way, after the first call is sent (README "Start-up and exit": about 30 ms of CPU
# less before it); rich's console only where progress or the plan is written
LATER = (
    "rich",
    "rich.console",
    "reconciler.render",
    "reconciler.render.safe",
    "reconciler.plan",
    "reconciler.planner",
    "reconciler.planfile",
    "reconciler.governance.expiry",
    "reconciler.full_swap",
    "reconciler.crowded",
    "reconciler.target_select",
    "reconciler.name_hint",  # a missing room's "did you mean", when it is said
)

# the CLI as `python -m reconciler` runs it, writing the modules loaded when the first room
# found in a file is handed to the reads ahead (its call is made then: ``cli.read_ahead``),
# then, as ``RUN``, those loaded at exit
AT_FIRST_CALL = """
import atexit, sys
first, out = sys.argv.pop(1), sys.argv.pop(1)
from reconciler.cli.read_ahead import ReadAhead
handed = ReadAhead.__call__
def noted(self, found):
    if not noted.done:
        noted.done = True
        open(first, "w").write("\\n".join(sorted(sys.modules)))
    return handed(self, found)
noted.done = False
ReadAhead.__call__ = noted
atexit.register(lambda: open(out, "w").write("\\n".join(sorted(sys.modules))))
sys.argv[0] = "chime-reconciler"
from reconciler.cli import entry
entry()
"""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_plan_of_rooms_imports_what_it_prints_with_after_its_first_call(
    ops: Any, workdir: Path, fmt: str
) -> None:
    first, modules = workdir / "first.txt", workdir / "modules.txt"
    args = ["--endpoint-url", ops.emulator.url, "--desired", "desired-state", "plan"]
    done = subprocess.run(
        [sys.executable, "-c", AT_FIRST_CALL, str(first), str(modules), *args, "--format", fmt],
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    if fmt == "text":
        assert done.stdout.splitlines() == ops.plan
    at_first = set(first.read_text().split())
    assert {"reconciler.desired.loader", "reconciler.cli.plan"} <= at_first
    assert [m for m in LATER if m in at_first] == []
    # and they are there by the end: the plan was printed with them
    loaded = set(modules.read_text().split())
    assert {"reconciler.render", "reconciler.planner", "rich.console"} <= loaded
