"""import --out's `Next:` line speaks for every kind and for what DIR declared already
(QA-FY Q-FY-6): it was the rooms' alone, missing when only a channel was written, and
`(expect: No changes.)` when channels (or meetings) DIR declares were left as they are
with drift the next plan shows. The real CLI against the emulator over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"
CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
SETTINGS = f'account: {ACC}\napp_instances:\n  chat: {{arn: "{CHAT}", bearer: user:r0}}\n'
NEXT = "Next: chime-reconciler --desired desired-state plan   (expect: "


def _seed(rooms: list[dict[str, Any]], channels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "accounts": [
            {
                "id": ACC,
                "name": "Example Corp",
                "users": [{"id": "alice-id", "email": "alice@example.com"}],
                "rooms": rooms,
            }
        ],
        "app_instances": [
            {
                "arn": CHAT,
                "name": "chat",
                "admins": ["r0"],
                "users": [{"id": u} for u in ["r0", "alice", "bob"]],
                "channels": channels,
            }
        ],
    }


OPS_ROOM = {"id": "r1", "name": "ops", "memberships": [{"member": "alice@example.com"}]}
ROOM_FILE = "rooms:\n  ops:\n    members: [alice@example.com]\n"


def test_only_a_new_channel_written_still_says_next(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(
        _seed(
            [OPS_ROOM],
            [
                {"name": "ops", "id": "ch-1", "members": ["alice"]},
                {"name": "new2", "id": "ch-2", "members": ["bob"]},
            ],
        )
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "ops.yaml": ROOM_FILE,
            "chat.yaml": "channels:\n  ops:\n    members: [user:alice]\n",
        }
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert run.lines[0].startswith("Imported 1 channel (1 membership")
    assert run.lines[-1] == NEXT + "no changes to the channels written)"
    plan = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr


def test_channels_left_as_they_are_with_drift_are_not_promised_no_changes(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(_seed([OPS_ROOM], [{"name": "ops", "id": "ch-1", "members": ["alice", "bob"]}]))
    write_desired(
        {"settings.yaml": SETTINGS, "chat.yaml": "channels:\n  ops:\n    members: [user:alice]\n"}
    )
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert run.lines[0].startswith("Imported 1 room (1 membership)")
    assert run.lines[-1] == NEXT + "no changes to the rooms written)"
    plan = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.stdout + plan.stderr  # the channel's drift, left as it is


def test_a_declared_meeting_is_not_promised_no_changes(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(_seed([OPS_ROOM], []))
    meeting = (
        "meetings:\n  bridge:\n    meeting_id: ${BRIDGE_ID}\n"
        "    attendees:\n      alice@example.com: presenter\n"
    )
    write_desired({"settings.yaml": f"account: {ACC}\n", "meet.yaml": meeting})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == NEXT + "no changes to the rooms written)"


def test_both_kinds_written_into_a_new_directory_are_promised_no_changes(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    emulator.reset(_seed([OPS_ROOM], [{"name": "ops", "id": "ch-1", "members": ["alice"]}]))
    write_desired({"settings.yaml": SETTINGS})
    run = cli(*UNPACED, "import", "--out", "desired-state")
    assert run.exit_code == 0, run.stderr
    assert run.lines[-1] == NEXT + "No changes.)"
    plan = cli(*UNPACED, "plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr
