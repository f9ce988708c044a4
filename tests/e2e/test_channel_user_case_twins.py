"""QA-FH Q-FH-1 and Q-FH-2: an AppInstanceUserId is case-sensitive, so a listing of the run
that shows ``Alice@example.com`` (here ops's moderators) must not make a channel's declared
``user:alice@example.com`` that user: the plan adds (or reports missing) the id declared,
whatever else is in scope, as ``plan --target`` of that channel does (the CLI, the real
boto3 client and the emulator over HTTP)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
DEV = f"{INSTANCE}/channel/dev"
SETTINGS = f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:reconciler\n"
CHAT = (
    "channels:\n"
    "  ops: {members: [], moderators: [user:Alice@example.com]}\n"
    "  dev: {members: [user:u01, user:alice@example.com]}\n"
)


def seed(*users: str) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": u} for u in ("reconciler", *users)],
                "channels": [
                    {"name": "ops", "id": "ops", "moderators": ["Alice@example.com"]},
                    {"name": "dev", "id": "dev", "members": ["u01"]},
                ],
            }
        ]
    }


def changes(cli: Any, *args: str) -> list[tuple[str, str]]:
    result = cli("plan", "--format", "json", *args)
    assert result.exit_code in (0, 2), result.stdout + result.stderr
    plan = json.loads(result.stdout)
    return [(c["member"], c["member_id"]) for t in plan["targets"] for c in t.get("changes", [])]


def test_a_listed_case_twin_is_not_the_declared_user(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(seed("Alice@example.com", "alice@example.com", "u01"))
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": CHAT})
    added = [("alice@example.com", f"{INSTANCE}/user/alice@example.com")]
    assert changes(cli) == added
    assert changes(cli, "--target", "dev") == added

    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 0 removed."
    assert emulator.messaging.channel_members(DEV) == {
        f"{INSTANCE}/user/u01": "DEFAULT",
        f"{INSTANCE}/user/alice@example.com": "DEFAULT",
    }
    again = cli("plan")
    assert again.lines[-1] == "No changes. Chime memberships match the desired state.", again.stdout


@pytest.mark.parametrize("target", [(), ("--target", "dev")])
def test_a_missing_user_is_not_its_listed_case_twin(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    target: tuple[str, ...],
) -> None:
    emulator.reset(seed("Alice@example.com", "u01"))
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": CHAT})
    planned = cli("plan", *target)
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    # dev's line only: ops's declared user:Alice@example.com is the one its listing shows
    assert [line for line in planned.lines if line.startswith("Error")] == [
        f"Error: desired-state/chat.yaml:3: no AppInstanceUser 'alice@example.com' in {INSTANCE}"
    ], planned.stdout
    assert planned.lines[-1] == "No changes planned, but the plan is incomplete: 1 error above."
    ops = cli("plan", "--target", "ops")
    assert ops.exit_code == 0, ops.stdout
    assert ops.lines[-1] == "No changes. Chime memberships match the desired state."
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code != 0
    assert emulator.messaging.channel_members(DEV) == {f"{INSTANCE}/user/u01": "DEFAULT"}
