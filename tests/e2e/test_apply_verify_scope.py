"""Verification after apply re-reads only the targets where a change was done: a channel
whose every change failed (a member AWS refuses: the channel is full) is not listed again,
one with a change done is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
SETTINGS = f"""
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """
SEED = {
    "app_instances": [
        {
            "arn": INSTANCE,
            "admins": ["reconciler"],
            "users": [{"id": u} for u in ("reconciler", "alice", "bob")],
            "channels": [
                {"name": "refused", "id": "c1", "members": ["alice"]},
                {"name": "fine", "id": "c2", "members": ["alice", "bob"]},
            ],
        }
    ]
}


def test_a_channel_whose_every_change_failed_is_not_read_again(
    emulator: EmulatorServer,
    write_desired: Callable[[dict[str, str]], Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the emulator's channels hold one member (AWS's maximum is 10,000): adding one more to
    # a channel is refused per item with ResourceLimitExceeded, as AWS refuses the 10,001st
    monkeypatch.setattr("reconciler.emulator.messaging.models.MAX_MEMBERS_PER_CHANNEL", 1)
    emulator.reset(SEED)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                channels:
                  refused: {members: [user:alice, user:bob]}   # full: bob is refused
                  fine: {members: [user:alice], prune: true}   # bob is removed
                """,
        }
    )
    before = calls()
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1
    assert "+ user:bob (DEFAULT) in refused: ResourceLimitExceeded" in run.stdout
    made = {k: v - before.get(k, 0) for k, v in calls().items()}
    # the plan: 2 scans (DEFAULT, HIDDEN) per channel; verification: only `fine` again
    assert made["ListChannelMemberships"] == 2 * 2 + 2
    # the bans of `refused` only, where the plan adds bob; verification lists none
    assert made["ListChannelBans"] == 1
    assert made["BatchCreateChannelMembership"] == 1
    assert made["DeleteChannelMembership"] == 1
