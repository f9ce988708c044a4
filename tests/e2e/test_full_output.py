"""QA4 R1: standard output on a full disk (``> /dev/full``: ENOSPC on every write). Every
command says so in one line and exits 1, never "Internal error"; apply stops as for a
closed output (``test_closed_output``): no new call starts, what it applied and what not
is said on stderr, and its ``--out`` result is written (``complete: false``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import SUBPROCESS_TIMEOUT, Cli
from test_meetings_cli import MEETING, bridge

__all__ = ["bridge"]  # the fixture, imported for these tests
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full"),
]

FULL = "Error: the output could not be written (No space left on device)"
WRITES = ("BatchCreateRoomMembership", "UpdateRoomMembership", "DeleteRoomMembership")


def into_full(cli: Cli, *args: str) -> tuple[int, list[str]]:
    """``chime-reconciler ARGS > /dev/full``: the exit status and stderr's lines."""
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", *cli.argv(args)],
            cwd=cli.workdir,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
        )
    return done.returncode, done.stderr.splitlines()


@pytest.mark.parametrize(
    "args", [("plan",), ("plan", "--format", "json"), ("validate",), ("--help",), ("schema",)]
)
def test_a_command_into_a_full_disk_says_so_in_one_line(
    ops: Any, cli: Cli, args: tuple[str, ...]
) -> None:
    code, err = into_full(cli, *args)
    assert (code, err) == (1, [f"{FULL}."])


def test_apply_into_a_full_disk_stops_says_what_it_did_and_writes_its_result(
    ops: Any, cli: Cli, calls: Any
) -> None:
    ops.emulator.set_faults(latency_ms=100)
    before = ops.emulator.state()
    code, err = into_full(cli, "--parallelism", "1", "apply", "--auto-approve", "--out", "r.json")
    assert code == 1
    assert not any("Internal error" in line for line in err), err
    found = re.fullmatch(
        re.escape(f"{FULL}: apply stopped; ")
        + r"(\d) of 5 changes applied, (\d) not applied; run plan to see what is left\.",
        err[-1],
    )
    assert found, err
    document = json.loads((cli.workdir / "r.json").read_text())
    assert (document["complete"], document["verified"]) == (False, None)
    assert document["summary"]["ok"] == int(found[1])
    skipped = [c for c in document["changes"] if c["outcome"] == "skipped"]
    assert len(skipped) == int(found[2])
    assert {c["error"]["code"] for c in skipped} == {"OutputFailed"}
    assert "Not applied:" in err
    assert sum(calls().get(op, 0) for op in WRITES) <= 1
    if found[1] == "0":
        assert ops.emulator.state() == before


def test_plan_out_into_a_full_disk_still_saves_the_plan(ops: Any, cli: Cli) -> None:
    """As for a closed output: the plan was made, so --out is written, then the error."""
    for k in (1, 2):
        code, err = into_full(cli, "plan", "--shard", f"{k}/2", "--out", f"p{k}.json")
        assert code == 1
        assert err[0] == f"Saved the plan to p{k}.json. Apply exactly this plan with:"
        assert err[-1] == f"{FULL}."
    merged, err = into_full(cli, "merge-plans", "p1.json", "p2.json", "--out", "m.json")
    assert (merged, err[-3], err[-1]) == (
        1,
        "Saved the merged plan to m.json. Apply exactly this plan with:",
        f"{FULL}.",
    )
    applied = cli("apply", "m.json")  # the files are whole
    assert applied.exit_code == 0, applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 3 added, 1 changed, 1 removed."


def test_a_watch_into_a_full_disk_stops_and_says_what_it_did(bridge: Any, cli: Cli) -> None:
    code, err = into_full(
        cli, "apply", "--auto-approve", "--watch", "--interval", "0.2", "--until", "60s"
    )
    assert (code, err) == (
        1,
        [f"{FULL}: the watch stopped before applying anything: nothing was applied."],
    )
    assert set(bridge.meetings.attendees_of(MEETING)) == {"bob@example.com", "mallory@example.com"}
