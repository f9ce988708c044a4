"""`explain` when a `bearers:` entry of settings.yaml is wrong (a `bot:NAME` that names no
AppInstanceBot, one bot listed twice: by its name and by its ARN), through the CLI, the
real boto3 clients and the emulator over HTTP: the channels of that app instance are not
read, each says why (the located error), and explain ends with that error, exit 1, as
`plan` and `audit` do (QA-EL Q-EL-1). The other app instance's channels are answered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

NOW = ("--now", "2027-03-20")
ONE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
TWO = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-2"
TWICE = (
    "desired-state/settings.yaml:7: bot:Reconciler and "
    f"{ONE}/bot/bot-r are the same AppInstanceBot, listed twice in `bearers`: list it once"
)
NO_BOT = (
    "desired-state/settings.yaml:6: bearer bot:Nope: no AppInstanceBot named 'Nope' in "
    f"{ONE}: check the name"
)
CASES = [
    (["bot:Reconciler", "user:r0", f"{ONE}/bot/bot-r"], TWICE),
    (["user:r0", "bot:Nope"], NO_BOT),
]


@pytest.fixture
def estate(emulator: EmulatorServer) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": ONE,
                    "admins": ["r0", "bot-r"],
                    "users": [{"id": "r0"}, {"id": "u1"}],
                    "bots": [{"id": "bot-r", "name": "Reconciler"}],
                    "channels": [{"name": "c1", "id": "c1", "members": ["u1"]}],
                },
                {
                    "arn": TWO,
                    "admins": ["s0"],
                    "users": [{"id": "s0"}, {"id": "u1"}],
                    "channels": [{"name": "d1", "id": "d1", "members": ["u1"]}],
                },
            ]
        }
    )


def files(write_desired: Any, bearers: list[str]) -> None:
    entries = "".join(f"\n                      - {b}" for b in bearers)
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {ONE}
                    bearers:{entries}
                  chat2:
                    arn: {TWO}
                    bearer: user:s0
                """,
            "chat.yaml": """
                channels:
                  c1: {app_instance: chat, members: [user:u1]}
                  d1: {app_instance: chat2, members: [user:u1]}
                """,
        }
    )


@pytest.mark.parametrize(("bearers", "error"), CASES)
def test_explain_says_why_a_channel_was_not_read_and_fails_with_the_located_error(
    estate: None, write_desired: Any, cli: Any, bearers: list[str], error: str
) -> None:
    files(write_desired, bearers)
    plan = cli(*UNPACED, *NOW, "plan")
    assert plan.exit_code == 1
    assert f"Error: {error}" in (plan.stdout + plan.stderr).splitlines()
    run = cli(*UNPACED, *NOW, "explain", "user:u1")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.stderr.splitlines() == [f"Error: {error}"]
    assert run.stdout.splitlines() == [
        "Explaining user:u1 as of 2027-03-20T00:00:00Z.",
        "",
        f"# channel c1 (app instance {ONE})",
        "  declared in desired-state/chat.yaml:2",
        "  role: DEFAULT",
        "    DEFAULT at desired-state/chat.yaml:2",
        "  live: not read",
        f"  plan: live state not read: {error}",
        "",
        f"# channel d1 (app instance {TWO}, id {TWO}/channel/d1)",
        "  declared in desired-state/chat.yaml:3",
        "  role: DEFAULT",
        "    DEFAULT at desired-state/chat.yaml:3",
        "  live: DEFAULT",
        "  plan: in sync: no change",
        "",
        (
            "Of the desired state's targets, user:u1 is declared in 2 and live in 1 "
            "(audit reads the rooms and channels outside them too)."
        ),
    ]
    run = cli(*UNPACED, *NOW, "explain", "user:u1", "--format", "json")
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [f"Error: {error}"]
    c1 = json.loads(run.stdout)["targets"][0]
    assert (c1["name"], c1["plan"]["outcome"], c1["plan"]["note"]) == (
        "c1",
        "not-read",
        f"live state not read: {error}",
    )


def test_explain_of_the_other_app_instance_alone_is_not_failed_by_its_bearers(
    estate: None, write_desired: Any, cli: Any
) -> None:
    """--target d1: chat-1's channels are not read, its bearers not looked up."""
    files(write_desired, CASES[1][0])
    run = cli(*UNPACED, *NOW, "explain", "user:u1", "--target", "d1")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.stderr == ""
    assert "  plan: in sync: no change" in run.stdout.splitlines()
