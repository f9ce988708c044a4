"""QA-CI Q-CI-1: AWS's text can be read two ways on what ``ListChannelMemberships
Type=HIDDEN`` returns: the HIDDEN members only, or every member (botocore: "Default
members are always returned as part of ListChannelMemberships"). The emulator answers
either way (an app instance's ``hidden_listing:`` in its seed, HIDDEN or ALL); plan,
apply and import must see the same channel under both. The real CLI against the
emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHANNEL = f"{INSTANCE}/channel/ic"
READINGS = pytest.mark.parametrize("reading", ["HIDDEN", "ALL"])
SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """
# incident-chat as Chime holds it: bob and eve DEFAULT, dave HIDDEN
MATCHING = """
    channels:
      incident-chat:
        prune: true
        members: [user:bob, user:eve]
        hidden: [user:dave]
    """


def seed(reading: str) -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "hidden_listing": reading,
                "admins": ["reconciler"],
                "users": [{"id": u} for u in ("reconciler", "bob", "eve", "dave", "frank")],
                "channels": [
                    {"name": "incident-chat", "id": "ic", "privacy": "PRIVATE",
                     "mode": "RESTRICTED", "members": ["bob", "eve"], "hidden": ["dave"]},
                ],
            }
        ]
    }  # fmt: skip


@READINGS
def test_a_channel_that_matches_its_file_plans_no_change_under_either_reading(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, reading: str
) -> None:
    emulator.reset(seed(reading))
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": MATCHING})
    run = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "No changes." in run.stdout
    assert "HIDDEN" not in run.stdout, run.stdout


@READINGS
def test_apply_moves_a_member_to_hidden_and_leaves_the_others(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, reading: str
) -> None:
    emulator.reset(seed(reading))
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": MATCHING.replace("[user:bob, user:eve]", "[user:bob]").replace(
                "[user:dave]", "[user:dave, user:eve, user:frank]"
            ),
        }
    )
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "1 added, 1 changed, 0 removed" in run.stdout, run.stdout
    users = {f"{INSTANCE}/user/{u}": t for u, t in (("bob", "DEFAULT"), ("dave", "HIDDEN"))}
    users |= {f"{INSTANCE}/user/{u}": "HIDDEN" for u in ("eve", "frank")}
    assert emulator.messaging.channel_members(CHANNEL) == users
    again = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr


@READINGS
def test_import_writes_each_member_once(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any, reading: str
) -> None:
    emulator.reset(seed(reading))
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import")
    assert run.exit_code == 0, run.stderr
    channel = yaml.safe_load(run.stdout)["channels"]["incident-chat"]
    assert (channel["members"], channel["hidden"]) == (["user:bob", "user:eve"], ["user:dave"])
    (Path("desired-state") / "imported.yaml").write_text(run.stdout)
    assert cli(*UNPACED, "validate").exit_code == 0
