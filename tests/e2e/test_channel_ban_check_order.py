"""QA-DO Q-DO-2 and Q-DO-3: what the README's channel cost passages say of the order of
the ban listings and the user check, counted on the emulator's calls (the CLI, the real
boto3 client and the emulator over HTTP).

Each kind reads the bans it needs before its own user check, the memberships kind first:
a user that only the moderators kind's ban listing shows (read after the memberships
kind's check) is checked once. A declared user who does not exist is a member the plan
would add until the check says otherwise: its channel's bans are read too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED
from test_channels_e2e import SETTINGS, chat_seed, uid

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHECKS = ("DescribeAppInstanceUser", "ListAppInstanceUsers")


def seed(emulator: EmulatorServer) -> None:
    """ops: u001, u002 (hidden u005, moderator u001), u009 banned; dev: u003 (moderator
    u003), u010 banned; side: u001."""
    emulator.reset(
        chat_seed(
            [
                {"name": "ops", "id": "ops", "members": [uid(1), uid(2)], "hidden": [uid(5)],
                 "moderators": [uid(1)], "bans": [uid(9)]},
                {"name": "dev", "id": "dev", "members": [uid(3)], "moderators": [uid(3)],
                 "bans": [uid(10)]},
                {"name": "side", "id": "side", "members": [uid(1)]},
            ]
        )
    )  # fmt: skip


def plan(write_desired: Callable[..., Any], cli: Any, chat: str) -> Any:
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})
    return cli(*UNPACED, "plan")


@pytest.mark.parametrize(
    ("dev", "checks"),
    [
        # u010 a new member of dev: the memberships kind reads dev's bans before its check
        (f"{{members: [user:{uid(3)}, user:{uid(10)}]}}", 0),
        # u010 a new moderator (only) of dev: the moderators kind reads dev's bans, after
        # the memberships kind checked u010 for side
        (f"{{members: [user:{uid(3)}], moderators: [user:{uid(3)}, user:{uid(10)}]}}", 1),
    ],
    ids=["member", "moderator-only"],
)
def test_a_ban_spares_the_user_check_of_the_kind_that_reads_it_first(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    dev: str,
    checks: int,
) -> None:
    seed(emulator)
    chat = f"channels:\n  dev: {dev}\n  side: {{members: [user:{uid(1)}, user:{uid(10)}]}}\n"
    run = plan(write_desired, cli, chat)
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "  + user:u010 (DEFAULT)" in run.lines  # in side
    assert sum("user:u010 is banned from channel 'dev'" in line for line in run.lines) == 1
    counted = calls()
    assert counted["ListChannelBans"] == 2  # dev's and side's
    assert sum(counted.get(c, 0) for c in CHECKS) == checks


def test_a_declared_user_who_does_not_exist_costs_its_channels_bans(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """ops declares what it has, and u777, whom no AppInstanceUser has: the plan reads
    ops' bans (read before the check) and fails on u777; a channel in sync costs none."""
    seed(emulator)
    chat = (
        "channels:\n"
        f"  ops: {{members: [user:{uid(1)}, user:{uid(2)}, user:u777], hidden: [user:{uid(5)}],"
        f" moderators: [user:{uid(1)}]}}\n"
        f"  side: {{members: [user:{uid(1)}]}}\n"
    )
    run = plan(write_desired, cli, chat)
    assert run.exit_code == 1, run.stdout + run.stderr
    assert any("no AppInstanceUser 'u777' in " in line for line in run.lines), run.stdout
    counted = calls()
    assert counted["ListChannelBans"] == 1  # ops only
    assert sum(counted.get(c, 0) for c in CHECKS) == 1
