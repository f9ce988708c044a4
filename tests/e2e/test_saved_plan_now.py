"""`plan --now WHEN --out FILE`: the plan file records `now` in its origin, the printed
apply command has `--now`, and `apply FILE` evaluates `until:` as of that moment (QA D14:
the printed command left `--now` out and then refused the plan as "edited")."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import OPS_DESIRED, Cli, WriteDesired

pytestmark = pytest.mark.e2e

Members = Callable[[str], dict[str, str]]
# carol may stay in incident (pruned) through 2099-03-25: as of 2099-03-26 she is removed
CAROL_UNTIL = OPS_DESIRED["rooms.yaml"].replace(
    'members: [dave@example.com, "bot:PagerBot"]',
    'members: [dave@example.com, "bot:PagerBot", {member: carol@example.com, until: 2099-03-25}]',
)
REMOVES_CAROL = (
    "  - carol@example.com (Member): expired 2099-03-25, declared at desired-state/rooms.yaml:5"
)


@pytest.fixture
def carol_until(ops: Any, write_desired: WriteDesired) -> Any:
    write_desired({"rooms.yaml": CAROL_UNTIL})
    return ops


def test_the_printed_apply_command_has_now_and_applies_the_plan(
    carol_until: Any, cli: Cli, workdir: Path, members: Members
) -> None:
    assert REMOVES_CAROL not in cli("plan").lines  # as of today carol stays
    saved = cli("--now", "2099-03-26", "plan", "--out", "p.json")
    assert saved.exit_code == 0, saved.stderr
    assert REMOVES_CAROL in saved.lines
    assert saved.err_lines == [
        "Saved the plan to p.json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "--now 2099-03-26 apply p.json",
    ]
    origin = json.loads((workdir / "p.json").read_text())["origin"]
    assert origin["now"] == "2099-03-26"
    printed = shlex.split(saved.err_lines[1])
    run = cli.raw(*printed[1:])  # the command as printed, word for word
    assert run.exit_code == 0, run.stderr
    assert REMOVES_CAROL in run.lines
    assert run.lines[-1] == "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
    assert "uid-carol" not in members("incident")


def test_apply_file_uses_the_recorded_now_and_says_so(
    carol_until: Any, cli: Cli, members: Members
) -> None:
    assert cli("--now", "2099-03-26T00:00:00+00:00", "plan", "--out", "p.json").exit_code == 0
    run = cli("apply", "p.json")  # no --now: the plan's own
    assert run.exit_code == 0, run.stderr
    assert run.err_lines == [
        "Using the saved plan's --now 2099-03-26 (give the option to override)."
    ]
    assert "uid-carol" not in members("incident")


def test_a_time_of_day_is_recorded_to_the_second_in_utc(
    carol_until: Any, cli: Cli, workdir: Path
) -> None:
    saved = cli("--now", "2099-03-26T09:30:00+02:00", "plan", "--out", "p.json")
    assert saved.err_lines[1].endswith(" --now 2099-03-26T07:30:00Z apply p.json")
    assert json.loads((workdir / "p.json").read_text())["origin"]["now"] == "2099-03-26T07:30:00Z"
    assert cli("apply", "p.json").err_lines[0] == (
        "Using the saved plan's --now 2099-03-26T07:30:00Z (give the option to override)."
    )


def test_another_now_given_to_apply_is_refused_as_another_moment_not_as_an_edit(
    carol_until: Any, cli: Cli, members: Members
) -> None:
    assert cli("--now", "2099-03-26", "plan", "--out", "p.json").exit_code == 0
    before = carol_until.emulator.state()
    run = cli("--now", "2099-03-20", "apply", "p.json")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.err_lines == [
        "Error: Saved plan was made as of --now 2099-03-26; as of 2099-03-20 the desired "
        "state calls for other changes, so nothing was applied:",
        f"Error:   room incident: {REMOVES_CAROL.strip()} [id uid-carol] is not what the "
        "desired state says",
        "Error: Apply it without --now (it then uses the plan's), or run plan again.",
    ]
    assert carol_until.emulator.state() == before


def test_a_plan_made_without_now_is_not_applied_as_of_another_now(
    carol_until: Any, cli: Cli
) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    before = carol_until.emulator.state()
    run = cli("--now", "2099-03-26", "apply", "p.json")
    assert run.exit_code == 1
    assert run.err_lines[0] == (
        "Error: Saved plan was made as of the time it was made (no --now); as of 2099-03-26 "
        "the desired state calls for other changes, so nothing was applied:"
    )
    assert "missing from the saved plan" in run.err_lines[1]
    assert run.err_lines[-1] == "Error: Apply it without --now, or run plan again."
    assert carol_until.emulator.state() == before


def test_a_recorded_now_that_is_not_a_moment_is_refused_before_any_call(
    carol_until: Any, cli: Cli, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    assert cli("--now", "2099-03-26", "plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    data["origin"]["now"] = "next tuesday"
    (workdir / "p.json").write_text(json.dumps(data))
    carol_until.emulator.reset_calls()
    run = cli("apply", "p.json")
    assert run.exit_code == 1
    assert run.err_lines[0].startswith(
        "Error: Cannot use the saved plan p.json: origin.now: expected a date (2027-03-31) or a "
        "date and time with a zone (2027-03-31T18:00:00Z), got 'next tuesday'"
    ), run.stderr
    assert calls() == {}


def test_a_plan_made_as_of_the_clock_whose_until_passed_since_says_so_not_edited(
    ops: Any, cli: Cli, write_desired: WriteDesired, workdir: Path
) -> None:
    # carol may stay in incident (pruned) for two more seconds: the plan keeps her; by
    # the time it is applied her entry has ended, and a plan made now removes her
    ends = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).replace(microsecond=0)
    until = ends.isoformat().replace("+00:00", "Z")
    write_desired({"rooms.yaml": CAROL_UNTIL.replace("until: 2099-03-25", f"until: {until}")})
    saved = cli("plan", "--out", "p.json")
    assert saved.exit_code == 0, saved.stderr
    assert not any(line.startswith("  - carol@") for line in saved.lines), saved.stdout
    origin = json.loads((workdir / "p.json").read_text())["origin"]
    assert origin["now"] is None
    made = dt.datetime.fromisoformat(origin["made_at"].replace("Z", "+00:00"))
    assert made < ends
    time.sleep(max(0.0, (ends - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.err_lines == [
        f"Error: Saved plan was made at {origin['made_at']}; since then an `until:` has "
        "passed, so the desired state calls for other changes, and nothing was applied:",
        f"Error:   ended: carol@example.com in room incident: Member until {until}, "
        "declared at desired-state/rooms.yaml:5",
        f"Error:   room incident: - carol@example.com (Member): expired {until}, declared at "
        "desired-state/rooms.yaml:5 [id uid-carol] is missing from the saved plan",
        "Error: Run plan again: a plan made now leaves out what ended (review it again).",
    ]
    assert ops.emulator.state() == before  # nothing applied


def test_an_edited_plan_made_as_of_the_clock_is_still_called_edited(
    carol_until: Any, cli: Cli, workdir: Path
) -> None:
    # nothing ended since it was made: the difference is the file's own
    assert cli("plan", "--out", "p.json").exit_code == 0
    data = json.loads((workdir / "p.json").read_text())
    incident = next(t for t in data["targets"] if t["name"] == "incident")
    incident["changes"].pop()
    (workdir / "p.json").write_text(json.dumps(data))
    run = cli("apply", "p.json")
    assert run.exit_code == 1
    assert "(was it edited?)" in run.err_lines[0]
