"""Two AppInstanceBots of one name (AWS allows it: a bot's name is display text, not
unique, QA-AL Q-AL-3): a channel's ``bot:NAME`` that names both is a plan error at its
line, naming the bots' ARNs, never one of them picked; two such bots no file declares are
two members, each shown by its ARN and each removed on its own by ``prune``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import UNPACED

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
OPS = f"{INSTANCE}/channel/ops"
BOT_1, BOT_2 = f"{INSTANCE}/bot/bot-1", f"{INSTANCE}/bot/bot-2"
ALICE = f"{INSTANCE}/user/alice"
SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """


def seed(*in_ops: str) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "alice"}],
                # the emulator takes two bots of one name, as AWS does, each with its id
                "bots": [{"id": "bot-1", "name": "PagerBot"}, {"id": "bot-2", "name": "PagerBot"}],
                "channels": [
                    {"name": "ops", "id": "ops", "members": ["reconciler", "alice", *in_ops]}
                ],
            }
        ]
    }


def members(emulator: EmulatorServer) -> dict[str, str]:
    return {
        arn: kind
        for arn, kind in emulator.messaging.channel_members(OPS).items()
        if not arn.endswith("/reconciler")
    }


def test_a_bot_name_two_bots_share_is_a_located_plan_error_naming_both(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    for live in ((BOT_1, BOT_2), (BOT_1,)):  # both in the channel; one, the other not
        emulator.reset(seed(*(arn.rpartition("/")[2] for arn in live)))
        chat = "channels:\n  ops:\n    prune: true\n    members:\n      - user:alice\n"
        write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat + "      - bot:PagerBot\n"})
        before = members(emulator)

        planned = cli(*UNPACED, "plan")
        shown = planned.stdout + planned.stderr
        assert planned.exit_code == 1, shown
        assert "chat.yaml:6" in shown, shown  # the line of bot:PagerBot
        assert f"2 AppInstanceBots named 'PagerBot' in {INSTANCE} ({BOT_1}, {BOT_2})" in shown
        assert "- bot:" not in shown, shown  # neither bot is planned for removal

        applied = cli(*UNPACED, "apply", "--auto-approve")
        assert applied.exit_code == 1, applied.stdout + applied.stderr
        assert "Nothing was applied" in applied.stdout + applied.stderr
        assert members(emulator) == before


def test_two_undeclared_bots_of_one_name_are_two_members_each_removed(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(seed("bot-1", "bot-2"))
    chat = "channels:\n  ops:\n    prune: true\n    members: [user:alice]\n"
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})

    planned = cli(*UNPACED, "plan")
    shown = planned.stdout + planned.stderr
    assert planned.exit_code == 0, shown
    assert f"- bot:{BOT_1} (DEFAULT)" in shown, shown
    assert f"- bot:{BOT_2} (DEFAULT)" in shown, shown
    assert "2 to remove" in shown, shown

    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert members(emulator) == {ALICE: "DEFAULT"}

    again = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


def test_a_bot_arn_is_refused_saying_bots_are_named_by_name_only(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(seed("bot-1", "bot-2"))
    chat = f"channels:\n  ops:\n    members: [user:alice, {BOT_2}]\n"
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat})
    validated = cli(*UNPACED, "validate")
    shown = validated.stdout + validated.stderr
    assert validated.exit_code == 1, shown
    assert f"{BOT_2!r} is an AppInstanceBot ARN: a channel names bots as bot:NAME only" in shown


def test_a_bearer_bot_name_two_bots_share_says_to_give_its_arn_or_rename_one(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    # a bearer bot may be given by its ARN (QA-CI Q-CI-5): the advice names both
    emulator.reset(seed())
    settings = SETTINGS.replace("bearer: user:reconciler", "bearer: bot:PagerBot")
    write_desired({"settings.yaml": settings, "chat.yaml": "channels:\n  ops: {members: []}\n"})
    planned = cli(*UNPACED, "plan")
    errors = [x for x in (planned.stdout + planned.stderr).splitlines() if x.startswith("Error")]
    assert planned.exit_code == 1
    assert errors[0] == (
        f"Error: desired-state/settings.yaml:4: bearer bot:PagerBot: 2 AppInstanceBots named "
        f"'PagerBot' in {INSTANCE} ({BOT_1}, {BOT_2}): give the bearer's ARN, or rename one "
        "(UpdateAppInstanceBot)"
    )
