"""QA-FZ Q-FZ-1, Q-FZ-4: where the plan demotes or removes a member because an entry
ended, audit's NOTE says which entry (when, where its `until:` is written, its reason)
before what the plan does, as plan's change and explain say it:

* a temporary Administrator (a meeting's presenter) whose elevated entry ended while
  another path keeps the member there (Q-FZ-1: it said only `plan changes the role to
  Member`);
* a member kept only by a `protected:` group entry that ended: `protection expired ...`,
  removed where the room prunes, or demoted where it is declared lower (Q-FZ-4: it said
  `not declared: plan removes it (prune)`, as of a member added by hand, and `plan changes
  the role to Member`).

The CLI, the real boto3 client and the emulator over HTTP; text and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
R = "desired-state/r.yaml"


def test_a_temporary_elevation_that_ended_is_named(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    doc = seed_doc(
        users=("alice", "carol"),
        rooms={"ops": [("alice", "Administrator"), ("carol", "Administrator")]},
    )
    doc["meetings"] = [
        {
            "id": MEETING,
            "external_meeting_id": "incident-42",
            "attendees": [{"external_user_id": "alice@example.com"}],
        }
    ]
    emulator.reset(doc)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "r.yaml": f"""
                groups:
                  sre: [carol@example.com]
                rooms:
                  ops:
                    administrators:
                      - alice@example.com
                      - {{member: carol@example.com, until: 2027-01-15, reason: rotation}}
                    members: ["@sre"]
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    attendees:
                      alice@example.com: viewer
                      "@sre": viewer
                      carol@example.com: {{profile: presenter, until: 2027-01-20, reason: y}}
                """,
        }
    )
    applied = cli("apply", "--auto-approve")  # carol joins the meeting as a presenter
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    plan = cli("--now", "2027-01-21", "plan")
    assert f"Administrator -> Member: expired 2027-01-15, declared at {R}:7" in plan.stdout
    run = cli("--now", "2027-01-21", "audit", "carol@example.com", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    got = json.loads(run.stdout)
    (room,) = got["rooms"]
    assert room["note"] == (
        f"expired 2027-01-15 (declared at {R}:7, reason: rotation): plan changes the role to Member"
    )
    (meeting,) = got["meetings"]
    assert meeting["note"] == (
        f"expired 2027-01-20 (declared at {R}:15, reason: y): plan changes the capabilities "
        "to audio Receive, video Receive, content Receive"
    )
    text = cli("--now", "2027-01-21", "audit", "carol@example.com")
    assert f"expired 2027-01-15 (declared at {R}:7, reason: rotation): plan changes" in text.stdout


PROTECTED = {"settings.yaml": f'account: {ACCOUNT}\nprotected: ["@oncall"]\n'}
ENDED = f"protection expired 2026-12-10 (declared at {R}:3, reason: on-call week)"


def test_a_protection_that_ended_is_named_where_the_plan_removes_it(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(users=("alice", "dave"), rooms={"ops": [("alice", "Administrator"), ("dave", "Member")]})
    write_desired(
        PROTECTED
        | {
            "r.yaml": """
                groups:
                  oncall:
                    - {member: dave@example.com, until: 2026-12-10, reason: on-call week}
                rooms:
                  ops:
                    prune: true
                    administrators: [alice@example.com]
                """
        }
    )
    before = cli("--now", "2026-12-09", "audit", "dave@example.com")
    assert (
        f"not declared: kept, protected until 2026-12-10 (declared at {R}:3; removed after it)"
        in before.stdout
    )
    plan = cli("--now", "2026-12-11", "plan")
    assert f"dave@example.com (Member): protection expired 2026-12-10, declared at {R}:3" in (
        plan.stdout
    )
    run = cli("--now", "2026-12-11", "audit", "dave@example.com", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    (row,) = json.loads(run.stdout)["rooms"]
    assert row["note"] == f"{ENDED}: plan removes it (prune)"
    assert row["status"] == "not-declared"
    text = cli("--now", "2026-12-11", "audit", "dave@example.com")
    assert f"{ENDED}: plan removes it (prune)" in text.stdout


def test_a_protection_that_ended_is_named_where_the_plan_demotes(
    seed: Callable[..., Any], write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(
        users=("alice", "carol"),
        rooms={"ops": [("alice", "Administrator"), ("carol", "Administrator")]},
    )
    write_desired(
        PROTECTED
        | {
            "r.yaml": """
                groups:
                  oncall:
                    - {member: alice@example.com, until: 2026-12-10, reason: on-call week}
                rooms:
                  ops:
                    prune: true
                    administrators: [carol@example.com]
                    members: [alice@example.com]
                """
        }
    )
    before = cli("--now", "2026-12-09", "audit", "alice@example.com")
    assert (
        f"declared Member: kept, protected until 2026-12-10 (declared at {R}:3; demoted after it)"
        in before.stdout
    )
    run = cli("--now", "2026-12-11", "audit", "alice@example.com", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    (row,) = json.loads(run.stdout)["rooms"]
    assert row["note"] == f"{ENDED}: plan changes the role to Member"
