"""QA-FN Q-FN-3: `audit` says that a member's entry expired where Chime still has the
member (a target that does not prune keeps it; one that prunes: the plan removes it),
with the entry's `until:`, where it is written, its reason and ticket, as plan and
explain say it; not `not declared`, which reads as a member added by hand. Rooms,
channels and meetings alike, text and JSON. The CLI, the real boto3 client and the
emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, UNPACED, seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
ROOMS = {
    "web": [("alice", "Administrator"), ("carol", "Member")],
    "ops": [("alice", "Administrator"), ("carol", "Member")],
}
FILES = {
    "settings.yaml": f"""
        account: {ACCOUNT}
        app_instances:
          chat: {{arn: "{CHAT}", bearer: user:r0}}
        """,
    "r.yaml": """
        groups:
          contractors:
            - {member: carol@example.com, until: 2027-03-01, reason: quarterly audit, ticket: SEC-9}
        rooms:
          web:
            administrators: [alice@example.com]
            members: ["@contractors"]
          ops:
            prune: true
            administrators: [alice@example.com]
            members: ["@contractors"]
        channels:
          incident-chat:
            app_instance: chat
            members: ["@contractors"]
        meetings:
          bridge:
            meeting_id: MEETING_ID
            attendees:
              alice@example.com: viewer
              carol@example.com: {profile: viewer, until: 2027-03-02}
        """.replace("MEETING_ID", MEETING),
}
AT = "desired-state/r.yaml:3"
EXPIRED = f"expired 2027-03-01 (declared at {AT}, reason: quarterly audit, ticket SEC-9)"


@pytest.fixture
def estate(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> None:
    doc = seed_doc(users=("alice", "carol"), rooms=ROOMS)
    doc["app_instances"] = [
        {
            "arn": CHAT,
            "name": "chat",
            "admins": ["r0"],
            "users": [{"id": "r0"}, {"id": "carol@example.com"}],
            "channels": [
                {"name": "incident-chat", "id": "incident-chat", "members": ["carol@example.com"]}
            ],
        }
    ]
    doc["meetings"] = [
        {
            "id": MEETING,
            "external_meeting_id": "incident-42",
            "attendees": [
                {"external_user_id": "alice@example.com"},
                {"external_user_id": "carol@example.com"},
            ],
        }
    ]
    emulator.reset(doc)
    write_desired(FILES)


def test_audit_says_the_entry_expired_in_every_kind_pruned_or_not(estate: None, cli: Any) -> None:
    run = cli(*UNPACED, "--now", "2027-03-05", "audit", "carol@example.com", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    doc = json.loads(run.stdout)
    notes = {r["room"]: r["note"] for r in doc["rooms"]}
    assert notes == {
        "ops": f"{EXPIRED}: plan removes it (prune)",
        "web": f"{EXPIRED}: kept (prune off)",
    }
    assert [r["status"] for r in doc["rooms"]] == ["not-declared", "not-declared"]
    assert [r["note"] for r in doc["channels"]] == [f"{EXPIRED}: kept"]
    assert [r["note"] for r in doc["meetings"]] == [
        "expired 2027-03-02 (declared at desired-state/r.yaml:21): kept (prune off)"
    ]
    text = cli(*UNPACED, "--now", "2027-03-05", "audit", "carol@example.com")
    assert text.exit_code == 0, text.stderr
    assert "quarterly audit" in text.stdout and "expired 2027-03-01" in text.stdout


def test_before_the_until_audit_says_declared(estate: None, cli: Any) -> None:
    run = cli(*UNPACED, "--now", "2027-02-20", "audit", "carol@example.com", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    doc = json.loads(run.stdout)
    assert {r["note"] for r in doc["rooms"] + doc["channels"]} == {"declared"}
    assert not any("expired" in r["note"] for r in doc["meetings"])
