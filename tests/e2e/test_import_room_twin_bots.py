"""`import` of a room holding a bot whose name another Chime bot of the account has
(QA-EY Q-EY-2): the plan refuses a room naming such a ``bot:NAME`` (Q-EU-1), so import
leaves the membership out with a comment and a warning naming the room and the bots, and
writes the room with ``prune: false``; the plan right after shows it as drift, not an
error. ListBots once per account, only where a room read has a bot. The real CLI, boto3
and the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
WHY = (
    f"2 Chime bots named 'Pager' in account {ACCOUNT} (b1, b2): bot names are not unique, "
    "and a room names a bot by its name only: Chime cannot rename a bot (UpdateBot only "
    "disables it): declare one whose name is its own"
)
DRIFT = "No changes, but Chime has {} the desired state does not declare."


def _seed(ops: list[str]) -> dict[str, Any]:
    admin = {"member": "alice@example.com", "role": "Administrator"}
    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "Example Corp",
                "users": [
                    {"id": "ua", "email": "alice@example.com"},
                    {"id": "ub", "email": "bob@example.com"},
                ],
                "bots": [
                    {"id": "b1", "name": "Pager"},
                    {"id": "b2", "name": "Pager"},
                    {"id": "b3", "name": "Solo"},
                ],
                "rooms": [
                    {
                        "id": "r1",
                        "name": "ops",
                        "memberships": [admin, *({"member": b} for b in ops)],
                    },
                    {"id": "r3", "name": "calm", "memberships": [admin]},
                ],
            }
        ]
    }


def _imported(emulator: EmulatorServer, cli: Any, ops: list[str]) -> tuple[Any, str]:
    emulator.reset(_seed(ops))
    emulator.reset_calls()
    run = cli.raw(
        "--endpoint-url",
        emulator.url,
        "--desired",
        "none",
        "import",
        "--account",
        ACCOUNT,
        "--out",
        "ds",
    )
    assert run.exit_code == 0, run.stderr
    return run, (Path(cli.workdir) / "ds" / "rooms" / "ops.yaml").read_text(encoding="utf-8")


def test_import_leaves_out_a_bot_whose_name_another_bot_has_and_plan_shows_drift(
    emulator: EmulatorServer, cli: Any
) -> None:
    run, text = _imported(emulator, cli, ["b1", "b3"])
    assert emulator.calls() == {"ListRooms": 1, "ListRoomMemberships": 2, "ListBots": 1}
    assert run.stderr.splitlines() == [f"Warning: bot:Pager in room ops (id r1) is left out: {WHY}"]
    ops = yaml.safe_load(text)["rooms"]["ops"]
    assert ops["members"] == ["bot:Solo"]
    assert ops["prune"] is False
    assert f"    # Left out: Bot Pager (id b1, Member): {WHY}." in text.splitlines()
    plan = cli.raw("--endpoint-url", emulator.url, "--desired", "ds", "plan")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert "    not in the desired state: bot:Pager (Member)" in plan.lines
    assert plan.lines[-1] == DRIFT.format("1 member")


def test_import_leaves_out_both_bots_of_one_name_in_one_room(
    emulator: EmulatorServer, cli: Any
) -> None:
    run, text = _imported(emulator, cli, ["b1", "b2"])
    assert run.stderr.splitlines() == [f"Warning: bot:Pager in room ops (id r1) is left out: {WHY}"]
    assert yaml.safe_load(text)["rooms"]["ops"]["members"] == []
    lines = text.splitlines()
    assert f"    # Left out: Bot Pager (id b1, Member): {WHY}." in lines
    assert f"    # Left out: Bot Pager (id b2, Member): {WHY}." in lines
    plan = cli.raw("--endpoint-url", emulator.url, "--desired", "ds", "plan")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert plan.lines[-1] == DRIFT.format("2 members")


def test_import_of_rooms_without_bots_lists_no_bots(emulator: EmulatorServer, cli: Any) -> None:
    run, _ = _imported(emulator, cli, [])
    assert emulator.calls() == {"ListRooms": 1, "ListRoomMemberships": 2}
    assert "Warning" not in run.stderr


def _adopt(emulator: EmulatorServer, cli: Any) -> Any:
    emulator.reset_calls()
    return cli.raw("--endpoint-url", emulator.url, "--desired", "ds", "import", "--adopt")


def test_adopt_skips_a_bot_whose_name_another_bot_has_and_adopts_the_rest(
    emulator: EmulatorServer, cli: Any
) -> None:
    """`import --adopt` wrote `bot:Pager` (twice where both Pagers are in the room): the
    plan refused it, or the file did not load ("a bug"), and nothing was adopted (QA-FD
    Q-FD-2). The rooms' provider says such a bot is undeclarable, as the channels' does:
    it is named once per room and skipped, and the rest is adopted."""
    _imported(emulator, cli, ["b1", "b2"])
    chime = boto3.client(
        "chime",
        endpoint_url=emulator.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    chime.create_room_membership(AccountId=ACCOUNT, RoomId="r1", MemberId="ub")
    adopt = _adopt(emulator, cli)
    assert adopt.exit_code == 0, adopt.stderr
    assert adopt.stderr.splitlines() == [f"Warning: bot:Pager in room ops: {WHY}; not adopted"]
    assert adopt.lines[0] == "Adopted 1 member into 1 file (1 to members):"
    assert emulator.calls()["ListBots"] == 1  # once a run, asked for the drift's bot
    ops = yaml.safe_load((Path(cli.workdir) / "ds" / "rooms" / "ops.yaml").read_text())
    assert ops["rooms"]["ops"]["members"] == ["bob@example.com"]
    plan = cli.raw("--endpoint-url", emulator.url, "--desired", "ds", "plan")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert plan.lines[-1] == DRIFT.format("2 members")


@pytest.mark.parametrize(("bots", "count"), [(["b1"], "1 member"), (["b1", "b2"], "2 members")])
def test_adopt_of_only_bots_whose_name_another_bot_has_adopts_nothing_and_says_why(
    emulator: EmulatorServer, cli: Any, bots: list[str], count: str
) -> None:
    # both Pagers in the room: one warning (they share a name), but two members left out,
    # as the plan counts them; it said 1 (the warnings, deduplicated)
    _, text = _imported(emulator, cli, bots)
    adopt = _adopt(emulator, cli)
    assert adopt.exit_code == 1
    assert adopt.stderr.splitlines() == [
        f"Warning: bot:Pager in room ops: {WHY}; not adopted",
        f"Error: Nothing was adopted: {count} not in the desired state cannot be adopted (above).",
    ]
    assert (Path(cli.workdir) / "ds" / "rooms" / "ops.yaml").read_text() == text


def test_import_that_leaves_members_out_expects_the_drift_plan_shows(
    emulator: EmulatorServer, cli: Any
) -> None:
    """The `Next:` line promised `No changes.` where the plan it names then says Chime has
    members the desired state does not declare (exit 2 with --detailed-exitcode; QA-FD
    Q-FD-3): it says what that plan says."""
    run, _ = _imported(emulator, cli, ["b1", "b2"])
    assert run.lines[-1] == (
        "Next: chime-reconciler --desired ds plan   (expect: No changes, but Chime has 2 "
        "members the desired state does not declare: those left out)"
    )
    plan = cli.raw("--endpoint-url", emulator.url, "--desired", "ds", "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.stdout + plan.stderr
    assert plan.lines[-1] == DRIFT.format("2 members")
