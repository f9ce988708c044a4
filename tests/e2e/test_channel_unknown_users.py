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


def seed(user_count: int, live: int = 1) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}] + [{"id": f"u{i:03d}"} for i in range(user_count)],
                "channels": [
                    {"name": "ops", "id": "ops", "members": [f"u{i:03d}" for i in range(live)]}
                ],
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
    # two users no listing revealed: two lookups (0.04 s at AWS's 50/s) take less time
    # than one ListAppInstanceUsers page (0.1 s at 10/s); u000 (listed) costs nothing
    pages, lookups = identity_calls(calls())
    assert (pages, lookups) == (identity_calls(before)[0], identity_calls(before)[1] + 2)

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


def check_costs(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    live: int,
    declared: list[str],
) -> tuple[int, int]:
    """The identity calls of one plan of channel ops declaring ``declared``, with
    ``live`` of the 120 users in it."""
    emulator.reset(seed(120, live))
    members = ", ".join(f"user:{u}" for u in declared)
    write_desired(
        {"settings.yaml": SETTINGS, "chat.yaml": f"channels:\n  ops:\n    members: [{members}]\n"}
    )
    before = identity_calls(calls())
    planned = cli("plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    after = identity_calls(calls())
    return after[0] - before[0], after[1] - before[1]


def test_many_new_users_of_a_small_listing_are_found_by_one_page(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    # 12 lookups (0.24 s at 50/s) against the first page (0.1 s at 10/s), which holds them
    declared = [f"u{i:03d}" for i in range(13)]
    assert check_costs(emulator, write_desired, cli, calls, 1, declared) == (1, 0)


def test_new_users_of_a_long_listing_are_looked_up(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    # the channel shows 100 users exist, so a sweep for 10 more has at least 3 pages
    # (0.3 s): 10 lookups (0.2 s) at once, where weighing them against the pages read
    # alone would have read 2 pages first
    declared = [f"u{i:03d}" for i in range(110)]
    assert check_costs(emulator, write_desired, cli, calls, 100, declared) == (0, 10)
