"""QA-CI Q-CI-2: a bearer that moderates a PRIVATE channel but is no AppInstanceAdmin. AWS's
"Understanding authorization by role" allows DescribeChannel to a moderator or a member
"for public channels" only, so AWS refuses it the channel's DescribeChannel
(ForbiddenException), and the emulator does too. The tool says so at the channel's line,
naming the bearer and where settings.yaml writes it, with what to do; the rest is planned,
and apply refuses the plan (nothing changes). The CLI, the real boto3 client and the
emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
PRIVATE = f"{INSTANCE}/channel/incident-chat"
LOBBY = f"{INSTANCE}/channel/lobby"


def user(name: str) -> str:
    return f"{INSTANCE}/user/{name}"


@pytest.fixture
def carol_moderates(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> None:
    """carol (the bearer, no admin) moderates incident-chat (PRIVATE, given by arn) and
    lobby (PUBLIC, by name); each declares eve, whom neither has."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["reconciler"],
                    "users": [{"id": u} for u in ("reconciler", "carol", "bob", "eve")],
                    "channels": [
                        {"name": "incident-chat", "id": "incident-chat", "privacy": "PRIVATE",
                         "mode": "RESTRICTED",
                         "members": ["carol", "bob"], "moderators": ["carol"]},
                        {"name": "lobby", "id": "lobby",
                         "members": ["carol", "bob"], "moderators": ["carol"]},
                    ],
                }
            ]
        }
    )  # fmt: skip
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    bearer: user:carol
                """,
            "chat.yaml": f"""
                channels:
                  ic:
                    arn: {PRIVATE}
                    members: [user:bob, user:eve]
                  lobby:
                    members: [user:bob, user:eve]
                """,
        }
    )


REFUSED = (
    f"Error: desired-state/chat.yaml:2: channel ic ({PRIVATE}): its bearer user:carol "
    "(desired-state/settings.yaml:4) may not describe it (DescribeChannel: "
    "ForbiddenException): AWS lets only an AppInstanceAdmin describe a PRIVATE channel, "
    "not its moderators or members (every bearer must be one, CreateAppInstanceAdmin)"
)


@pytest.mark.usefixtures("carol_moderates")
def test_plan_names_the_private_channel_its_moderator_bearer_may_not_describe(
    cli: Any,
) -> None:
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    errors = [x for x in (run.stdout + run.stderr).splitlines() if x.startswith("Error: ")]
    assert errors == [
        REFUSED,
        "Error: the plan has 1 error (above, and in the text output); exit 1.",
    ]
    assert "+ user:eve (DEFAULT)" in run.stdout  # lobby, PUBLIC: planned
    assert "incident-chat" not in run.stdout.replace(PRIVATE, "")


@pytest.mark.usefixtures("carol_moderates")
def test_apply_refuses_the_plan_and_changes_nothing(cli: Any, emulator: EmulatorServer) -> None:
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert REFUSED in run.stdout.splitlines()
    assert run.err_lines == [  # stdout is no terminal: the error on stderr too (Q-GK-2)
        REFUSED,
        "Error: Nothing was applied: the plan has 1 error (above). Fix it and run apply again.",
    ]
    for channel in (PRIVATE, LOBBY):
        assert set(emulator.messaging.channel_members(channel)) == {user("carol"), user("bob")}
