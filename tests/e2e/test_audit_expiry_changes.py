"""QA-FZ Q-FZ-1: where the plan demotes a member because an entry ended, audit's NOTE
says which entry (when, where its `until:` is written, its reason) before what the plan
does, as plan's change and explain say it: a temporary Administrator (a meeting's
presenter) whose elevated entry ended while another path keeps the member there (it said
only `plan changes the role to Member`). The CLI, the real boto3 client and the emulator
over HTTP; text and JSON."""

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
