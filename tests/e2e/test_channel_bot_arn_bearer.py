"""QA-CI Q-CI-5: settings.yaml's `bearer:` takes an AppInstanceBot ARN, as AWS's
x-amz-chime-bearer does ("the ARN of the AppInstanceUser or AppInstanceBot that makes the
API call"): the one way to name one of two bots of one name. Every call is made as that
bot, it is protected and never listed (as every bearer), whether or not the channel holds
its twin, and the plan converges. The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
OTHER = "arn:aws:chime:us-east-1:111122223333:app-instance/other"
OPS, SOLO = f"{INSTANCE}/channel/ops", f"{INSTANCE}/channel/solo"
BOT_1, BOT_2 = f"{INSTANCE}/bot/bot-1", f"{INSTANCE}/bot/bot-2"
ALICE, BOB = f"{INSTANCE}/user/alice", f"{INSTANCE}/user/bob"


def settings(bearer: str) -> str:
    return f"""
        app_instances:
          chat:
            arn: {INSTANCE}
            bearer: "{bearer}"
        safety: {{max_removal_fraction: 1.0}}
        """


CHAT = """
    channels:
      ops: {prune: true, members: [user:alice, user:bob]}
      solo: {prune: true, members: [user:alice, user:bob]}
    """


@pytest.fixture
def twins(emulator: EmulatorServer) -> None:
    """bot-1 and bot-2, both named PagerBot; bot-1 (an AppInstanceAdmin) is in both
    channels, bot-2 (no admin) in ops only."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["bot-1"],
                    "users": [{"id": "alice"}, {"id": "bob"}],
                    "bots": [{"id": "bot-1", "name": "PagerBot"},
                             {"id": "bot-2", "name": "PagerBot"}],
                    "channels": [
                        {"name": "ops", "id": "ops", "members": ["bot-1", "alice", "bot-2"]},
                        {"name": "solo", "id": "solo", "members": ["bot-1", "alice"]},
                    ],
                }
            ]
        }
    )  # fmt: skip


@pytest.mark.usefixtures("twins")
def test_a_bot_arn_bearer_plans_and_applies_as_that_bot_and_converges(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    write_desired({"settings.yaml": settings(BOT_1), "chat.yaml": CHAT})
    assert cli("validate").exit_code == 0

    planned = cli(*UNPACED, "plan")
    shown = planned.stdout + planned.stderr
    assert planned.exit_code == 0, shown
    assert f"- bot:{BOT_2} (DEFAULT)" in shown, shown  # the twin: undeclared, pruned
    assert BOT_1 not in shown and "bot:PagerBot" not in shown, shown  # the bearer: quiet
    assert "Plan: 2 to add, 0 to change, 1 to remove." in shown, shown

    emulator.reset_calls()
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert set(emulator.bearer_calls()) == {BOT_1}  # every call made as the bot
    for channel in (OPS, SOLO):
        assert set(emulator.messaging.channel_members(channel)) == {BOT_1, ALICE, BOB}

    again = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert "No changes." in again.stdout


def test_a_bot_arn_bearer_of_another_app_instance_is_a_located_error(
    write_desired: Callable[..., Any], cli: Any
) -> None:
    write_desired({"settings.yaml": settings(f"{OTHER}/bot/bot-1"), "chat.yaml": CHAT})
    run = cli("validate")
    assert run.exit_code == 1
    assert (
        f"desired-state/settings.yaml:4: app_instances.chat.bearer: {OTHER}/bot/bot-1 is a bot "
        f"of app instance {OTHER}, not of app instance {INSTANCE}: a bearer calls as a user "
        "or bot of the app instance it manages"
    ) in run.stdout + run.stderr, run.stdout + run.stderr


def test_a_bot_arn_bearer_declared_by_name_in_a_channel_is_a_located_error(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """The plan knows the bearer by the ARN settings.yaml gives: a channel declaring it by
    its name would add it on every run (Conflict, "already present"); it is an error at
    its line instead, and nothing is applied."""
    bot = f"{INSTANCE}/bot/bot-3"
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["bot-3"],
                    "users": [{"id": "alice"}],
                    "bots": [{"id": "bot-3", "name": "Reconciler"}],
                    "channels": [{"name": "ops", "id": "ops", "members": ["bot-3", "alice"]}],
                }
            ]
        }
    )
    chat = "channels:\n  ops: {prune: true, members: [user:alice, bot:Reconciler]}\n"
    write_desired({"settings.yaml": settings(bot), "chat.yaml": chat})
    for command in (("plan",), ("apply", "--auto-approve")):
        run = cli(*UNPACED, *command)
        assert run.exit_code == 1, run.stdout + run.stderr
        errors = [x for x in (run.stdout + run.stderr).splitlines() if x.startswith("Error: ")]
        assert errors[0] == (
            f"Error: desired-state/chat.yaml:2: bot:Reconciler is the bearer bot:{bot} "
            "(desired-state/settings.yaml:4), given there by its ARN: leave it out of the "
            "channel (a bearer is never removed), or make settings.yaml name it bot:Reconciler"
        )
    assert set(emulator.messaging.channel_members(OPS)) == {bot, ALICE}
