"""A declared channel member that is not an AppInstanceUser is a plan error at its file and
line, found before anything is applied, at the cost the resolver's rule allows; a user a
listing revealed costs no call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
OPS = f"{INSTANCE}/channel/ops"
SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """


def seed(user_count: int) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}] + [{"id": f"u{i:03d}"} for i in range(user_count)],
                "channels": [{"name": "ops", "id": "ops", "members": ["u000"]}],
            }
        ]
    }


def identity_calls(served: dict[str, int]) -> tuple[int, int]:
    return served.get("ListAppInstanceUsers", 0), served.get("DescribeAppInstanceUser", 0)


def test_a_mistyped_user_is_a_located_plan_error_and_apply_changes_nothing(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    emulator.reset(seed(120))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                channels:
                  ops:
                    members:
                      - user:u000
                      - user:u101
                      - user:u1O1
                """,
        }
    )
    before = calls()
    planned = cli("plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    shown = planned.stdout + planned.stderr
    assert f"no AppInstanceUser 'u1O1' in {INSTANCE}" in shown
    assert "chat.yaml:6" in shown  # the line that declares it
    errors = [line for line in shown.splitlines() if "AppInstanceUser" in line]
    assert len(errors) == 1, shown  # the real user u101 is no error
    # two users no listing revealed, 121 users (3 pages of 50): page 1 (r = 2 > 1), then
    # r = 2 <= 2 pages read: one lookup each; u000 (listed) costs nothing
    pages, lookups = identity_calls(calls())
    assert (pages, lookups) == (
        identity_calls(before)[0] + 2,
        identity_calls(before)[1] + 2,
    )

    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert "Nothing was applied" in applied.stdout + applied.stderr
    assert emulator.messaging.channel_members(OPS) == {f"{INSTANCE}/user/u000": "DEFAULT"}


def test_one_new_user_is_one_lookup_and_then_added(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    emulator.reset(seed(120))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                channels:
                  ops:
                    members: [user:u000, user:u050]
                """,
        }
    )
    before = identity_calls(calls())
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    after = identity_calls(calls())
    assert (after[0] - before[0], after[1] - before[1]) == (0, 1)
    assert emulator.messaging.channel_members(OPS) == {
        f"{INSTANCE}/user/u000": "DEFAULT",
        f"{INSTANCE}/user/u050": "DEFAULT",
    }
