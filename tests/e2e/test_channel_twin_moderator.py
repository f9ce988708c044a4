"""A channel whose members are two bots of one name, one of them a moderator too (QA-FS
Q-FS-3): the plan named the memberships by their ARNs but the moderator `bot:Twin`, so a
reviewer could not tell which bot's moderator role would be removed. Now the moderator row
is named by its ARN as well, in plan and explain, and apply removes that one. The real CLI
against the emulator over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
T1, T2 = f"bot:{CHAT}/bot/bot-t1", f"bot:{CHAT}/bot/bot-t2"
SETTINGS = f'app_instances:\n  chat: {{arn: "{CHAT}", bearer: user:reconciler}}\n'


@pytest.fixture
def scenario(emulator: EmulatorServer, write_desired: Callable[..., Path]) -> EmulatorServer:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}, {"id": "alice"}],
                    "bots": [{"id": "bot-t1", "name": "Twin"}, {"id": "bot-t2", "name": "Twin"}],
                    "channels": [
                        {
                            "name": "solo",
                            "id": "solo",
                            "members": ["reconciler", "alice", "bot-t1", "bot-t2"],
                            "moderators": ["reconciler", "bot-t1", "alice"],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                channels:
                  solo: {members: [user:alice], moderators: [user:alice], prune: true}
                """,
        }
    )
    return emulator


def test_a_twin_bots_moderator_row_is_named_by_its_arn(scenario: EmulatorServer, cli: Any) -> None:
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stderr
    assert f"  - {T1} (DEFAULT)" in plan.lines
    assert f"  - {T2} (DEFAULT)" in plan.lines
    assert f"  - {T1} (Moderator)" in plan.lines  # was `  - bot:Twin (Moderator)`
    assert "bot:Twin" not in plan.stdout
    explained = cli(*UNPACED, "explain", "bot:Twin")
    assert f"live: Moderator (as {T1})" in explained.stdout
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    again = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout


def test_audit_says_which_twin_bot_the_moderator_row_is(
    scenario: EmulatorServer, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """audit's moderator row had no `Twin (id ARN): ` prefix, as only bot-t1 moderates, so
    it did not say whose moderator role the plan removes (QA-FX Q-FX-2); the plan names
    it by its ARN as another Twin is in the channel's memberships: audit now says so too."""
    prefix = f"Twin (id {T1.removeprefix('bot:')}): "
    rows = json.loads(cli(*UNPACED, "audit", "bot:Twin", "--format", "json").stdout)
    moderator = [r for r in rows["channels"] if r["live"] == "Moderator"]
    assert [r["note"] for r in moderator] == [f"{prefix}not declared: plan removes it (prune)"]
    monkeypatch.setenv("COLUMNS", "300")  # the table's NOTE column whole
    text = cli(*UNPACED, "audit", "bot:Twin").stdout
    row = next(line for line in text.splitlines() if " Moderator " in line)
    assert prefix in row
