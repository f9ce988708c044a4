"""QA-FP Q-FP-3: a bearer that is a plain member of a PUBLIC channel, no AppInstanceAdmin
nor moderator of it: AWS lets it describe the channel and list its DEFAULT members, but not
its HIDDEN ones (ListChannelMemberships Type=HIDDEN: ForbiddenException; the emulator
refuses it too). The tool says so at the channel's line, naming the bearer and where
settings.yaml writes it, as for a PRIVATE channel it may not describe; the rest is planned
(it stopped the whole plan with an error naming no file or line). The CLI, the real boto3
client and the emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
PRIVATE = f"{INSTANCE}/channel/ch-ops"
LOBBY = f"{INSTANCE}/channel/lobby"


@pytest.fixture
def alice_bears(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> None:
    """alice (the bearer, no admin): a member of ops (PRIVATE, by arn) and of lobby
    (PUBLIC, by name), moderator of neither; moderator of town (PUBLIC), which declares
    eve, whom it has not."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["r0"],
                    "users": [{"id": u} for u in ("r0", "alice", "bob", "carol", "eve")],
                    "channels": [
                        {"name": "ops", "id": "ch-ops", "privacy": "PRIVATE",
                         "mode": "RESTRICTED", "created_by": "r0", "members": ["alice", "bob"]},
                        {"name": "lobby", "id": "lobby", "members": ["alice", "bob"],
                         "hidden": ["carol"]},
                        {"name": "town", "id": "town", "members": ["alice", "bob"],
                         "moderators": ["alice"]},
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
                    bearer: user:alice
                """,
            "chat.yaml": f"""
                channels:
                  ic:
                    arn: {PRIVATE}
                    members: [user:alice]
                  lobby:
                    members: [user:alice, user:bob]
                  town:
                    members: [user:alice, user:bob, user:eve]
                """,
        }
    )


HIDDEN_REFUSED = (
    f"Error: desired-state/chat.yaml:5: channel lobby ({LOBBY}): its bearer user:alice "
    "(desired-state/settings.yaml:4) may not list its HIDDEN members and moderators "
    "(ForbiddenException): AWS lets only an AppInstanceAdmin or a moderator of the channel "
    "list them, not a plain member (every bearer must be an AppInstanceAdmin, "
    "CreateAppInstanceAdmin)"
)
UNDESCRIBABLE = (
    f"Error: desired-state/chat.yaml:2: channel ic ({PRIVATE}): its bearer user:alice "
    "(desired-state/settings.yaml:4) may not describe it (DescribeChannel: "
    "ForbiddenException): AWS lets only an AppInstanceAdmin describe a PRIVATE channel, "
    "not its moderators or members (every bearer must be one, CreateAppInstanceAdmin)"
)


@pytest.mark.usefixtures("alice_bears")
def test_plan_names_the_channel_whose_hidden_members_its_bearer_may_not_list(
    cli: Any,
) -> None:
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    errors = [x for x in (run.stdout + run.stderr).splitlines() if x.startswith("Error: ")]
    assert errors == [  # stdout captured, no terminal: counted on stderr too (Q-LD-13)
        UNDESCRIBABLE,
        HIDDEN_REFUSED,
        "Error: the plan has 2 errors (above, and in the text output); exit 1.",
    ]
    assert "+ user:eve (DEFAULT)" in run.stdout  # town, moderated by the bearer: planned


@pytest.mark.usefixtures("alice_bears")
def test_explain_names_the_channel_too(cli: Any) -> None:
    run = cli(*UNPACED, "explain", "user:bob")
    assert run.exit_code == 0, run.stdout + run.stderr
    refused = HIDDEN_REFUSED.split(": ", 2)[2]  # after "Error: FILE:LINE: "
    assert f"  plan: live state not read: {refused}" in run.lines
    assert "  plan: in sync: no change" in run.lines  # town
