"""A name two Chime rooms (or two channels of an app instance) share is declared, without
bob, and one of those targets is declared by id too, with bob live and undeclared there
(Q-BU-1): `plan` removes bob from the entry declared by id and reports the ambiguous
name; it never calls the two entries one target declared twice. `audit` and `explain`
say what `plan` does: `not declared: plan removes it (prune)`, not `not planned: ...
declared more than once`. Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHAT_A = f"{INSTANCE}/channel/ch-a"
REMOVES = "not declared: plan removes it (prune)"


def _case(emulator: EmulatorServer, write_desired: Any) -> None:
    channel = {"privacy": "PRIVATE", "mode": "RESTRICTED", "moderators": ["reconciler"]}
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
                            "id": "room-a",
                            "name": "ops",
                            "memberships": [
                                {"member": "bob@example.com", "role": "Member"},
                                {"member": "alice@example.com", "role": "Administrator"},
                            ],
                        },
                        {
                            "id": "room-b",
                            "name": "ops",
                            "memberships": [
                                {"member": "alice@example.com", "role": "Administrator"}
                            ],
                        },
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
                            "id": "ch-a",
                            "members": ["reconciler", "alice@example.com", "bob@example.com"],
                            **channel,
                        },
                        {
                            "name": "chat",
                            "id": "ch-b",
                            "members": ["reconciler", "alice@example.com"],
                            **channel,
                        },
                    ],
                }
            ],
        }
    )
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                app_instances:
                  chat: {{arn: "{INSTANCE}", bearer: "user:reconciler", user_id_from: email}}
            """,
            "all.yaml": f"""
                rooms:
                  ops: {{prune: true, administrators: [alice@example.com]}}
                  ops-a: {{id: room-a, prune: true, administrators: [alice@example.com]}}
                channels:
                  chat: {{prune: true, members: [alice@example.com]}}
                  chat-a: {{arn: "{CHAT_A}", prune: true, members: [alice@example.com]}}
            """,
        }
    )


def test_an_ambiguous_name_is_not_taken_for_a_target_declared_twice(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    _case(emulator, write_desired)
    plan = cli(*UNPACED, "plan", "--format", "json")
    doc = json.loads(plan.stdout)
    removed = {
        (t["kind"], t["name"]): {(c["action"], c["member"]) for c in t["changes"]}
        for t in doc["targets"]
    }
    # the plan removes bob where the target is declared by id, and reports the names
    assert removed[("room", "ops-a")] == {("delete", "bob@example.com")}
    assert removed[("channel", "chat-a")] == {("delete", "bob@example.com")}
    errors = " ".join(doc["errors"])
    assert "more than once" not in errors
    assert "2 Chime rooms named ops" in errors

    run = cli(*UNPACED, "audit", "bob@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    audit = json.loads(run.stdout)
    assert [(r["room"], r["room_id"], r["note"]) for r in audit["rooms"]] == [
        ("ops", "room-a", REMOVES)
    ]
    assert [(r["channel"], r["channel_arn"], r["note"]) for r in audit["channels"]] == [
        ("chat", CHAT_A, REMOVES)
    ]
    text = cli(*UNPACED, "audit", "bob@example.com").stdout
    assert "more than once" not in text and REMOVES in text

    # explain agrees
    run = cli(*UNPACED, "explain", "bob@example.com", "--format", "json")
    targets = {(t["kind"], t["name"]): t for t in json.loads(run.stdout)["targets"]}
    assert targets[("room", "ops-a")]["plan"]["outcome"] != "not-planned"
    assert targets[("channel", "chat-a")]["plan"]["outcome"] != "not-planned"


def test_a_live_room_is_the_entry_declaring_its_id_not_a_name_it_shares(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """Q-BU-3: `ops` by name (two Chime rooms have it) and `ops-b` by room-b's id, alice
    Administrator of both rooms: her room-b row is ops-b's (declared, in sync, as the plan
    has it: no change there), not the ambiguous name's."""
    _case(emulator, write_desired)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "all.yaml": """
                rooms:
                  ops: {prune: true, administrators: [alice@example.com]}
                  ops-b: {id: room-b, prune: true, administrators: [alice@example.com]}
            """,
        }
    )
    plan = json.loads(cli(*UNPACED, "plan", "--format", "json").stdout)
    assert [(t["name"], t["changes"]) for t in plan["targets"]] == [("ops-b", [])]

    run = cli(*UNPACED, "audit", "alice@example.com", "--format", "json")
    assert run.exit_code == 0, run.stderr
    rows = {
        r["room_id"]: (r["note"], [d["line"] for d in r["declared_at"]])
        for r in json.loads(run.stdout)["rooms"]
    }
    assert rows["room-b"] == ("declared", [3])  # ops-b's line
    assert rows["room-a"][0].startswith("declared, but 2 Chime rooms have that name")
