"""QA-FP Q-FP-2: `explain bot:NAME` of a name two AppInstanceBots share, both in a channel
(which the plan then names by their ARNs): one section for each bot, with its live role
and what the plan does with it, as `audit bot:NAME` and the plan have them; never "not a
member" or "neither declared nor live". The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
BOT_2, BOT_3 = f"{INSTANCE}/bot/bot-2", f"{INSTANCE}/bot/bot-3"


@pytest.fixture(autouse=True)
def estate(emulator: EmulatorServer) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "admins": ["r0", "bot-2"],
                    "users": [{"id": "r0"}, {"id": "alice"}],
                    "bots": [{"id": "bot-2", "name": "Twin"}, {"id": "bot-3", "name": "Twin"}],
                    "channels": [
                        {"name": "twins", "id": "twins", "members": ["alice", "bot-2", "bot-3"]}
                    ],
                }
            ]
        }
    )


def _desired(write_desired: Any, bearers: str, members: str, prune: str = "false") -> None:
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: {INSTANCE}, bearers: [{bearers}]}}
                safety: {{max_removal_fraction: 1.0}}
            """,
            "c.yaml": f"channels: {{twins: {{prune: {prune}, members: [{members}]}}}}\n",
        }
    )


def _explained(cli: Any) -> dict[str, Any]:
    run = cli(*UNPACED, "explain", "bot:Twin", "--format", "json")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_each_bot_of_the_name_is_shown_live_where_the_channel_is_not_declared_with_it(
    write_desired: Any, cli: Any
) -> None:
    _desired(write_desired, "user:r0", "user:alice")
    doc = _explained(cli)
    assert [(t["live"], t["plan"]["outcome"]) for t in doc["targets"]] == [
        ({"role": "DEFAULT", "read": True, "as": f"bot:{BOT_2}"}, "kept"),
        ({"role": "DEFAULT", "read": True, "as": f"bot:{BOT_3}"}, "kept"),
    ]
    assert doc["summary"] == {"declared": 0, "live": 1}
    text = cli(*UNPACED, "explain", "bot:Twin").stdout
    assert f"live: DEFAULT (as bot:{BOT_2})" in text and f"live: DEFAULT (as bot:{BOT_3})" in text
    assert (
        "Of the desired state's targets, bot:Twin is declared in 0 and live in 1 "
        "(audit reads the rooms and channels outside them too)."
    ) in text


def test_a_channel_declaring_the_shared_name_shows_both_bots_live_and_not_planned(
    write_desired: Any, cli: Any
) -> None:
    _desired(write_desired, "user:r0", "user:alice, bot:Twin", prune="true")
    targets = _explained(cli)["targets"]
    assert [(t["live"]["role"], t["live"]["as"], t["plan"]["outcome"]) for t in targets] == [
        ("DEFAULT", f"bot:{BOT_2}", "not-planned"),
        ("DEFAULT", f"bot:{BOT_3}", "not-planned"),
    ]


def test_the_bearer_of_the_twins_is_kept_protected_its_twin_removed(
    write_desired: Any, cli: Any
) -> None:
    _desired(write_desired, f'"{BOT_2}", user:r0', "user:alice", prune="true")
    plan = cli(*UNPACED, "plan")
    assert f"- bot:{BOT_3} (DEFAULT)" in plan.stdout and BOT_2 not in plan.stdout
    targets = _explained(cli)["targets"]
    assert [(t["live"]["as"], t["plan"]["outcome"]) for t in targets] == [
        (f"bot:{BOT_2}", "protected"),
        (f"bot:{BOT_3}", "remove"),
    ]
