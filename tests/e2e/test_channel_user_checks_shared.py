"""QA-FB Q-FB-2: the users' check is shared by the two channel kinds, counted on the
emulator's calls (the CLI, the real boto3 client and the emulator over HTTP): users a
ListAppInstanceUsers page showed were looked up again by the moderators kind (only the
ones asked for were kept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:reconciler\n"
READS = {"ListChannels": 2, "DescribeChannel": 1, "ListChannelMemberships": 2}


def seed(users: int, channels: list[dict[str, Any]]) -> dict[str, Any]:
    """``reconciler`` and u00 to u{users - 1}, in ListAppInstanceUsers' order."""
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}] + [{"id": f"u{i:02d}"} for i in range(users)],
                "channels": channels,
            }
        ]
    }


def users(*ids: int) -> str:
    return "[" + ", ".join(f"user:u{i:02d}" for i in ids) + "]"


def run(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    chat: str,
    *command: str,
) -> tuple[Any, dict[str, int]]:
    """The command's result and the calls the emulator served for it, by operation."""
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})
    before = calls()
    result = cli(*command)
    made = {op: n - before.get(op, 0) for op, n in calls().items()}
    return result, {op: n for op, n in made.items() if n}


def test_users_a_page_showed_cost_the_moderators_kind_no_check(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """20 new members: the first ListAppInstanceUsers page (reconciler, u00 to u48) finds
    them; the new moderator u30 is on it: no lookup."""
    emulator.reset(seed(60, [{"name": "ops", "id": "ops"}]))
    chat = f"channels:\n  ops: {{members: {users(*range(20))}, moderators: {users(30)}}}\n"
    planned, made = run(emulator, write_desired, cli, calls, chat, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert planned.lines[-1] == "Plan: 21 to add, 0 to change, 0 to remove."
    assert made == {
        **READS,
        "ListChannelModerators": 1,
        "ListChannelBans": 1,
        "ListAppInstanceUsers": 1,
    }


def test_after_a_whole_sweep_no_user_is_checked_again(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """An app instance of one page: the memberships kind's sweep reads it all, so the
    moderators kind knows u25 exists and u99 does not, with no call."""
    emulator.reset(seed(30, [{"name": "ops", "id": "ops"}]))
    chat = f"channels:\n  ops:\n    members: {users(*range(20))}\n    moderators: {users(25, 99)}\n"
    planned, made = run(emulator, write_desired, cli, calls, chat, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    errors = [line for line in planned.lines if "AppInstanceUser" in line]
    assert errors == [f"Error: desired-state/chat.yaml:4: no AppInstanceUser 'u99' in {INSTANCE}"]
    assert "  + user:u25 (Moderator)" in planned.lines
    assert planned.lines[-1] == (
        "Plan: 21 to add, 0 to change, 0 to remove, but 1 error above: apply refuses this plan."
    )
    assert made == {
        **READS,
        "ListChannelModerators": 1,
        "ListChannelBans": 1,
        "ListAppInstanceUsers": 1,
    }
