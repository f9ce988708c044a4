"""A protection through a `protected:` group entry with `until:` (QA-K Q-K-1), from the
command line: `audit` says until when the member is protected, not "never removed", and
a plan saved with a `--now` after the protection's end is refused as one whose moment
has not come yet, naming the protection, not as an edited plan; after it, the removal
carries the entry's reason (QA-AO Q-AO-3); and so where its end demotes a member the
files declare with a lower role (QA-AO Q-AO-4). The CLI, the real boto3
client and the emulator over HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.capabilities import Capabilities
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def oncall(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> str:
    """dave: Administrator of the pruned room ops, which does not declare him, protected
    through @oncall until 3 days from now."""
    emulator.reset(
        seed_doc(
            users=("alice", "dave"),
            rooms={"ops": [("alice", "Administrator"), ("dave", "Administrator")]},
        )
    )
    end = day(3)
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                prune: true
                protected: ["@oncall"]
                """,
            "ops.yaml": f"""
                groups:
                  oncall:
                    - {{member: dave@example.com, until: {end}, reason: on-call week}}
                rooms:
                  ops:
                    administrators: [alice@example.com]
                """,
        }
    )
    return end


def test_audit_says_until_when_the_member_is_protected(oncall: str, cli: Any) -> None:
    run = cli("audit", "dave@example.com", "--now", oncall)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        f"not declared: kept, protected until {oncall} (declared at desired-state/ops.yaml:3; "
        "removed after it)"
    ) in run.stdout
    assert "never removed" not in run.stdout


def test_a_plan_saved_past_the_protections_end_has_not_come_yet(
    oncall: str, cli: Any, emulator: EmulatorServer, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    made = cli("plan", "--now", day(4), "--out", str(saved))
    assert made.exit_code == 0, made.stdout + made.stderr
    run = cli("apply", str(saved))
    assert run.exit_code == 1
    assert run.err_lines[0].startswith(
        f"Error: Saved plan was made as of --now {day(4)}, which has not come yet"
    )
    assert (
        f"Error:   not ended yet: dave@example.com in room ops: protected until {oncall} "
        "(3 days left), declared at desired-state/ops.yaml:3"
    ) in run.err_lines
    assert "was it edited?" not in run.stderr
    assert emulator.backend.room_members(ACCOUNT, "room-ops") == {
        "uid-alice": "Administrator",
        "uid-dave": "Administrator",
    }


def test_a_plan_saved_past_the_end_of_a_protection_that_demotes_has_not_come_yet(
    oncall: str,
    cli: Any,
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    tmp_path: Path,
) -> None:
    """ops declares dave Member: the protection's end demotes him. The plan warns before
    it, and a plan saved as of after it is refused as one whose --now has not come yet,
    not as an edited one (QA-AO Q-AO-4)."""
    write_desired(
        {
            "ops.yaml": f"""
                groups:
                  oncall:
                    - {{member: dave@example.com, until: {oncall}, reason: on-call week}}
                rooms:
                  ops:
                    administrators: [alice@example.com]
                    members: [dave@example.com]
                """,
        }
    )
    today = cli("plan")
    assert today.exit_code == 0, today.stdout + today.stderr
    assert (
        f"  dave@example.com in room ops: protected until {oncall} (3 days left), declared at "
        "desired-state/ops.yaml:3"
    ) in today.lines
    saved = tmp_path / "plan.json"
    made = cli("plan", "--now", day(4), "--out", str(saved))
    assert made.exit_code == 0, made.stdout + made.stderr
    assert "~ dave@example.com: Administrator -> Member: protection expired" in made.stdout
    run = cli("apply", str(saved))
    assert run.exit_code == 1
    assert run.err_lines[0].startswith(
        f"Error: Saved plan was made as of --now {day(4)}, which has not come yet"
    ), run.stderr
    assert "was it edited?" not in run.stderr
    assert emulator.backend.room_members(ACCOUNT, "room-ops")["uid-dave"] == "Administrator"


def test_explain_says_until_when_the_member_is_protected(oncall: str, cli: Any) -> None:
    """With the line of that until:, in audit's words for a running protection (reread-12)."""
    run = cli("explain", "dave@example.com", "--now", oncall)
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        f"  plan: kept: protected until {oncall} (declared at desired-state/ops.yaml:3; "
        "removed or demoted after it)"
    ) in run.lines


def test_explain_lists_the_protection_that_ended_with_its_reason(oncall: str, cli: Any) -> None:
    """The removal's path, as `plan -v` shows it: the ended `protected:` group entry with
    its reason (QA-AO Q-AO-3)."""
    run = cli("explain", "dave@example.com", "--now", day(4))
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        f"    expired {oncall}: protected (a `protected:` group entry) via @oncall at "
        "desired-state/ops.yaml:3 (from desired-state/settings.yaml:3), reason: on-call week"
    ) in run.lines
    assert "  plan: the plan removes it (prune is on)" in run.lines
    doc = json.loads(cli("explain", "dave@example.com", "--now", day(4), "--format", "json").stdout)
    [path] = doc["targets"][0]["paths"]
    assert (path["protection"], path["expired"], path["reason"]) == (True, True, "on-call week")
    verbose = cli("plan", "-v", "--now", day(4))
    assert (
        f"      expired {oncall}, protected (a `protected:` group entry) via @oncall at "
        "desired-state/ops.yaml:3, reason: on-call week"
    ) in verbose.lines


MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
ALL_SEND = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}


def test_a_protected_presenters_grant_that_ended_is_taken_away_in_a_meeting(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """carol: protected, a presenter through an entry that ended yesterday, declared by no
    other path: apply makes her a non-presenter and keeps her (QA-AO Q-AO-2)."""
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [
                        {"external_user_id": f"{who}@example.com", "capabilities": ALL_SEND}
                        for who in ("alice", "carol")
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": "protected: [carol@example.com]\n",
            "m.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    prune: true
                    attendees:
                      alice@example.com: presenter
                      carol@example.com: {{profile: presenter, until: {day(-1)}, reason: demo}}
                """,
        }
    )
    lowered = "audio SendReceive, video SendReceive, content Receive"
    before = cli("explain", "carol@example.com")
    assert before.exit_code == 0, before.stdout + before.stderr
    assert (
        "  plan: the plan changes its capabilities audio SendReceive, video SendReceive, "
        f"content SendReceive -> {lowered}"
    ) in before.lines
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        "  ~ carol@example.com: audio SendReceive, video SendReceive, content SendReceive -> "
        f"{lowered}: expired {day(-1)}, declared at desired-state/m.yaml:7"
    ) in run.lines
    assert emulator.meetings.attendees_of(MEETING) == {
        "alice@example.com": Capabilities("SendReceive", "SendReceive", "SendReceive"),
        "carol@example.com": Capabilities("SendReceive", "SendReceive", "Receive"),
    }
    again = cli("plan")
    assert "No changes." in again.stdout, again.stdout
    after = cli("explain", "carol@example.com")
    assert "  plan: kept: protected (settings.yaml `protected:`, or an app instance's bearer)" in (
        after.lines
    )


def test_explain_lists_the_running_protection_and_where_its_until_is(
    cli: Any, emulator: EmulatorServer, write_desired: Callable[..., Path]
) -> None:
    """QA-GG Q-GG-1: a running `protected:` group entry is a path in explain (text and
    JSON), with the line of the outer group's `until:` to edit; audit names it too."""
    emulator.reset(
        seed_doc(
            users=("alice", "dave"),
            rooms={"ops": [("alice", "Administrator"), ("dave", "Member")]},
        )
    )
    write_desired(
        {
            "settings.yaml": f'account: {ACCOUNT}\nprune: true\nprotected: ["@outer"]\n',
            "r.yaml": """
                groups:
                  outer:
                    - {member: "@inner", until: 2026-12-20, reason: outer-r}
                  inner:
                    - {member: dave@example.com, until: 2027-01-15, ticket: IN-2}
                rooms:
                  ops:
                    administrators: [alice@example.com]
                """,
        }
    )
    r = "desired-state/r.yaml"
    run = cli("--now", "2026-12-10", "explain", "dave@example.com")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert (
        "    protected (a `protected:` group entry) via @outer > @inner at "
        f"{r}:5 (from desired-state/settings.yaml:3) (until set at {r}:3), "
        "until 2026-12-20 (10 days left), reason: outer-r, ticket IN-2"
    ) in run.lines
    got = cli("--now", "2026-12-10", "explain", "dave@example.com", "--format", "json")
    (target,) = json.loads(got.stdout)["targets"]
    (path,) = target["paths"]
    assert (path["protection"], path["until_at"], path["expired"]) == (True, f"{r}:3", False)
    audit = cli("--now", "2026-12-10", "audit", "dave@example.com")
    assert f"protected until 2026-12-20 (declared at {r}:3; removed after it)" in audit.stdout
