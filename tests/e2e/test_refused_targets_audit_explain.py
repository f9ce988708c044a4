"""Targets `plan` refuses as a whole and leaves unchanged (Q-BJ-2): a room and a channel
each declared twice (by name, and by id or ARN), a meeting declared twice, and a channel
naming a ``bot:NAME`` two AppInstanceBots share. `audit` and `explain` say what `plan`
does there, nothing: `not planned: <the plan's error>`, never an add or a removal; and
`explain` lists such a target where the member is live (or where it could be: a room
declared twice is not read). Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHAT = f"{INSTANCE}/channel/ch-chat"
MEETING = "6f1c2a9e-0000-4000-8000-0000000000b2"
VIEW = {"audio": "Receive", "video": "Receive", "content": "Receive"}
SETTINGS = f"""
    account: {ACCOUNT}
    app_instances:
      chat: {{arn: "{INSTANCE}", bearer: "user:reconciler", user_id_from: email}}
"""
TWICE = "is declared more than once"
SEVERAL = "2 AppInstanceBots named 'PagerBot'"
ALICE = "{alice@example.com: viewer}"


def _twice(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [
                        {"id": "uid-alice", "email": "alice@example.com"},
                        {"id": "uid-bob", "email": "bob@example.com"},
                    ],
                    "rooms": [
                        {
                            "id": "room-ops",
                            "name": "ops",
                            "memberships": [{"member": "bob@example.com", "role": "Administrator"}],
                        }
                    ],
                }
            ],
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [
                        {"id": "reconciler"},
                        {"id": "alice@example.com"},
                        {"id": "bob@example.com"},
                    ],
                    "channels": [
                        {
                            "name": "chat",
                            "id": "ch-chat",
                            "privacy": "PRIVATE",
                            "mode": "RESTRICTED",
                            "members": ["reconciler", "bob@example.com"],
                            "moderators": ["reconciler"],
                        }
                    ],
                }
            ],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge",
                    "attendees": [{"external_user_id": "bob@example.com", "capabilities": VIEW}],
                }
            ],
        }
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "all.yaml": f"""
                rooms:
                  ops: {{prune: true, members: [alice@example.com]}}
                  ops-copy: {{id: room-ops, prune: true, members: [alice@example.com]}}
                channels:
                  chat: {{prune: true, members: [alice@example.com]}}
                  chat-copy: {{arn: "{CHAT}", prune: true, members: [alice@example.com]}}
                meetings:
                  bridge: {{meeting_id: {MEETING}, prune: true, attendees: {ALICE}}}
                  bridge-copy: {{meeting_id: "${{BP_MEETING}}", prune: true, attendees: {ALICE}}}
            """,
        }
    )


def _notes(cli: Any, member: str) -> list[tuple[str, str]]:
    """(target name, NOTE) of every row of `audit MEMBER --format json`."""
    run = cli(*UNPACED, "audit", member, "--format", "json")
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    rows = [(r["room"], r["note"]) for r in doc["rooms"]]
    rows += [(r["channel"], r["note"]) for r in doc.get("channels", [])]
    return rows + [(r["meeting"], r["note"]) for r in doc.get("meetings", [])]


def test_targets_declared_twice_are_not_planned_in_audit_and_explain(
    emulator: EmulatorServer, write_desired: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BP_MEETING", MEETING)  # the meeting's second entry: ${BP_MEETING}
    _twice(emulator, write_desired)
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 1
    assert "No changes planned, but the plan is incomplete" in plan.stdout + plan.stderr

    # bob: live, undeclared, in targets that prune; the plan removes him nowhere
    bob = _notes(cli, "bob@example.com")
    assert {name for name, _ in bob} >= {"ops", "chat"}
    for name, note in bob:
        assert note.startswith("not planned: ") and TWICE in note, (name, note)
    # alice: declared in every entry, in none in Chime; the plan adds her nowhere
    alice = _notes(cli, "alice@example.com")
    assert sorted(name for name, _ in alice) == [
        "bridge",
        "bridge-copy",
        "chat",
        "chat-copy",
        "ops",
        "ops-copy",
    ]
    for name, note in alice:
        assert note.startswith("not planned: ") and TWICE in note, (name, note)
    assert "(also as ops-copy at " in dict(alice)["ops"]

    # explain lists the room declared twice too (not read: the plan refuses it unread)
    run = cli(*UNPACED, "explain", "bob@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    targets = {(t["kind"], t["name"]): t for t in json.loads(run.stdout)["targets"]}
    room = targets[("room", "ops")]
    assert room["plan"]["outcome"] == "not-planned" and TWICE in room["plan"]["note"]
    assert room["live"] == {"role": None, "read": False}
    assert targets[("channel", "chat")]["live"] == {"role": "DEFAULT", "read": True}
    assert all(t["plan"]["outcome"] == "not-planned" for t in targets.values())
    text = cli(*UNPACED, "explain", "bob@example.com").stdout
    assert "# room ops (" in text and "  live: not read" in text


def _shared_bot(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}, {"id": "bob@example.com"}],
                    "bots": [
                        {"id": "bot-1", "name": "PagerBot"},
                        {"id": "bot-2", "name": "PagerBot"},
                    ],
                    "channels": [
                        {
                            "name": "ops",
                            "id": "ch-ops",
                            "privacy": "PRIVATE",
                            "mode": "RESTRICTED",
                            "members": ["reconciler", "bot-1", "bob@example.com"],
                            "moderators": ["reconciler"],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: "{INSTANCE}", bearer: "user:reconciler", user_id_from: email}}
            """,
            "chat.yaml": "channels:\n  ops:\n    prune: true\n    members: [bot:PagerBot]\n",
        }
    )


def test_a_channel_naming_a_shared_bot_name_is_not_planned_in_audit_and_explain(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    _shared_bot(emulator, write_desired)
    assert cli(*UNPACED, "plan").exit_code == 1

    # one of two bots of a name: its row says which (QA-LD Q-LD-9)
    which = {"bob@example.com": "", "bot:PagerBot": f"PagerBot (id {INSTANCE}/bot/bot-1): "}
    for member in ("bob@example.com", "bot:PagerBot"):
        [(name, note)] = _notes(cli, member)
        said = f"{which[member]}not planned: {SEVERAL} in {INSTANCE}"
        assert name == "ops" and note.startswith(said), note

        run = cli(*UNPACED, "explain", member, "--format", "json")
        assert run.exit_code == 0, run.stderr
        [target] = json.loads(run.stdout)["targets"]
        assert target["live"] == {"role": "DEFAULT", "read": True}, member
        assert target["plan"]["outcome"] == "not-planned"
        assert target["plan"]["note"].startswith(f"not planned: {SEVERAL}")
    assert "neither declared nor live" not in cli(*UNPACED, "explain", "bob@example.com").stdout
