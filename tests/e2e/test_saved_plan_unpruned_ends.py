"""QA-FC Q-FC-2: a saved plan's refusal ("not ended yet:" / "ended:") names the `until:`s
whose end changes the plan, not one in a room that does not prune whose member is in it
already (its end changes nothing: the member stays, unmanaged), even when another end
there (of a member the plan adds) is a reason to refuse."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import OPS_DESIRED, Cli, WriteDesired

pytestmark = pytest.mark.e2e

LEADS = (2, 8, 20)  # seconds to an `until:` that passes between plan --out and apply

# releases does not prune; erin is in it already, carol is not (the plan adds her)
ROOMS = OPS_DESIRED["rooms.yaml"].replace(
    "members: [frank@example.com]",
    "members:\n"
    "              - frank@example.com\n"
    "              - {member: erin@example.com, until: UNTIL}\n"
    "              - {member: carol@example.com, until: UNTIL}",
)


def instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_a_future_now_names_only_the_end_that_changes_the_plan(
    ops: Any, cli: Cli, write_desired: WriteDesired
) -> None:
    write_desired({"rooms.yaml": ROOMS.replace("UNTIL", "2099-03-25")})
    assert cli("--now", "2099-03-26", "plan", "--out", "p.json").exit_code == 0
    before = ops.emulator.state()
    run = cli("apply", "p.json", "--auto-approve")
    assert (run.exit_code, run.stdout) == (1, ""), run.stderr
    assert run.err_lines[0].startswith("Error: Saved plan was made as of --now 2099-03-26, ")
    assert [line.split(" (")[0] for line in run.err_lines[1:2]] == [
        "Error:   not ended yet: carol@example.com in room releases: Member until 2099-03-25"
    ]
    assert run.err_lines[1].endswith(" days left), declared at desired-state/rooms.yaml:11")
    assert run.err_lines[2:] == [
        "Error:   room releases: + carol@example.com (Member) [id uid-carol] is missing from "
        "the saved plan",
        "Error: Apply it once 2099-03-26 has come, or run plan again (without --now).",
    ]
    assert ops.emulator.state() == before


def test_an_until_passed_since_the_plan_names_only_the_end_that_changes_it(
    ops: Any, cli: Cli, write_desired: WriteDesired, workdir: Path
) -> None:
    for lead in LEADS:
        ends = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)).replace(microsecond=0)
        until = ends.isoformat().replace("+00:00", "Z")
        write_desired({"rooms.yaml": ROOMS.replace("UNTIL", until)})
        assert cli("plan", "--out", "p.json").exit_code == 0
        made_at = json.loads((workdir / "p.json").read_text())["origin"]["made_at"]
        if instant(made_at) < ends:
            break
    assert instant(made_at) < ends, f"planned after the until every time ({LEADS} s)"
    time.sleep(max(0.0, (ends - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
    before = ops.emulator.state()
    run = cli("apply", "p.json", "--auto-approve")
    assert (run.exit_code, run.stdout) == (1, ""), run.stderr
    assert run.err_lines == [
        f"Error: Saved plan was made at {made_at}; since then an `until:` has passed, so the "
        "desired state calls for other changes, and nothing was applied:",
        f"Error:   ended: carol@example.com in room releases: Member until {until}, declared "
        "at desired-state/rooms.yaml:11",
        "Error:   room releases: + carol@example.com (Member) [id uid-carol] is not what the "
        "desired state says",
        "Error: Run plan again: a plan made now leaves out what ended (review it again).",
    ]
    assert ops.emulator.state() == before
