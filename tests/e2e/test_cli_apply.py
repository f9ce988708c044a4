"""`chime-reconciler apply` through the CLI, against the emulator over real HTTP: it
converges, with the fewest write calls, through injected faults; it reports what fails and
applies the rest; it applies saved plans and refuses stale ones; it asks before changing
anything, and refuses to ask where nobody can answer."""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
Calls = Callable[[], dict[str, int]]
Members = Callable[[str], dict[str, str]]
READS = {"ListRooms", "ListRoomMemberships", "ListUsers", "ListBots"}
PROMPT = "Do you want to perform these actions? Only 'yes' will be accepted: "
OPS_APPLIED = "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
OPS_INCIDENT_AFTER = {
    "uid-alice": "Administrator",
    "uid-bob": "Administrator",
    "uid-dave": "Member",
    "bid-PagerBot": "Member",
    "wid-Alerts": "Member",
}
OPS_RELEASES_AFTER = {"uid-dave": "Administrator", "uid-erin": "Member", "uid-frank": "Member"}


def test_apply_converges_and_plan_then_has_no_changes(
    ops: Any, cli: Any, members: Members, calls: Calls
) -> None:
    run = cli("apply", "--auto-approve")
    assert run.lines == [*ops.plan, "", OPS_APPLIED]
    assert run.exit_code == 0
    assert calls() == {
        # the plan: 3 rooms by name (one ListRooms page), one listing each; PagerBot is in
        # no room: one ListBots page (every declared user is in some room's listing)
        "ListRooms": 1,
        "ListBots": 1,
        # writes: one batch per room gaining members, one update, one removal
        "BatchCreateRoomMembership": 2,
        "UpdateRoomMembership": 1,
        "DeleteRoomMembership": 1,
        # and the verification lists the 2 changed rooms again
        "ListRoomMemberships": 3 + 2,
    }
    assert members("incident") == OPS_INCIDENT_AFTER
    assert members("releases") == OPS_RELEASES_AFTER
    again = cli("plan", "--detailed-exitcode")
    assert (again.exit_code, again.lines) == (ops.converged_exit, ops.no_changes)


def test_apply_with_nothing_to_do_changes_nothing_and_needs_no_terminal(
    ops: Any, cli: Any, calls: Calls
) -> None:
    cli("apply", "--auto-approve")
    before = ops.emulator.state()
    run = cli("apply")
    assert (run.exit_code, run.lines, run.stderr) == (0, ops.no_changes, "")
    assert ops.emulator.state() == before


def test_apply_target_changes_only_that_room(
    ops: Any, cli: Any, calls: Calls, members: Members
) -> None:
    incident = members("incident")
    run = cli("apply", "--target", "releases", "--auto-approve")
    assert run.lines == [
        f"# room releases (account {ACCOUNT}, id room-releases)",
        "  + frank@example.com (Member)",
        "    not in the desired state: erin@example.com (Member)",
        "",
        *ops.drift,
        "",
        "Plan: 1 to add, 0 to change, 0 to remove.",
        "",
        "Apply complete! Memberships: 1 added, 0 changed, 0 removed.",
    ]
    assert run.exit_code == 0
    assert members("releases") == OPS_RELEASES_AFTER
    assert members("incident") == incident
    assert calls() == {
        "ListRooms": 1,
        "ListRoomMemberships": 1 + 1,  # the plan, the verification
        "ListUsers": 1,  # frank is listed only in a room out of scope
        "BatchCreateRoomMembership": 1,
    }


@pytest.fixture
def growing(seed: Any, write_desired: Any) -> None:
    """Room grow (pruned): 120 members to add, 1 promotion, 1 demotion, 3 removals."""
    newcomers = [f"u{i:03}" for i in range(10, 130)]
    seed(
        users=[f"u{i:03}" for i in range(130)] + ["gone1", "gone2", "gone3"],
        rooms={
            "grow": [
                ("u000", "Administrator"),
                ("u001", "Member"),
                ("u002", "Administrator"),
                ("gone1", "Member"),
                ("gone2", "Member"),
                ("gone3", "Member"),
            ]
        },
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"""
                rooms:
                  grow:
                    prune: true
                    administrators: [u000@example.com, u001@example.com]
                    members: [u002@example.com, {", ".join(f"{u}@example.com" for u in newcomers)}]
                """,
        }
    )


def test_apply_write_calls_are_the_lower_bound(
    growing: None, cli: Any, calls: Calls, members: Members
) -> None:
    run = cli("apply", "--auto-approve")
    assert run.lines[-3:] == [
        "Plan: 120 to add, 2 to change, 3 to remove.",
        "",
        "Apply complete! Memberships: 120 added, 2 changed, 3 removed.",
    ]
    assert run.exit_code == 0
    assert len(members("grow")) == 123
    assert calls() == {
        # writes: ceil(120 / 50) batches; one call per role change and per removal
        "BatchCreateRoomMembership": math.ceil(120 / 50),
        "UpdateRoomMembership": 2,
        "DeleteRoomMembership": 3,
        # reads: the plan (one page of ListRooms; the room's 6 members; the 120 newcomers
        # are in no room: one ListUsers page of the account's 133 users), then the
        # verification (the room's 123 members, by the id in the plan: 2 pages)
        "ListRooms": 1,
        "ListRoomMemberships": 1 + math.ceil(123 / 99),
        "ListUsers": 1,
    }


def test_bots_gaining_and_losing_administrator_cost_one_batch_with_the_new_members(
    seed: Any, write_desired: Any, cli: Any, calls: Calls, members: Members
) -> None:
    """Bots change roles by delete and re-create: each costs a delete and a place in the
    room's one batch (carol stays administrator, so DeployBot may leave first)."""
    seed(
        users=["carol", "dan", "eve"],
        bots=["PagerBot", "DeployBot"],
        rooms={
            "ops": [
                ("carol", "Administrator"),
                ("bot:PagerBot", "Member"),
                ("bot:DeployBot", "Administrator"),
            ]
        },
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": """
                rooms:
                  ops:
                    administrators: [carol@example.com, "bot:PagerBot"]
                    members: [dan@example.com, eve@example.com, "bot:DeployBot"]
                """,
        }
    )
    run = cli("apply", "--auto-approve")
    assert run.lines[-1] == "Apply complete! Memberships: 2 added, 2 changed, 0 removed."
    assert run.exit_code == 0
    writes = {k: v for k, v in calls().items() if k not in READS}
    assert writes == {"BatchCreateRoomMembership": 1, "DeleteRoomMembership": 2}
    assert members("ops") == {
        "uid-carol": "Administrator",
        "bid-PagerBot": "Administrator",
        "bid-DeployBot": "Member",
        "uid-dan": "Member",
        "uid-eve": "Member",
    }


def test_apply_converges_through_throttling_server_errors_and_item_failures(
    ops: Any, write_desired: Any, cli: Any, calls: Calls, members: Members
) -> None:
    newcomers = [f"n{i:02}" for i in range(60)]
    account = ops.emulator.state()["accounts"][0]
    account["users"] += [{"id": f"uid-{n}", "email": f"{n}@example.com"} for n in newcomers]
    ops.emulator.reset({"accounts": [account]})
    emails = ", ".join(f"{n}@example.com" for n in newcomers)
    write_desired(
        {
            "rooms.yaml": f"""
                rooms:
                  incident:
                    prune: true
                    administrators: [alice@example.com]
                    members: [dave@example.com, "bot:PagerBot"]
                  releases:
                    administrators: [dave@example.com]
                    members: [frank@example.com, {emails}]
                  quiet:
                    administrators: [frank@example.com]
                """
        }
    )
    ops.emulator.set_faults(throttle_rate=0.2, error_rate=0.2, item_error_rate=0.2, seed=5)
    run = cli("apply", "--auto-approve")
    assert run.lines[-3:] == [
        "Plan: 63 to add, 1 to change, 1 to remove.",
        "",
        "Apply complete! Memberships: 63 added, 1 changed, 1 removed.",
    ]
    assert run.exit_code == 0
    counts = calls()
    assert counts["Throttled"] > 0
    assert counts["BatchCreateRoomMembership"] > math.ceil(61 / 50) + 1  # retried
    ops.emulator.set_faults()
    assert cli("plan", "--detailed-exitcode").exit_code == ops.converged_exit
    # undeclared members of the unpruned room, the webhook and the protected administrator
    # are all still there
    assert members("releases")["uid-erin"] == "Member"
    assert members("incident") == OPS_INCIDENT_AFTER


def test_saved_plan_whose_member_left_the_account_since_is_refused_as_stale(
    ops: Any, cli: Any, members: Members
) -> None:
    # (issue 14: apply FILE plans again, so a member gone since is found before any call
    # that changes something; it used to be applied and fail for that member only)
    assert cli("plan", "--out", "p.json").exit_code == 0
    state = ops.emulator.state()
    account = state["accounts"][0]
    without_frank = {
        **account,
        "users": [u for u in account["users"] if u["id"] != "uid-frank"],
        "rooms": [
            {**r, "memberships": [m for m in r["memberships"] if m["member"] != "uid-frank"]}
            for r in account["rooms"]
        ],
    }
    ops.emulator.reset({"accounts": [without_frank]})
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert run.stdout == ""
    assert run.err_lines == [
        "Error: Saved plan is stale: a plan made now has errors: desired-state/rooms.yaml:8: "
        f"no Chime user with e-mail frank@example.com in account {ACCOUNT}; run plan again."
    ]
    assert run.exit_code == 1
    assert ops.emulator.state() == before


def test_saved_plan_is_applied_without_asking_in_the_fewest_calls(
    ops: Any, cli: Any, members: Members, calls: Calls, workdir: Path
) -> None:
    saved = cli("plan", "--out", "p.json")
    assert saved.lines == ops.plan
    assert saved.err_lines == [  # issue 15: the exact command, global options included
        "Saved the plan to p.json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "apply p.json",
    ]
    assert (workdir / "p.json").is_file()
    ops.emulator.reset_calls()
    run = cli("apply", "p.json")  # stdin is not a terminal: asking would be refused
    assert run.lines == [*ops.plan, "", OPS_APPLIED]
    assert run.exit_code == 0
    assert calls() == {
        # (issue 14) the 2 rooms the plan changes are planned again, as `plan --target`
        # would: ListRooms for their ids, their listings, the members to resolve; the
        # verification lists them again
        "ListRooms": 1,
        "ListUsers": 1,
        "ListBots": 1,
        "ListRoomMemberships": 2 + 2,
        "BatchCreateRoomMembership": 2,
        "UpdateRoomMembership": 1,
        "DeleteRoomMembership": 1,
    }
    assert members("releases") == OPS_RELEASES_AFTER
    assert cli("plan", "--detailed-exitcode").exit_code == ops.converged_exit


def test_saved_plan_file_name_is_printed_as_given(ops: Any, cli: Any, workdir: Path) -> None:
    run = cli("plan", "--out", "plan[bold].json")
    assert run.err_lines == [
        "Saved the plan to plan[bold].json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "apply 'plan[bold].json'",
    ]
    assert cli("apply", "plan[bold].json").exit_code == 0


def test_the_printed_apply_command_keeps_the_rates_used(ops: Any, cli: Any) -> None:
    # QA5 Q5-5: --rate was dropped (the suggested apply paced at the defaults); each quota
    # once, at the rate this run used (the last --rate naming it)
    rates = ["--rate", "chime=5", "--rate", "meetings=off", "--rate", " chime = 2.50 "]
    run = cli("--api-process", "off", *rates, "plan", "--out", "p.json")
    assert run.err_lines == [
        "Saved the plan to p.json. Apply exactly this plan with:",
        f"  chime-reconciler --desired desired-state --endpoint-url {cli.endpoint_url} "
        "--api-process off --rate chime=2.5 --rate meetings=off apply p.json",
    ]
    printed = shlex.split(run.err_lines[1])
    applied = cli.raw(*printed[1:])  # the command as printed, word for word
    assert (applied.exit_code, applied.lines[-1]) == (0, OPS_APPLIED), applied.stderr


def test_saved_plan_is_refused_when_a_room_changed_since(
    ops: Any, cli: Any, chime: Any, calls: Calls
) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    chime.create_room_membership(
        AccountId=ACCOUNT, RoomId="room-releases", MemberId="uid-carol", Role="Member"
    )
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert run.stdout == ""
    assert run.err_lines == [
        "Error: Saved plan is stale: room releases changed since the plan was made; run plan again."
    ]
    assert run.exit_code == 1
    assert ops.emulator.state() == before
    assert set(calls()) <= READS | {"CreateRoomMembership"}


def test_saved_plan_is_refused_when_a_room_is_gone(ops: Any, cli: Any, calls: Calls) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    account = ops.emulator.state()["accounts"][0]
    rooms = [r for r in account["rooms"] if r["id"] != "room-releases"]
    ops.emulator.reset({"accounts": [{**account, "rooms": rooms}]})
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert run.err_lines == [
        "Error: Saved plan is stale: room releases no longer exists (id room-releases); "
        "run plan again."
    ]
    assert run.exit_code == 1
    assert ops.emulator.state() == before
    assert set(calls()) <= READS


def test_saved_plan_is_refused_when_the_desired_files_changed_since(
    ops: Any, cli: Any, write_desired: Any, calls: Calls
) -> None:
    assert cli("plan", "--out", "p.json").exit_code == 0
    write_desired({"extra.yaml": "groups:\n  spare: [erin@example.com]\n"})
    before = ops.emulator.state()
    run = cli("apply", "p.json")
    assert run.err_lines == [
        "Error: Saved plan is stale: the desired-state files changed since the plan was made; "
        "run plan again."
    ]
    assert run.exit_code == 1
    assert ops.emulator.state() == before
    assert set(calls()) <= READS


REFUSED = (
    "Error: Nothing was applied: the plan is refused by 2 safety rules (above): apply applies "
    "it only with --allow-unsafe."
)


def a_crowd_to_prune(seed: Any, write_desired: Any) -> None:
    """12 members of crowd, all declared away but u00 (an administrator): 11 removals, over
    the default safety limits."""
    crowd = [f"u{i:02}" for i in range(12)]
    seed(users=crowd, rooms={"crowd": [(u, "Member") for u in crowd]})
    write_desired(
        {
            "rooms.yaml": f"""
                rooms:
                  crowd: {{account: "{ACCOUNT}", prune: true, administrators: [u00@example.com]}}
                """
        }
    )


def test_unsafe_plan_is_not_applied_unless_allowed(
    seed: Any, write_desired: Any, cli: Any, members: Members
) -> None:
    a_crowd_to_prune(seed, write_desired)
    refused = cli("apply", "--auto-approve")
    assert refused.lines[-5:] == [
        "Plan: 0 to add, 1 to change, 11 to remove.",
        "",
        "Error: refusing this plan: Too many removals: 11 is over the limit of 10 "
        "(safety.max_removals)",
        "Error: refusing this plan: [room crowd] Too many removals: 91.67% is over 25.00% (11/12) "
        "(safety.max_removal_fraction)",
        "This plan is refused by 2 safety rules (settings.yaml `safety:`): apply applies it "
        "only with --allow-unsafe.",
    ]
    assert refused.exit_code == 1
    # the outcome on stderr, as for a plan with errors (QA-GB Q-GB-2: nothing was said there)
    assert refused.err_lines[-1] == REFUSED  # after the refusals (stdout no terminal: Q-GK-2)
    assert len(members("crowd")) == 12
    allowed = cli("apply", "--auto-approve", "--allow-unsafe")
    assert allowed.lines[-7:] == [
        "Plan: 0 to add, 1 to change, 11 to remove.",
        "",
        "Warning: unsafe plan: Too many removals: 11 is over the limit of 10 (safety.max_removals)",
        "Warning: unsafe plan: [room crowd] Too many removals: 91.67% is over 25.00% (11/12) "
        "(safety.max_removal_fraction)",
        "This plan is refused by 2 safety rules (settings.yaml `safety:`): proceeding anyway, "
        "as --allow-unsafe was given.",
        "",
        "Apply complete! Memberships: 0 added, 1 changed, 11 removed.",
    ]
    assert allowed.exit_code == 0
    assert members("crowd") == {"uid-u00": "Administrator"}


def test_quiet_apply_of_an_unsafe_plan_still_says_it_was_allowed(
    seed: Any, write_desired: Any, cli: Any, members: Members
) -> None:
    # a CI log of `apply --quiet --allow-unsafe` shows that the safety rules were overridden
    a_crowd_to_prune(seed, write_desired)
    allowed = cli("apply", "--auto-approve", "--allow-unsafe", "--quiet")
    assert allowed.exit_code == 0
    assert allowed.err_lines == [
        "Warning: unsafe plan: Too many removals: 11 is over the limit of 10 (safety.max_removals)",
        "Warning: unsafe plan: [room crowd] Too many removals: 91.67% is over 25.00% (11/12) "
        "(safety.max_removal_fraction)",
        "This plan is refused by 2 safety rules (settings.yaml `safety:`): proceeding anyway, "
        "as --allow-unsafe was given.",
    ]
    assert allowed.lines[-1] == "Apply complete! Memberships: 0 added, 1 changed, 11 removed."
    assert members("crowd") == {"uid-u00": "Administrator"}


def test_plan_with_errors_is_not_applied_and_the_last_line_says_why(
    ops: Any, write_desired: Any, cli: Any, calls: Calls
) -> None:
    # ghost is unknown (an error); the 2 removals break max_removals (--allow-unsafe allows)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety: {{max_removals: 0}}\n",
            "rooms.yaml": "rooms:\n  incident: {prune: true, members: [ghost@example.com]}\n",
        }
    )
    for extra in ((), ("--allow-unsafe",)):
        run = cli("apply", "--auto-approve", *extra)
        assert run.exit_code == 1
        assert "proceeding anyway" not in run.stdout
        closing = (  # the safety rules counted too, unless overridden (Q-GK-5)
            "Error: Nothing was applied: the plan has 1 error and is refused by 2 safety rules "
            "(above). Fix it and run apply again; apply applies it only with --allow-unsafe."
        )
        if extra:
            closing = (
                "Error: Nothing was applied: the plan has 1 error (above). Fix it and run apply "
                "again."
            )
        assert run.err_lines[-1] == closing
        # nothing proceeds: no "proceeding anyway" beside "Nothing was applied" (Q-HB-6)
        assert "proceeding anyway" not in run.stderr
        assert not {"BatchCreateRoomMembership", "DeleteRoomMembership"} & set(calls())


def test_quiet_apply_allow_unsafe_with_errors_does_not_say_it_proceeds(
    ops: Any, write_desired: Any, cli: Any, calls: Calls
) -> None:
    """QA-HB Q-HB-6: ``apply --quiet --allow-unsafe`` of a plan with an error said "proceeding
    anyway, as --allow-unsafe was given" right before "Nothing was applied"; like the text
    plan, it now warns of the overridden rules only."""
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\nsafety: {{max_removals: 0}}\n",
            "rooms.yaml": "rooms:\n  incident: {prune: true, members: [ghost@example.com]}\n",
        }
    )
    run = cli("apply", "--auto-approve", "--quiet", "--allow-unsafe")
    assert (run.exit_code, run.stdout) == (1, "")
    assert "proceeding anyway" not in run.stderr
    assert run.err_lines[0] == (
        "Error: desired-state/rooms.yaml:2: no Chime user with e-mail ghost@example.com "
        f"in account {ACCOUNT}"
    )
    assert run.err_lines[1].startswith("Warning: unsafe plan: Too many removals: 3 is over")
    assert run.err_lines[-1] == (
        "Error: Nothing was applied: the plan has 1 error (above). Fix it and run apply again."
    )
    assert not {"BatchCreateRoomMembership", "DeleteRoomMembership"} & set(calls())


def test_quiet_apply_of_a_plan_with_errors_names_them_above_its_last_line(
    ops: Any, write_desired: Any, cli: Any, calls: Calls
) -> None:
    """--quiet prints no plan: the errors its last line points to ("(above)") are printed
    on stderr all the same (they were not: nothing was above)."""
    write_desired({"rooms.yaml": "rooms:\n  incident: {members: [ghost@example.com]}\n"})
    run = cli("apply", "--auto-approve", "--quiet")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        "Error: desired-state/rooms.yaml:2: no Chime user with e-mail ghost@example.com "
        f"in account {ACCOUNT}",
        "Error: Nothing was applied: the plan has 1 error (above). Fix it and run apply again.",
    ]
    assert not {"BatchCreateRoomMembership", "DeleteRoomMembership"} & set(calls())


def test_quiet_apply_of_an_unsafe_plan_says_why_it_is_refused(
    seed: Any, write_desired: Any, cli: Any, members: Members
) -> None:
    a_crowd_to_prune(seed, write_desired)
    refused = cli("apply", "--auto-approve", "--quiet")
    assert (refused.exit_code, refused.stdout) == (1, "")
    assert refused.err_lines == [
        "Error: refusing this plan: Too many removals: 11 is over the limit of 10 "
        "(safety.max_removals)",
        "Error: refusing this plan: [room crowd] Too many removals: 91.67% is over 25.00% (11/12) "
        "(safety.max_removal_fraction)",
        # where the limits come from and the override, as without --quiet (QA-B Q-B-2)
        "This plan is refused by 2 safety rules (settings.yaml `safety:`): apply applies it "
        "only with --allow-unsafe.",
        REFUSED,
    ]
    assert len(members("crowd")) == 12


def test_apply_of_a_saved_refused_plan_says_nothing_was_applied_on_stderr(
    seed: Any, write_desired: Any, cli: Any, members: Members
) -> None:
    a_crowd_to_prune(seed, write_desired)
    assert cli("plan", "--out", "p.json").exit_code == 1
    refused = cli("apply", "p.json")
    assert refused.exit_code == 1
    assert refused.err_lines[-1] == REFUSED
    assert len(members("crowd")) == 12


def test_confirmation_answered_yes_applies(ops: Any, cli: Any, members: Members) -> None:
    run = cli.on_terminal("apply", answer="yes")
    assert run.lines == [*ops.plan, "", PROMPT, OPS_APPLIED]
    assert (run.exit_code, run.stderr) == (0, "")
    assert members("releases") == OPS_RELEASES_AFTER


def test_confirmation_answered_otherwise_changes_nothing(ops: Any, cli: Any, calls: Calls) -> None:
    before = ops.emulator.state()
    run = cli.on_terminal("apply", answer="y")
    assert run.lines == [*ops.plan, "", PROMPT + "Apply cancelled."]
    assert run.exit_code == 1
    assert ops.emulator.state() == before
    assert set(calls()) <= READS


def test_confirmation_ended_with_ctrl_d_changes_nothing(ops: Any, cli: Any, calls: Calls) -> None:
    before = ops.emulator.state()
    run = cli.on_terminal("apply", answer="\x04")  # end of input at the prompt
    assert run.lines == [*ops.plan, "", PROMPT, "Apply cancelled."]
    assert (run.exit_code, run.stderr) == (1, "")
    assert ops.emulator.state() == before
    assert set(calls()) <= READS


def test_apply_without_terminal_or_auto_approve_refuses(ops: Any, cli: Any, calls: Calls) -> None:
    before = ops.emulator.state()
    run = cli("apply")
    assert run.lines == ops.plan
    assert run.err_lines == [
        "Error: apply needs confirmation but stdin is not a terminal; run with "
        "--auto-approve, or apply a saved plan file"
    ]
    assert run.exit_code == 1
    assert ops.emulator.state() == before
    assert set(calls()) <= READS


def test_a_change_undone_during_the_apply_fails_verification(
    seed: Any,
    write_desired: Any,
    cli: Any,
    chime: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    # Another administrator removes bob (through the real API) right after the tool's
    # batch added him: the re-read after apply must notice, and apply must exit 1.
    from reconciler.providers.rooms import RoomsProvider

    seed(users=("alice", "bob"), rooms={"ops": [("alice", "Administrator")]})
    write_desired(
        {
            "rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', "
            "administrators: [alice@example.com], members: [bob@example.com]}}"
        }
    )
    create = RoomsProvider.create_members

    def create_then_someone_removes_bob(self: RoomsProvider, *args: Any) -> Any:
        errors = create(self, *args)
        chime.delete_room_membership(AccountId=ACCOUNT, RoomId="room-ops", MemberId="uid-bob")
        return errors

    monkeypatch.setattr(RoomsProvider, "create_members", create_then_someone_removes_bob)
    out = tmp_path / "result.json"
    run = cli("apply", "--auto-approve", "--out", str(out))
    # not "Apply complete!": the result's ``complete`` is false, exit 1 (QA-AH Q-AH-3)
    assert run.lines[-1] == (
        "Apply incomplete: 1 applied change not found when verified. Memberships: 1 added, "
        "0 changed, 0 removed."
    )
    # the change that did not hold is named, with what the re-read found (QA3 Q9)
    assert run.err_lines == [
        "Verification: 1 applied change not found in the live state after apply "
        "(the live state moved during the apply?); run plan again:",
        "  ? + bob@example.com (Member) in ops: not found as Member when read after the "
        "apply (now: absent)",
    ]
    assert run.exit_code == 1
    result = json.loads(out.read_text())
    assert (result["complete"], result["verified"]) == (False, False)
    assert [(c["member"], c["outcome"], c["verified"]) for c in result["changes"]] == [
        ("bob@example.com", "ok", False)
    ]


def test_a_role_change_and_a_removal_undone_during_the_apply_fail_verification(
    seed: Any, write_desired: Any, cli: Any, chime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Right after the tool's calls, another administrator demotes bob (whom the apply
    # promoted) and adds carol back (whom it removed): both changes are named, exit 1
    # (QA-AC Q-AC-2: only an undone create was tested).
    from reconciler.providers.rooms import RoomsProvider

    seed(
        users=("alice", "bob", "carol"),
        rooms={"ops": [("alice", "Administrator"), ("bob", "Member"), ("carol", "Member")]},
    )
    write_desired(
        {
            "rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', prune: true, "
            "administrators: [alice@example.com, bob@example.com]}}"
        }
    )
    update, delete = RoomsProvider.update_role, RoomsProvider.delete_member

    def update_then_someone_demotes_bob(self: RoomsProvider, *args: Any) -> Any:
        done = update(self, *args)
        chime.update_room_membership(
            AccountId=ACCOUNT, RoomId="room-ops", MemberId="uid-bob", Role="Member"
        )
        return done

    def delete_then_someone_adds_carol_back(self: RoomsProvider, *args: Any) -> Any:
        done = delete(self, *args)
        chime.create_room_membership(
            AccountId=ACCOUNT, RoomId="room-ops", MemberId="uid-carol", Role="Member"
        )
        return done

    monkeypatch.setattr(RoomsProvider, "update_role", update_then_someone_demotes_bob)
    monkeypatch.setattr(RoomsProvider, "delete_member", delete_then_someone_adds_carol_back)
    run = cli("apply", "--auto-approve", "--format", "json")
    # then the closing line, once verified: incomplete, as the result (QA-AH Q-AH-3)
    assert run.err_lines[-5:] == [
        "Verification: 2 applied changes not found in the live state after apply "
        "(the live state moved during the apply?); run plan again:",
        "  ? ~ bob@example.com: Member -> Administrator in ops: not found as Administrator "
        "when read after the apply (now: Member)",
        "  ? - carol@example.com (Member) in ops: still there when read after the apply "
        "(as Member)",
        "",
        "Apply incomplete: 2 applied changes not found when verified. Memberships: 0 added, "
        "1 changed, 1 removed.",
    ]
    assert run.exit_code == 1
    result = json.loads(run.stdout)
    assert result["verified"] is False
    assert {c["member"]: (c["outcome"], c["verified"]) for c in result["changes"]} == {
        "bob@example.com": ("ok", False),
        "carol@example.com": ("ok", False),
    }
