"""QA-FP Q-FP-8: `audit` rows of channels in several app instances are ordered by the app
instance as the APP INSTANCE column shows it (settings.yaml's label), then by channel name:
not by the app instances' ARNs, which put `eu` (eu-central-1) before `chat` (us-east-1).
Through the CLI, boto3 and the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
EU = "arn:aws:chime:eu-central-1:111122223333:app-instance/eu"


def _instance(arn: str, prefix: str) -> dict[str, Any]:
    return {
        "arn": arn,
        "admins": ["r0"],
        "users": [{"id": "r0"}, {"id": "u0100"}],
        "channels": [
            {"name": f"c0{i}", "id": f"{prefix}-c0{i}", "members": ["u0100"]} for i in (0, 1)
        ],
    }


def test_rows_are_ordered_by_the_label_shown(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    emulator.reset({"app_instances": [_instance(CHAT, "chat"), _instance(EU, "eu")]})
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: {CHAT}, bearer: user:r0}}
                  eu: {{arn: {EU}, bearer: user:r0}}
            """,
            "c.yaml": "channels: {}\n",
        }
    )
    run = cli(*UNPACED, "audit", "user:u0100")
    assert run.exit_code == 0, run.stderr
    rows = [line.split()[:2] for line in run.stdout.splitlines()[2:] if line.strip()]
    assert rows == [["chat", "c00"], ["chat", "c01"], ["eu", "c00"], ["eu", "c01"]], run.stdout
    doc = json.loads(cli(*UNPACED, "audit", "user:u0100", "--format", "json").stdout)
    arns = [r["channel_arn"].rpartition("/")[2] for r in doc["channels"]]
    assert arns == ["chat-c00", "chat-c01", "eu-c00", "eu-c01"]
