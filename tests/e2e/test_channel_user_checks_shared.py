"""QA-FB Q-FB-1 and Q-FB-2: the users' check is shared by the two channel kinds, so a user
any listing of the run shows costs no check, whichever kind lists it, counted on the
emulator's calls (the CLI, the real boto3 client and the emulator over HTTP).

Q-FB-1: a new member whom only the channel's moderators listing showed was looked up
(DescribeAppInstanceUser) by the memberships kind, whose check came before that listing
was read. Q-FB-2: users a ListAppInstanceUsers page showed were looked up again by the
moderators kind (only the ones asked for were kept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
OPS = f"{INSTANCE}/channel/ops"
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


def test_a_new_member_the_moderators_listing_shows_costs_no_check(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """u09 moderates ops (not a member), u05 moderates dev: declared members of ops, both
    are shown by a moderators listing of the run; u07, shown by none, is checked (one
    lookup), and made a moderator too."""
    emulator.reset(
        seed(
            10,
            [
                {"name": "ops", "id": "ops", "moderators": ["u09"]},
                {"name": "dev", "id": "dev", "members": ["u05"], "moderators": ["u05"]},
            ],
        )
    )
    chat = (
        "channels:\n"
        f"  ops: {{members: {users(9)}, moderators: {users(9)}}}\n"
        f"  dev: {{members: {users(5)}, moderators: {users(5)}}}\n"
    )
    planned, made = run(emulator, write_desired, cli, calls, chat, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert "  + user:u09 (DEFAULT)" in planned.lines
    assert planned.lines[-1] == "Plan: 1 to add, 0 to change, 0 to remove."
    # ops: bans (a member to add); each listing once, the moderators' read ahead and taken
    assert made == {
        "ListChannels": 2,
        "DescribeChannel": 2,
        "ListChannelMemberships": 4,
        "ListChannelModerators": 2,
        "ListChannelBans": 1,
    }

    chat = (
        "channels:\n"
        f"  ops: {{members: {users(9, 5, 7)}, moderators: {users(9, 7)}}}\n"
        f"  dev: {{members: {users(5)}, moderators: {users(5)}}}\n"
    )
    applied, made = run(emulator, write_desired, cli, calls, chat, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 4 added, 0 changed, 0 removed."
    # u07 the one check; ops verified afterwards: its listings read again, not the ones
    # read ahead
    assert made == {
        "ListChannels": 2,
        "DescribeChannel": 2,
        "ListChannelMemberships": 4 + 2,
        "ListChannelModerators": 2 + 1,
        "ListChannelBans": 1,
        "DescribeAppInstanceUser": 1,
        "BatchCreateChannelMembership": 1,
        "CreateChannelModerator": 1,
    }
    assert emulator.messaging.channel_members(OPS) == {
        f"{INSTANCE}/user/u{i:02d}": "DEFAULT" for i in (5, 7, 9)
    }
    again, made = run(emulator, write_desired, cli, calls, chat, "plan")
    assert again.lines[-1] == "No changes. Chime memberships match the desired state.", again.stdout
    assert made == {
        "ListChannels": 2,
        "DescribeChannel": 2,
        "ListChannelMemberships": 4,
        "ListChannelModerators": 2,
    }


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


def test_the_moderators_check_goes_on_after_the_pages_read(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """QA-FH Q-FH-3: 150 users, 3 pages; 7 new members on page 1 (the memberships kind's
    check reads it), 20 new moderators on page 2: the moderators kind's check reads page 2,
    not page 1 again (every user on it known): 2 ListAppInstanceUsers, not 3."""
    ids = [f"u{i:03d}" for i in range(149)]
    world = seed(0, [{"name": "ops", "id": "ops", "members": ["u010"]}])
    world["app_instances"][0]["users"] += [{"id": u} for u in ids]
    emulator.reset(world)
    members = ", ".join(f"user:{u}" for u in ["u010", *ids[1:8]])
    moderators = ", ".join(f"user:{u}" for u in ids[60:80])
    chat = f"channels:\n  ops: {{members: [{members}], moderators: [{moderators}]}}\n"
    planned, made = run(emulator, write_desired, cli, calls, chat, "plan")
    assert planned.exit_code == 0, planned.stdout + planned.stderr
    assert planned.lines[-1] == "Plan: 27 to add, 0 to change, 0 to remove."
    assert made == {
        **READS,
        "ListChannelModerators": 1,
        "ListChannelBans": 1,
        "ListAppInstanceUsers": 2,
    }
