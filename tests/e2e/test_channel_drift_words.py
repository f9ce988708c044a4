"""QA-FP Q-FP-7: plan's closing line counted a channel's undeclared moderator as one more
"member" (`No changes, but Chime has 6 members …` under `5 members in 2 channels; 1
moderator in 1 channel`); it now counts each kind in its own word. The real CLI against
the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


def test_the_closing_line_counts_moderators_apart_from_members(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "admins": ["r0"],
                    "users": [{"id": u} for u in ("r0", "alice", "bob", "erin")],
                    "channels": [
                        {"name": "ops", "id": "ops", "members": ["alice", "bob", "erin"],
                         "moderators": ["erin"]},
                    ],
                }
            ]
        }
    )  # fmt: skip
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat: {{arn: '{CHAT}', bearer: user:r0}}\n",
            "chat.yaml": "channels:\n  ops:\n    members: [user:alice]\n",
        }
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "Not in the desired state: 2 members in 1 channel; 1 moderator in 1 channel." in (
        run.lines
    )
    assert run.lines[-1] == (
        "No changes, but Chime has 2 members and 1 moderator the desired state does not declare."
    )


def test_import_expects_the_words_the_plan_says(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """A twin bot import leaves out, a member and a moderator of the channel: import's
    `expect:` says what the plan right after says, in the same words."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "admins": ["r0"],
                    "users": [{"id": u} for u in ("r0", "alice")],
                    "bots": [{"id": "bot-1", "name": "Twin"}, {"id": "bot-2", "name": "Twin"}],
                    "channels": [
                        {"name": "ops", "id": "ops", "members": ["alice", "bot-1"],
                         "moderators": ["bot-1"]},
                    ],
                }
            ]
        }
    )  # fmt: skip
    write_desired(
        {"settings.yaml": f"app_instances:\n  chat: {{arn: '{CHAT}', bearer: user:r0}}\n"}
    )
    said = "Chime has 1 member and 1 moderator the desired state does not declare"
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == (
        f"Next: chime-reconciler --desired desired-state plan   (expect: No changes, but {said}: "
        "those left out)"
    )
    plan = cli(*UNPACED, "plan")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
    assert plan.lines[-1] == f"No changes, but {said}."
