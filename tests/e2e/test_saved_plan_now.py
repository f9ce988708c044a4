"""`plan --now WHEN --out FILE`: the plan file records `now` in its origin; `apply`
evaluates `until:` at the clock only (QA3 Q23: a future --now ended access early, a past
one gave ended access back), so `apply FILE` of such a plan applies it when the clock
calls for the same changes, and otherwise says why not: not "edited" (QA D14)."""

from __future__ import annotations

import datetime as dt
import json
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, OPS_DESIRED, Cli, WriteDesired

pytestmark = pytest.mark.e2e

Members = Callable[[str], dict[str, str]]
# seconds from now to an `until:` that must pass after the plan was made and before it is
# applied (whole seconds: 1 to 2 s for the first). On a machine so busy that the plan came
# after it, the case is made again with the next lead: a quiet machine waits 1-2 s
LEADS = (2, 8, 20)


def instant(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))


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


def test_a_plan_made_with_a_future_now_is_refused_until_then_naming_what_it_would_end(
    carol_until: Any, cli: Cli, workdir: Path, members: Members
) -> None:
    # QA3 Q23: `plan --now` previews; applied today, such a plan would end carol's access
    # months before her until:, and call it "expired"
    assert REMOVES_CAROL not in cli("plan").lines  # as of today carol stays
    saved = cli("--now", "2099-03-26", "plan", "--out", "p.json")
    assert saved.exit_code == 0, saved.stderr
    assert REMOVES_CAROL in saved.lines
    assert saved.err_lines == [  # the command has no --now: apply refuses one
        "Saved the plan to p.json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "apply p.json",
    ]
    origin = json.loads((workdir / "p.json").read_text())["origin"]
    assert origin["now"] == "2099-03-26"
    before = carol_until.emulator.state()
    printed = shlex.split(saved.err_lines[1])
    run = cli.raw(*printed[1:])  # the command as printed, word for word
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[0].startswith(
        "Error: Saved plan was made as of --now 2099-03-26, which has not come yet (it is 20"
    )
    assert run.err_lines[0].endswith(
        "): applied now it would end access before its `until:`, so nothing was applied:"
    )
    assert run.err_lines[1].startswith(
        "Error:   not ended yet: carol@example.com in room incident: Member until 2099-03-25 ("
    )
    assert run.err_lines[1].endswith(" days left), declared at desired-state/rooms.yaml:5")
    assert run.err_lines[2:] == [
        f"Error:   room incident: {REMOVES_CAROL.strip()} [id uid-carol] is not what the "
        "desired state says",
        "Error: Apply it once 2099-03-26 has come, or run plan again (without --now).",
    ]
    assert carol_until.emulator.state() == before
    assert "uid-carol" in members("incident")


def test_a_plan_made_with_another_now_applies_when_the_clock_calls_for_the_same(
    carol_until: Any, cli: Cli, members: Members
) -> None:
    # nothing ends between the clock and 2099-01-01, nor between 2020-01-01 and the clock
    for when in ("2099-01-01", "2020-01-01T09:30:00+02:00"):
        made = cli("--now", when, "plan", "--out", "p.json")
        assert made.exit_code == 0, made.stderr
        run = cli("apply", "p.json")
        assert run.exit_code == 0, run.stderr
        assert run.err_lines == []  # nothing of the file's --now: the clock's plan is the same
        assert "uid-carol" in members("incident")


def test_a_time_of_day_is_recorded_to_the_second_in_utc(
    carol_until: Any, cli: Cli, workdir: Path
) -> None:
    assert cli("--now", "2099-03-26T09:30:00+02:00", "plan", "--out", "p.json").exit_code == 0
    assert json.loads((workdir / "p.json").read_text())["origin"]["now"] == "2099-03-26T07:30:00Z"
    assert cli("apply", "p.json").err_lines[-1] == (
        "Error: Apply it once 2099-03-26T07:30:00Z has come, or run plan again (without --now)."
    )


def test_a_plan_made_with_a_past_now_whose_until_passed_since_is_refused(
    ops: Any, cli: Cli, write_desired: WriteDesired
) -> None:
    # QA3 Q23's mirror: as of 2024-06-01 carol was still declared; applied now, that plan
    # would keep access that ended on 2025-01-01
    write_desired({"rooms.yaml": CAROL_UNTIL.replace("until: 2099-03-25", "until: 2025-01-01")})
    made = cli("--now", "2024-06-01", "plan", "--out", "p.json")
    assert made.exit_code == 0, made.stderr
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: Saved plan was made as of --now 2024-06-01; since then an `until:` has passed, "
        "so the desired state calls for other changes, and nothing was applied:",
        "Error:   ended: carol@example.com in room incident: Member until 2025-01-01, declared "
        "at desired-state/rooms.yaml:5",
        "Error:   room incident: - carol@example.com (Member): expired 2025-01-01, declared at "
        "desired-state/rooms.yaml:5 [id uid-carol] is missing from the saved plan",
        "Error: Run plan again: a plan made now leaves out what ended (review it again).",
    ]
    assert ops.emulator.state() == before


@pytest.mark.parametrize("when", ["2099-03-26", "2020-01-01"])
@pytest.mark.parametrize("saved", [False, True])
def test_apply_refuses_a_given_now_before_any_call(
    carol_until: Any,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    when: str,
    saved: bool,
) -> None:
    # a --now in the future would end grants early, one in the past give back ended access
    if saved:
        assert cli("plan", "--out", "p.json").exit_code == 0
    carol_until.emulator.reset_calls()
    run = cli("--now", when, "apply", *(["p.json"] if saved else ["--auto-approve"]))
    assert (run.exit_code, run.stdout) == (1, "")
    harm = (
        "in the future: applied now, it would end access before its `until:`"
        if when > "2050"
        else "in the past: it would give back access whose `until:` has passed"
    )
    assert len(run.err_lines) == 1
    assert run.err_lines[0].startswith("Error: apply evaluates `until:` at the current time (20")
    assert run.err_lines[0].endswith(
        f"), not at --now {when}: that moment is {harm}; nothing was applied. Preview it "
        f"with `plan --now {when}`; to apply, leave --now out"
    )
    assert calls() == {}


def test_apply_names_chime_reconciler_now_when_it_comes_from_the_environment(
    carol_until: Any, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_NOW", "2099-03-26")
    run = cli("apply", "--watch", "--auto-approve")
    assert run.exit_code == 1
    assert "not at CHIME_RECONCILER_NOW=2099-03-26: that moment is in the future" in run.stderr
    assert run.stderr.rstrip().endswith("to apply, unset CHIME_RECONCILER_NOW")


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
        "Error: Cannot use the saved plan p.json: the file is corrupt: origin.now: expected a "
        "date (2027-03-31) or a date and time with a zone (2027-03-31T18:00:00Z), got "
        "'next tuesday'"
    ), run.stderr
    assert calls() == {}


def test_a_plan_made_as_of_the_clock_whose_until_passed_since_says_so_not_edited(
    ops: Any, cli: Cli, write_desired: WriteDesired, workdir: Path
) -> None:
    # carol may stay in incident (pruned) for two more seconds: the plan keeps her; by
    # the time it is applied her entry has ended, and a plan made now removes her
    for lead in LEADS:
        ends = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)).replace(microsecond=0)
        until = ends.isoformat().replace("+00:00", "Z")
        write_desired({"rooms.yaml": CAROL_UNTIL.replace("until: 2099-03-25", f"until: {until}")})
        saved = cli("plan", "--out", "p.json")
        assert saved.exit_code == 0, saved.stderr
        origin = json.loads((workdir / "p.json").read_text())["origin"]
        if instant(origin["made_at"]) < ends:
            break
    assert instant(origin["made_at"]) < ends, f"planned after the until every time ({LEADS} s)"
    assert not any(line.startswith("  - carol@") for line in saved.lines), saved.stdout
    assert origin["now"] is None
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


EMPTY_NOW = (
    "Error: --now: an empty value names no moment; give a date (2027-03-31) or a date and "
    "time with a zone (2027-03-31T18:00:00Z), or leave the option out for the current time"
)


def test_an_empty_now_option_is_refused_an_empty_variable_is_the_clock(
    carol_until: Any,
    cli: Cli,
    workdir: Path,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # QA5 Q5-4: `--now "$WHEN"` with WHEN unset was an explicit --now of this instant:
    # apply called the current time "in the future", plan --out recorded it
    carol_until.emulator.reset_calls()
    for command in (("validate",), ("plan", "--out", "p.json"), ("apply", "--auto-approve")):
        run = cli("--now", "", *command)
        assert (run.exit_code, run.stdout, run.err_lines) == (1, "", [EMPTY_NOW]), command
    assert not (workdir / "p.json").exists()
    assert calls() == {}
    monkeypatch.setenv("CHIME_RECONCILER_NOW", "")  # set empty: unset, as for every option
    saved = cli("plan", "--out", "p.json")
    assert saved.exit_code == 0, saved.stderr
    assert json.loads((workdir / "p.json").read_text())["origin"]["now"] is None
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stderr


def _converged_then_ended(
    cli: Cli, write_desired: WriteDesired, until: str, also: str = ""
) -> None:
    """Chime as declared with carol kept in incident (until 2099-03-25), then carol's
    `until:` moved to ``until`` (and ``also`` replaced in the files: another change)."""
    assert cli("apply", "--auto-approve").exit_code == 0
    rooms = CAROL_UNTIL.replace("until: 2099-03-25", f"until: {until}")
    if also:
        rooms = rooms.replace("administrators: [frank@example.com]", also)
    write_desired({"rooms.yaml": rooms})


ENDED_CAROL = [
    "Error:   ended: carol@example.com in room incident: Member until 2025-01-01, declared "
    "at desired-state/rooms.yaml:5",
    "Error:   room incident: - carol@example.com (Member): expired 2025-01-01, declared at "
    "desired-state/rooms.yaml:5 [id uid-carol] is missing from the saved plan",
    "Error: Run plan again: a plan made now leaves out what ended (review it again).",
]


def test_a_plan_with_no_changes_whose_until_passed_since_is_refused_too(
    carol_until: Any, cli: Cli, write_desired: WriteDesired, members: Members
) -> None:
    # QA-AB Q-AB-1: as of 2024-06-01 nothing was to change (carol still declared); the
    # empty plan was applied as it was, "No changes. Chime memberships match the desired
    # state.", while carol's access had ended and a plan made now removes her
    _converged_then_ended(cli, write_desired, "2025-01-01")
    made = cli("--now", "2024-06-01", "plan", "--out", "p.json")
    assert made.exit_code == 0, made.stderr
    assert made.lines[-1].startswith("No changes")  # erin, in releases, is drift only
    before = carol_until.emulator.state()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: Saved plan was made as of --now 2024-06-01; since then an `until:` has passed, "
        "so the desired state calls for other changes, and nothing was applied:",
        *ENDED_CAROL,
    ]
    assert carol_until.emulator.state() == before
    assert "uid-carol" in members("incident")


def test_a_plan_with_no_changes_made_as_of_the_clock_is_refused_once_an_until_passed(
    carol_until: Any, cli: Cli, write_desired: WriteDesired, workdir: Path
) -> None:
    for lead in LEADS:
        write_desired({"rooms.yaml": CAROL_UNTIL})  # (again: carol kept, until 2099)
        ends = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)).replace(microsecond=0)
        until = ends.isoformat().replace("+00:00", "Z")
        _converged_then_ended(cli, write_desired, until)
        planned = cli("plan", "--out", "p.json")
        made_at = json.loads((workdir / "p.json").read_text())["origin"]["made_at"]
        if instant(made_at) < ends:
            break
    assert instant(made_at) < ends, f"planned after the until every time ({LEADS} s)"
    assert planned.lines[-1].startswith("No changes")
    time.sleep(max(0.0, (ends - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[0] == (
        f"Error: Saved plan was made at {made_at}; since then an `until:` has passed, so the "
        "desired state calls for other changes, and nothing was applied:"
    )
    assert run.err_lines[1] == (
        f"Error:   ended: carol@example.com in room incident: Member until {until}, "
        "declared at desired-state/rooms.yaml:5"
    )


def test_a_plan_is_refused_when_an_until_passed_in_a_target_it_leaves_unchanged(
    carol_until: Any, cli: Cli, write_desired: WriteDesired
) -> None:
    # the plan adds erin to quiet; carol's entry in incident (unchanged by it) has ended
    # since: the clock's plan also removes her, so it is not the plan the file holds
    _converged_then_ended(
        cli,
        write_desired,
        "2025-01-01",
        also="administrators: [frank@example.com]\n            members: [erin@example.com]",
    )
    made = cli("--now", "2024-06-01", "plan", "--out", "p.json")
    assert made.exit_code == 0, made.stderr
    assert made.lines[-1] == "Plan: 1 to add, 0 to change, 0 to remove."
    before = carol_until.emulator.state()
    run = cli("apply", "p.json")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines[1:] == ENDED_CAROL
    assert carol_until.emulator.state() == before


def test_an_empty_plan_says_what_ends_soon_as_of_the_clock_not_as_of_its_now(
    carol_until: Any, cli: Cli, calls: Callable[[], dict[str, int]]
) -> None:
    # made as of 2099-03-20, it warned that carol has 5 days left; applied now she has
    # decades left: no warning (nothing ends between the clock and 2099-03-20)
    assert cli("apply", "--auto-approve").exit_code == 0
    made = cli("--now", "2099-03-20", "plan", "--out", "p.json")
    assert "(5 days left)" in made.stdout
    carol_until.emulator.reset_calls()
    run = cli("apply", "p.json")
    assert run.exit_code == 0, run.stderr
    assert "days left" not in run.stdout
    assert "Warning" not in run.stdout
    assert run.lines[-1].startswith("No changes")
    assert calls() == {}  # nothing in it to plan again: nothing read


# frank may stay in releases (prune off) through 2025-01-01: once it passed, he is kept
# (an expired membership left in Chime) and no plan changes releases
FRANK_ENDED = "members: [{member: frank@example.com, until: 2025-01-01}]"


@pytest.mark.parametrize("adds_erin", [True, False], ids=["with-changes", "no-changes"])
def test_a_live_change_in_an_unchanged_target_whose_until_passed_does_not_make_it_stale(
    ops: Any, cli: Cli, write_desired: WriteDesired, boto3_session: Any, adds_erin: bool
) -> None:
    # QA-AE Q-AE-1: the plan changes quiet (or nothing); releases, where frank's `until:`
    # passed since its --now, has no change then or now. Carol added to releases by hand
    # (prune off: no change either) made apply call the plan "stale": releases "changed
    # since the plan was made", though the clock calls for exactly the saved changes
    assert cli("apply", "--auto-approve").exit_code == 0
    rooms = OPS_DESIRED["rooms.yaml"].replace("members: [frank@example.com]", FRANK_ENDED)
    if adds_erin:
        rooms = rooms.replace(
            "administrators: [frank@example.com]\n",
            "administrators: [frank@example.com]\n            members: [erin@example.com]\n",
        )
    write_desired({"rooms.yaml": rooms})
    made = cli("--now", "2024-06-01", "plan", "--out", "p.json")
    assert made.exit_code == 0, made.stderr
    summary = "Plan: 1 to add, 0 to change, 0 to remove." if adds_erin else "No changes"
    assert made.lines[-1].startswith(summary)
    chime = boto3_session.client("chime", endpoint_url=ops.emulator.url)
    chime.create_room_membership(
        AccountId=ACCOUNT, RoomId="room-releases", MemberId="uid-carol", Role="Member"
    )
    run = cli("apply", "p.json")
    assert run.exit_code == 0, run.stderr
    if adds_erin:
        assert run.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 0 removed."
    else:
        assert run.lines[-1].startswith("No changes")


def test_a_plan_with_changes_warns_of_what_ends_soon_in_targets_it_leaves_unchanged(
    ops: Any, cli: Cli, write_desired: WriteDesired
) -> None:
    # the plan adds erin to quiet; dave's entry in incident (unchanged, not planned again;
    # pruned, so its end removes him: QA-CJ Q-CJ-3) ends within the warning window as of
    # the clock: apply warns of it as plan does
    assert cli("apply", "--auto-approve").exit_code == 0
    ends = (dt.datetime.now(dt.UTC) + dt.timedelta(days=5)).date().isoformat()
    rooms = OPS_DESIRED["rooms.yaml"].replace(
        "members: [dave@example.com,", f"members: [{{member: dave@example.com, until: {ends}}},"
    )
    rooms = rooms.replace(
        "administrators: [frank@example.com]\n",
        "administrators: [frank@example.com]\n            members: [erin@example.com]\n",
    )
    write_desired({"rooms.yaml": rooms})
    made = cli("plan", "--out", "p.json")
    assert made.exit_code == 0, made.stderr
    warned = [line for line in made.lines if "days left" in line]
    assert len(warned) == 1 and "dave@example.com in room incident" in warned[0], made.stdout
    run = cli("apply", "p.json")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 0 removed."
    assert [line for line in run.lines if "days left" in line] == warned


def test_a_plan_made_with_now_records_when_it_started_not_when_it_was_saved(
    ops: Any, cli: Cli, workdir: Path, emulator: Any
) -> None:
    # From QA-FA's fixer: with --now, made_at was the clock when the plan was saved, after
    # Chime was read, so an apply made during that read looked to the drift job as if it
    # came before the plan. Every call now takes 0.4 s: made_at is before the first one.
    emulator.set_faults(latency_ms=400)
    try:
        before = dt.datetime.now(dt.UTC)
        saved = cli("--now", "2099-03-26", "plan", "--out", "p.json")
        after = dt.datetime.now(dt.UTC)
    finally:
        emulator.set_faults()
    assert saved.exit_code == 0, saved.stderr
    made_at = instant(json.loads((workdir / "p.json").read_text())["origin"]["made_at"])
    assert after - before > dt.timedelta(seconds=0.8)  # at least two rounds of calls
    assert before <= made_at < before + dt.timedelta(seconds=0.6), (before, made_at, after)
