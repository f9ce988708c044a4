"""`chime-reconciler plan` through the CLI, against the emulator over real HTTP: what a user
reads, the exit codes, and how many API calls it takes."""

from __future__ import annotations

import json
import math
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from typing import Any

import jsonschema
import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
Calls = Callable[[], dict[str, int]]
ALICE = "alice@example.com"


def plan_schema() -> Any:
    ref = resources.files("reconciler.render").joinpath("plan.schema.json")
    return json.loads(ref.read_text(encoding="utf-8"))


def test_plan_prints_every_room_change_and_the_summary(ops: Any, cli: Any) -> None:
    run = cli("plan")
    assert run.lines == ops.plan
    assert (run.exit_code, run.stderr) == (0, "")


def test_plan_changes_nothing(ops: Any, cli: Any, calls: Calls) -> None:
    before = ops.emulator.state()
    cli("plan")
    assert ops.emulator.state() == before
    assert set(calls()) <= {"ListRooms", "ListRoomMemberships", "ListBots", "ListUsers"}


def test_plan_verbose_shows_where_each_member_was_declared(ops: Any, cli: Any) -> None:
    run = cli("plan", "-v")
    assert run.lines[:11] == [
        f"# room incident (account {ACCOUNT}, id room-incident)",
        "  + bot:PagerBot (Member)",
        "      declared at desired-state/rooms.yaml:5 as Member",
        "  + dave@example.com (Member)",
        "      declared at desired-state/rooms.yaml:5 as Member",
        "  ~ alice@example.com: Member -> Administrator",
        "      declared at desired-state/rooms.yaml:4 as Administrator",
        "  - carol@example.com (Member)",
        "      not declared, and prune is on for this room",
        "    unmanaged: webhook:Alerts (Member)",
        "    protected: bob@example.com (Administrator), left unchanged",
    ]
    assert run.exit_code == 0


def test_plan_json_follows_the_published_schema(ops: Any, cli: Any) -> None:
    run = cli("plan", "--format", "json")
    assert run.exit_code == 0
    doc = json.loads(run.stdout)
    jsonschema.Draft202012Validator(plan_schema()).validate(doc)
    assert doc["summary"] == {"add": 3, "change": 1, "remove": 1}
    assert [
        (r["name"], [(c["action"], c["member"]) for c in r["changes"]]) for r in doc["targets"]
    ] == [
        (
            "incident",
            [
                ("create", "bot:PagerBot"),
                ("create", "dave@example.com"),
                ("update", "alice@example.com"),
                ("delete", "carol@example.com"),
            ],
        ),
        ("quiet", []),
        ("releases", [("create", "frank@example.com")]),
    ]
    assert doc["safety"] == {"safe": True, "violations": []}
    assert doc["errors"] == []


def test_plan_markdown_has_the_marker_and_the_summary_table(ops: Any, cli: Any) -> None:
    run = cli("plan", "--format", "markdown")
    assert run.exit_code == 0
    assert run.lines[:15] == [
        "<!-- chime-reconciler-plan -->",
        "### Chime membership plan",
        "",
        "**Plan: 3 to add, 1 to change, 1 to remove.**",
        "",
        "> [!WARNING]",
        "> **Not in the desired state:** 1 member in 1 room.",
        "> Resolve with `import --adopt` (into the files) or `prune: true` (removes them).",
        "",
        "| Room | Add | Change | Remove | Not declared | Unmanaged |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        "| incident | 2 | 1 | 1 | 0 | 1 |",
        "| releases | 1 | 0 | 0 | 1 | 0 |",  # a member no file declares, no webhook
        "",
        "1 room unchanged.",
    ]
    assert "<details><summary>room incident: 2 to add, 1 to change, 1 to remove, 1 protected" in (
        run.stdout
    )


def test_detailed_exitcode_is_2_with_changes(ops: Any, cli: Any) -> None:
    run = cli("plan", "--detailed-exitcode")
    assert (run.exit_code, run.lines) == (2, ops.plan)


@pytest.mark.parametrize(
    ("setting", "code"), [("", 2), ("drift: all\n", 2), ("drift: changes-only\n", 0)]
)
def test_an_out_of_band_administrator_is_drift_unless_changes_only(
    setting: str, code: int, seed: Any, write_desired: Any, cli: Any
) -> None:
    # alice is declared; mallory was made an administrator by hand (prune is off)
    seed(
        users=("alice", "mallory", "bob"),
        rooms={
            "ops": [("alice", "Administrator"), ("mallory", "Administrator"), ("bob", "Member")]
        },
    )
    write_desired(
        {
            "settings.yaml": f"account: '{ACCOUNT}'\n{setting}",
            "rooms.yaml": f"rooms: {{ops: {{administrators: [{ALICE}]}}}}",
        }
    )
    run = cli("plan", "--detailed-exitcode")
    assert run.lines == [
        f"# room ops (account {ACCOUNT}, id room-ops)",
        "    not in the desired state: mallory@example.com (Administrator)",
        "    not in the desired state: bob@example.com (Member)",
        "",
        "Not in the desired state: 1 administrator, 1 member in 1 room.",
        "Resolve with `import --adopt` (into the files) or `prune: true` (removes them).",
        "",
        "No changes, but Chime has 2 members the desired state does not declare.",
    ]
    assert run.exit_code == code
    markdown = cli("plan", "--format", "markdown").stdout
    assert "> **Not in the desired state:** 1 administrator, 1 member in 1 room." in markdown
    document = json.loads(cli("plan", "--format", "json").stdout)
    counted = {} if code == 2 else {"counts_as_drift": False}  # Q-BR-1
    assert document["drift"] == {"members": 2, "elevated": 1, **counted}


def test_detailed_exitcode_is_0_without_changes(seed: Any, write_desired: Any, cli: Any) -> None:
    seed(users=("alice",), rooms={"ops": [("alice", "Administrator")]})
    write_desired(
        {"rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', administrators: [{ALICE}]}}}}"}
    )
    run = cli("plan", "--detailed-exitcode")
    assert run.lines == [
        "1 room unchanged.",
        "",
        "No changes. Chime memberships match the desired state.",
    ]
    assert run.exit_code == 0


def test_detailed_exitcode_is_1_for_an_unknown_email_named_at_its_line(
    ops: Any, write_desired: Any, cli: Any
) -> None:
    write_desired(
        {
            "rooms.yaml": """
                rooms:
                  quiet:
                    administrators: [frank@example.com]
                    members:
                      - zed@example.com
                """
        }
    )
    run = cli("plan", "--detailed-exitcode")
    assert run.lines == [
        "1 room unchanged.",
        "",
        "Error: desired-state/rooms.yaml:5: no Chime user with e-mail zed@example.com "
        f"in account {ACCOUNT}",
        "",
        "No changes planned, but the plan is incomplete: 1 error above.",
    ]
    assert run.exit_code == 1


def test_target_limits_the_plan_and_the_api_calls(ops: Any, cli: Any, calls: Calls) -> None:
    run = cli("plan", "--target", "releases")
    assert run.lines == [
        f"# room releases (account {ACCOUNT}, id room-releases)",
        "  + frank@example.com (Member)",
        "    not in the desired state: erin@example.com (Member)",
        "",
        *ops.drift,
        "",
        "Plan: 1 to add, 0 to change, 0 to remove.",
    ]
    assert run.exit_code == 0
    # one ListRooms page to find the room's id, one page of its 2 members; frank is listed
    # in another room but that room is not read: one ListUsers lookup by e-mail.
    assert calls() == {"ListRoomMemberships": 1, "ListRooms": 1, "ListUsers": 1}


def test_target_by_room_id_plans_the_room_declared_with_that_id(
    ops: Any, write_desired: Any, cli: Any, calls: Calls
) -> None:
    write_desired({"more.yaml": "rooms:\n  lobby: {id: room-quiet, members: [erin@example.com]}\n"})
    run = cli("plan", "--target", "room-quiet")
    assert run.lines == [
        f"# room lobby (account {ACCOUNT}, id room-quiet)",
        "  + erin@example.com (Member)",
        "    not in the desired state: frank@example.com (Administrator)",
        "",
        "Not in the desired state: 1 administrator in 1 room.",
        "Resolve with `import --adopt` (into the files) or `prune: true` (removes them).",
        "",
        "Plan: 1 to add, 0 to change, 0 to remove.",
    ]
    assert (run.exit_code, run.stderr) == (0, "")
    # by id: no ListRooms; one page of the room's members; erin by e-mail
    assert calls() == {"ListRoomMemberships": 1, "ListUsers": 1}


def test_target_that_is_not_declared_is_an_error_before_any_call(
    ops: Any, cli: Any, calls: Calls
) -> None:
    run = cli("plan", "--target", "nosuch", "--detailed-exitcode")
    assert run.lines == [
        "Error: --target: no target named 'nosuch' is declared; --target takes a "
        "target's name (its key in the YAML) or the id written there, not the id Chime gave "
        "a target declared by name",
        "",
        "No changes planned, but the plan is incomplete: 1 error above.",
    ]
    assert run.exit_code == 1
    assert calls() == {}


def test_an_over_long_target_is_shown_by_its_first_80_characters_and_length(
    ops: Any, cli: Any, calls: Calls
) -> None:
    # QA-FL Q-FL-5: a 100,000-character --target was echoed whole, twice (200 KB)
    run = cli("plan", "--target", "a" * 100_000)
    shown = "a" * 80
    assert run.lines[0] == (
        f"Error: --target: no target named '{shown}'…(100,000 "
        "characters) is declared; --target takes a target's name (its key in the YAML) or "
        "the id written there, not the id Chime gave a target declared by name"
    )
    assert len(run.stdout) + len(run.stderr) < 1000
    assert run.exit_code == 1
    assert calls() == {}


def test_a_target_of_the_longest_name_length_is_quoted_once_and_whole(
    ops: Any, cli: Any, calls: Calls
) -> None:
    # QA-LD Q-LD-14: a 256-character --target (a name's longest) was quoted whole, twice;
    # once now, and whole as a name is up to 256 (README; QA-GV Q-GV-8: cut at 80, a typo
    # after character 80 was not shown)
    run = cli("plan", "--target", "b" * 256)
    assert run.lines[0] == (
        f"Error: --target: no target named {'b' * 256!r} is declared; "
        "--target takes a target's name (its key in the YAML) or the id written there, not "
        "the id Chime gave a target declared by name"
    )
    assert run.exit_code == 1
    assert calls() == {}


def test_invalid_desired_state_is_reported_by_location_without_any_aws_call(
    ops: Any, write_desired: Any, cli: Any, calls: Calls
) -> None:
    write_desired(
        {
            "rooms.yaml": """
                rooms:
                  incident:
                    admins: [alice@example.com]
                    members: [not-an-email]
                """
        }
    )
    run = cli("plan")
    assert run.stdout == ""
    assert run.err_lines == [
        "desired-state/rooms.yaml:3: rooms.incident: unknown key 'admins' "
        "(did you mean 'administrators'?)",
        "desired-state/rooms.yaml:4: rooms.incident.members[0]: malformed email address "
        "'not-an-email'",
        "Desired state is invalid: 2 errors.",
    ]
    assert run.exit_code == 1
    assert calls() == {}


CROWD = [f"u{i:02}" for i in range(12)]


@pytest.fixture
def crowd(seed: Any, write_desired: Any) -> None:
    """A pruned room of 12 whose desired state keeps 2: 10 removals, 83% of the room."""
    seed(
        users=CROWD,
        rooms={"crowd": [("u00", "Administrator"), *((u, "Member") for u in CROWD[1:])]},
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  crowd:
                    prune: true
                    administrators: [u00@example.com]
                    members: [u01@example.com]
                """,
        }
    )


CROWD_PLAN = [
    f"# room crowd (account {ACCOUNT}, id room-crowd)",
    *(f"  - u{i:02}@example.com (Member)" for i in range(2, 12)),
    "",
    "Plan: 0 to add, 0 to change, 10 to remove.",
]


def test_unsafe_plan_is_printed_then_refused_with_its_numbers(crowd: None, cli: Any) -> None:
    run = cli("plan", "--detailed-exitcode")
    assert run.lines == [
        *CROWD_PLAN,
        "",
        "Error: refusing this plan: [room crowd] Too many removals: 83.33% is over 25.00% (10/12) "
        "(safety.max_removal_fraction)",
        "This plan is refused by 1 safety rule (settings.yaml `safety:`): apply applies it "
        "only with --allow-unsafe.",
    ]
    assert run.exit_code == 1


CROWD_REFUSAL = (
    "Error: refusing this plan: [room crowd] Too many removals: 83.33% is over 25.00% (10/12) "
    "(safety.max_removal_fraction)"
)


def plan_to(cli: Any, stdout: Any, stderr: Any) -> int:
    """``plan`` in a child process whose stdout and stderr are the files given."""
    argv = [sys.executable, "-m", "reconciler", *cli.argv(["plan"])]
    return subprocess.run(
        argv, cwd=cli.workdir, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, timeout=60
    ).returncode


def test_a_refused_text_plan_into_a_file_says_so_on_stderr(crowd: None, cli: Any) -> None:
    """QA-LD Q-LD-13: `plan > plan.txt` of a refused plan printed nothing on the terminal
    but exit 1; now stderr names the refusal, as with --format markdown|json."""
    with (cli.workdir / "plan.txt").open("w") as out, (cli.workdir / "err.txt").open("w") as err:
        code = plan_to(cli, out, err)
    assert code == 1
    assert (cli.workdir / "err.txt").read_text().splitlines() == [
        CROWD_REFUSAL,
        "Error: the plan is refused by 1 safety rule (above, and in the text output): apply "
        "applies it only with --allow-unsafe; exit 1.",
    ]
    text = (cli.workdir / "plan.txt").read_text().splitlines()
    assert text[: len(CROWD_PLAN)] == CROWD_PLAN and CROWD_REFUSAL in text  # as before


def test_a_refused_text_plan_seen_is_not_said_twice(crowd: None, cli: Any) -> None:
    """With stderr into the same file (`> log 2>&1`), or stdout on a terminal, the plan's
    own refusal is seen: stderr does not repeat it."""
    with (cli.workdir / "log.txt").open("w") as log:
        assert plan_to(cli, log, subprocess.STDOUT) == 1
    assert (cli.workdir / "log.txt").read_text().count(CROWD_REFUSAL) == 1
    master, slave = pty.openpty()
    try:
        with (cli.workdir / "err.txt").open("w") as err:
            assert plan_to(cli, slave, err) == 1
    finally:
        os.close(slave)
        os.close(master)
    assert (cli.workdir / "err.txt").read_text() == ""


def test_a_refused_text_plan_through_a_pipe_is_said_once(crowd: None, cli: Any) -> None:
    """QA-GK Q-GK-3: stdout and stderr as two pipes read into one log (a GitHub Actions
    step, `plan | tee plan.txt`): the reader of stdout shows the plan's refusal, so stderr
    does not list it a second time."""
    argv = [sys.executable, "-m", "reconciler", *cli.argv(["plan"])]
    run = subprocess.run(
        argv, cwd=cli.workdir, stdin=subprocess.DEVNULL, capture_output=True, timeout=60
    )
    assert run.returncode == 1
    assert run.stdout.decode().count(CROWD_REFUSAL) == 1
    assert run.stderr.decode() == ""


def test_a_refused_plan_its_output_not_written_claims_no_output(crowd: None, cli: Any) -> None:
    """QA-GK Q-GK-4: stdout on a full disk (`> /dev/full`) or closed: the plan's refusal
    was said "above, and in the text output; exit 1." though no output was written; now
    only what happened is said (the exit is that of the output's fate). Since QA-HK Q-HK-6
    the plan's errors, which the output would have held, are said on stderr first, and the
    count line points at them there ("(above)"), never at an output not written."""
    with open("/dev/full", "w") as full, (cli.workdir / "err.txt").open("w") as err:
        code = plan_to(cli, full, err)
    assert code == 1
    said = (cli.workdir / "err.txt").read_text()
    assert "in the text output" not in said
    lines = said.splitlines()
    assert len(lines) == 3 and CROWD_REFUSAL in lines[0]
    assert lines[1].startswith("Error: the plan is refused by 1 safety rule (above)")
    assert lines[2] == "Error: the output could not be written (No space left on device)."


def test_apply_of_a_refused_plan_into_a_file_says_why_on_stderr(crowd: None, cli: Any) -> None:
    """QA-GK Q-GK-2: `apply > apply.log` of a refused plan said only "Nothing was applied:
    the plan is refused by 1 safety rule (above)" on the terminal, with nothing above it;
    now the refusal is listed first, as plan does (and apply --quiet)."""
    argv = [sys.executable, "-m", "reconciler", *cli.argv(["apply", "--auto-approve"])]
    with (cli.workdir / "out.txt").open("w") as out, (cli.workdir / "err.txt").open("w") as err:
        code = subprocess.run(
            argv, cwd=cli.workdir, stdin=subprocess.DEVNULL, stdout=out, stderr=err, timeout=60
        ).returncode
    assert code == 1
    said = (cli.workdir / "err.txt").read_text().splitlines()
    assert said[0] == CROWD_REFUSAL
    assert said[-1].startswith("Error: Nothing was applied: the plan is refused by 1 safety rule")
    assert (cli.workdir / "out.txt").read_text().count(CROWD_REFUSAL) == 1  # as before


def test_a_refused_plan_as_a_document_is_not_said_to_have_errors(
    crowd: None, write_desired: Any, cli: Any
) -> None:
    refusal = (
        "Error: refusing this plan: [room crowd] Too many removals: 83.33% is over 25.00% (10/12) "
        "(safety.max_removal_fraction)"
    )
    run = cli("plan", "--format", "json")
    assert run.exit_code == 1
    assert json.loads(run.stdout)["errors"] == []
    assert run.err_lines == [
        refusal,
        "Error: the plan is refused by 1 safety rule (above, and in the json output's "
        "safety.violations): apply applies it only with --allow-unsafe; exit 1.",
    ]
    write_desired({"more.yaml": "rooms: {crowd2: {members: [nobody@example.com]}}"})
    both = cli("plan", "--format", "markdown")
    assert both.err_lines[1:] == [
        refusal,
        "Error: the plan has 1 error and is refused by 1 safety rule (above, and in the "
        "markdown output): apply applies it only with --allow-unsafe; exit 1.",
    ]
    assert both.err_lines[0].startswith("desired-state/more.yaml:1: no Chime room named 'crowd2'")
    assert (
        "**Plan: 0 to add, 0 to change, 10 to remove, but 1 error below: apply refuses this "
        "plan.**" in both.stdout
    )


def test_apply_quiet_and_plan_out_name_both_an_error_and_a_refusal(
    crowd: None, write_desired: Any, cli: Any
) -> None:
    """QA-GK Q-GK-5: a plan with an error that the safety rules also refuse: apply --quiet,
    its closing line and plan --out's note named the error only, so that the next run's
    refusal came as a surprise; now they name both, as plan's stderr does."""
    write_desired({"more.yaml": "rooms: {crowd2: {members: [nobody@example.com]}}"})
    run = cli("apply", "--auto-approve", "--quiet")
    assert run.exit_code == 1
    assert run.err_lines[0].startswith("Error: desired-state/more.yaml:1: no Chime room named")
    assert CROWD_REFUSAL in run.err_lines
    assert run.err_lines[-1] == (
        "Error: Nothing was applied: the plan has 1 error and is refused by 1 safety rule "
        "(above). Fix it and run apply again; apply applies it only with --allow-unsafe."
    )
    saved = cli("plan", "--out", "p.json")
    assert saved.exit_code == 1
    assert (
        "Saved the plan to p.json; it has errors and is refused by 1 safety rule, so apply "
        "will refuse it." in saved.err_lines
    )


def test_allow_unsafe_plans_what_safety_would_refuse(crowd: None, cli: Any) -> None:
    run = cli("plan", "--allow-unsafe")
    assert run.lines == [
        *CROWD_PLAN,
        "",
        "Warning: unsafe plan: [room crowd] Too many removals: 83.33% is over 25.00% (10/12) "
        "(safety.max_removal_fraction)",
        "This plan is refused by 1 safety rule (settings.yaml `safety:`): proceeding anyway, "
        "as --allow-unsafe was given.",
    ]
    assert run.exit_code == 0
    assert cli("plan", "--allow-unsafe", "--detailed-exitcode").exit_code == 2


def test_plan_api_calls_are_the_lower_bound(
    seed: Any, write_desired: Any, cli: Any, calls: Calls
) -> None:
    users = [f"u{i:03}" for i in range(300)]
    fillers = {f"filler{i:03}": [] for i in range(98)}
    rooms: dict[str, list[tuple[str, str]]] = {
        "big": [(u, "Member") for u in users[:250]],
        "mid": [(u, "Member") for u in users[:99]],
        "empty": [],
        **fillers,
    }
    seed(users=users, bots=("PagerBot",), rooms=rooms)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  big: {administrators: [u000@example.com], members: [u001@example.com]}
                  mid: {members: [u250@example.com]}
                  empty: {members: ["bot:PagerBot", u010@example.com]}
                """,
        }
    )
    run = cli("plan")
    assert run.lines[-1] == "Plan: 3 to add, 1 to change, 0 to remove."
    assert run.exit_code == 0
    # The lower bound:
    # - ListRooms: the account's 101 rooms, 99 per page: 2 pages (the names give no ids);
    # - ListRoomMemberships: ceil(250/99) + ceil(99/99) + 1 (an empty room is one call) = 5;
    # - resolution: u000, u001, u010 appear in the listings (free); u250 is in no room:
    #   one ListUsers lookup by e-mail; PagerBot is in no room: one ListBots page.
    assert calls() == {
        "ListBots": 1,
        "ListRoomMemberships": math.ceil(250 / 99) + math.ceil(99 / 99) + 1,
        "ListRooms": math.ceil(101 / 99),
        "ListUsers": 1,
    }


def test_schema_file_plan_prints_the_schema_a_real_plan_validates_against(
    ops: Any, cli: Any
) -> None:
    printed = cli("schema", "--file", "plan")
    assert printed.exit_code == 0
    schema = json.loads(printed.stdout)
    assert schema == plan_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(cli("plan", "--format", "json").stdout), schema)


def test_a_plan_with_errors_in_markdown_says_so_on_stderr_and_its_saved_file_is_not_offered(
    seed: Any, write_desired: Any, cli: Any
) -> None:
    seed(users=("alice",), rooms={"ops": []})
    write_desired(
        {"rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', members: [nobody@example.com]}}}}"}
    )
    run = cli("plan", "--format", "markdown", "--out", "p.json")
    assert run.exit_code == 1
    assert "no Chime user with e-mail nobody@example.com" in run.stdout
    assert run.err_lines == [  # located: CI makes an annotation on the file's line
        "Saved the plan to p.json; it has errors, so apply will refuse it.",
        "desired-state/rooms.yaml:1: no Chime user with e-mail nobody@example.com in account "
        f"{ACCOUNT}",
        "Error: the plan has 1 error (above, and in the markdown output); exit 1.",
    ]
    assert "**No changes planned, but the plan is incomplete: 1 error below.**" in run.stdout


def test_a_room_in_an_account_chime_does_not_have_is_an_error_at_its_line(
    ops: Any, write_desired: Any, cli: Any
) -> None:
    # the other rooms are planned; the plan has an error naming the file and line (it
    # failed as a whole: "ListRooms failed (account ...): NotFoundException")
    write_desired(
        {
            "elsewhere.yaml": """
                rooms:
                  ghost:
                    account: "999999999999"
                    members: [alice@example.com]
                """
        }
    )
    run = cli("plan")
    assert run.exit_code == 1
    assert (
        "Error: desired-state/elsewhere.yaml:2: no Chime account 999999999999 "
        "(ListRooms answered NotFoundException)"
    ) in run.lines
    # incident, releases, quiet: planned as before; the closing line says apply refuses it
    assert run.lines[-1] == f"{ops.plan[-1][:-1]}, but 1 error above: apply refuses this plan."


NOTHING_DECLARED = "No changes, but nothing was compared: the desired state declares no target."


def test_a_desired_state_declaring_no_target_does_not_claim_chime_matches_it(
    ops: Any, write_desired: Any, cli: Any
) -> None:
    """Only settings.yaml, while Chime has rooms: the plan said `Chime memberships match
    the desired state` though it compared nothing (QA-FX Q-FX-3). Now it says so, as the
    empty shard does; no change is due (exit 0, and 0 with --detailed-exitcode)."""
    root = write_desired({})
    (root / "rooms.yaml").unlink()
    for args in (("plan",), ("plan", "--detailed-exitcode"), ("apply", "--auto-approve")):
        run = cli(*args)
        assert run.exit_code == 0, run.stdout + run.stderr
        assert run.lines[-1] == NOTHING_DECLARED
    markdown = cli("plan", "--format", "markdown")
    assert f"**{NOTHING_DECLARED}**" in markdown.stdout
