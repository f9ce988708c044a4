"""A declared channel member that is not an AppInstanceUser is a plan error at its file and
line, found before anything is applied, at the cost the resolver's rule allows (pages and
lookups weighed by their time at AWS's identity quotas); a user a listing revealed costs
no call. A channel declaring more members than AWS allows is refused before any call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
OPS = f"{INSTANCE}/channel/ops"
SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """


def seed(user_count: int, live: int) -> dict[str, Any]:
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


@dataclass
class Chat:
    """An app instance of 121 users (``reconciler``, u000-u119, three pages of 50) whose
    channel ops holds the first ``live`` of them, declared as ``members``."""

    emulator: EmulatorServer
    write_desired: Callable[..., Any]
    cli: Any
    calls: Callable[[], dict[str, int]]

    made: dict[str, int] | None = None  # the last command's calls, by operation

    def run(self, members: str, *command: str, live: int = 1) -> tuple[Any, tuple[int, int]]:
        """The command's result and its (ListAppInstanceUsers, DescribeAppInstanceUser)."""
        self.emulator.reset(seed(120, live))
        chat = f"channels:\n  ops:\n    members:\n{members}"
        self.write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})
        before = self.calls()
        result = self.cli(*command)
        made = {op: n - before.get(op, 0) for op, n in self.calls().items()}
        self.made = {op: n for op, n in made.items() if n}
        return result, (made.get("ListAppInstanceUsers", 0), made.get("DescribeAppInstanceUser", 0))


@pytest.fixture
def chat(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> Chat:
    return Chat(emulator, write_desired, cli, calls)


def listed(*users: str) -> str:
    return "".join(f"      - user:{u}\n" for u in users)


def test_a_mistyped_user_is_a_located_plan_error_and_apply_changes_nothing(chat: Chat) -> None:
    planned, identity = chat.run(listed("u000", "u101", "u1O1"), "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    shown = planned.stdout + planned.stderr
    assert f"no AppInstanceUser 'u1O1' in {INSTANCE}" in shown
    assert "chat.yaml:6" in shown  # the line that declares it
    errors = [line for line in planned.lines if "AppInstanceUser" in line]  # the plan's
    assert len(errors) == 1, shown  # the real user u101 is no error
    # two users no listing revealed: two lookups (0.04 s at AWS's 50/s) take less time
    # than one ListAppInstanceUsers page (0.1 s at 10/s); u000 (listed) costs nothing
    assert identity == (0, 2)

    applied, _ = chat.run(listed("u000", "u101", "u1O1"), "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert "Nothing was applied" in applied.stdout + applied.stderr
    assert chat.emulator.messaging.channel_members(OPS) == {f"{INSTANCE}/user/u000": "DEFAULT"}


def test_one_new_user_is_one_lookup_and_then_added(chat: Chat) -> None:
    applied, identity = chat.run(listed("u000", "u050"), "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert identity == (0, 1)
    assert chat.emulator.messaging.channel_members(OPS) == {
        f"{INSTANCE}/user/u000": "DEFAULT",
        f"{INSTANCE}/user/u050": "DEFAULT",
    }


def test_many_new_users_of_a_small_listing_are_found_by_one_page(chat: Chat) -> None:
    # 12 lookups (0.24 s at 50/s) against the first page (0.1 s at 10/s), which holds them
    planned, identity = chat.run(listed(*(f"u{i:03d}" for i in range(13))), "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "Plan: 12 to add" in planned.stdout
    assert identity == (1, 0)


def test_new_users_of_a_long_listing_are_looked_up(chat: Chat) -> None:
    # the channel shows 100 users exist, so a sweep for 10 more has at least 3 pages
    # (0.3 s): 10 lookups (0.2 s) at once, where weighing them against the pages read
    # alone would have read 2 pages first
    declared = listed(*(f"u{i:03d}" for i in range(110)))
    planned, identity = chat.run(declared, "plan", live=100)
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "Plan: 10 to add" in planned.stdout
    assert identity == (0, 10)


def test_a_channel_over_the_maximum_fails_plan_and_apply_before_any_call(chat: Chat) -> None:
    members = listed(*(f"u{i:05d}" for i in range(10_001)))
    for command in (["plan"], ["apply", "--auto-approve"]):
        run, _ = chat.run(members, *command)
        assert run.exit_code == 1, run.stdout + run.stderr
        assert "chat.yaml:2: channels.ops: channel 'ops' declares 10,001 members" in run.stderr
        assert chat.made == {}


def test_a_lookup_answered_otherwise_than_not_found_stops_plan_and_apply_changes_nothing(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA-G Q-G-2: AWS's model lists no NotFound for DescribeAppInstanceUser, so what it
    answers for a missing user is undocumented; any answer other than NotFound stops the
    run with that AWS error, naming the user, and nothing is applied."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    chat.emulator.reset(seed(120, 1))
    chat.write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": "channels:\n  ops:\n    members:\n" + listed("u000", "u1O1"),
        }
    )
    chat.emulator.set_faults(error_rate=1, operations=["DescribeAppInstanceUser"])
    applied = chat.cli("apply", "--auto-approve")
    assert applied.exit_code == 1
    error = applied.stderr.strip().splitlines()[-1]
    assert error.startswith(f"Error: DescribeAppInstanceUser failed (user {INSTANCE}/user/u1O1)")
    assert "no AppInstanceUser" not in applied.stdout + applied.stderr
    assert chat.emulator.messaging.channel_members(OPS) == {f"{INSTANCE}/user/u000": "DEFAULT"}
