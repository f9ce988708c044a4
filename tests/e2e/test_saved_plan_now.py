"""`plan --now WHEN --out FILE`: the plan file records `now` in its origin, the printed
apply command has `--now`, and `apply FILE` evaluates `until:` as of that moment (QA D14:
the printed command left `--now` out and then refused the plan as "edited")."""

from __future__ import annotations

import json
import shlex
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
