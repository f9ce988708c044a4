"""Ids written with white space at either end (QA-CF Q-CF-6): an `account:` (settings.yaml's
and a room's), a room's `id:`, an app instance's and a channel's `arn:` are read trimmed,
as member references are, so `plan` finds what they name (before, validate passed and
plan said `no Chime room with id room-ops in account 1111…` with an invisible cause)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ACCOUNT, seed_doc
from test_create_retries_e2e import CHAT_SEED, INSTANCE

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

NO_CHANGES = "No changes. Chime memberships match the desired state."


def test_ids_with_spaces_at_either_end_are_read_trimmed(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    emulator.reset(
        {**seed_doc(users=("alice",), rooms={"ops": [("alice", "Administrator")]}), **CHAT_SEED}
    )
    write_desired(
        {
            "settings.yaml": f"""
                account: "{ACCOUNT} "
                app_instances:
                  chat: {{arn: "{INSTANCE}\\t", bearer: user:reconciler}}
                """,
            "rooms.yaml": f"""
                rooms:
                  team:
                    id: " room-ops"
                    account: "{ACCOUNT}\\n"
                    administrators: [alice@example.com]
                """,
            "chat.yaml": f"""
                channels:
                  chatter:
                    arn: "{INSTANCE}/channel/ops "
                    members: [user:u1, user:u2, user:u3]
                """,
        }
    )
    assert cli("validate").exit_code == 0
    run = cli("plan", "--detailed-exitcode")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.splitlines()[-1] == NO_CHANGES


def test_a_channels_app_instance_label_with_spaces_is_read_trimmed(
    emulator: EmulatorServer, write_desired: Any, cli: Any
) -> None:
    """A channel's `app_instance:` label is read trimmed, as the ids above are (QA-DB
    L-DB-3: before, `" chat "` was a label settings.yaml does not name)."""
    emulator.reset(CHAT_SEED)
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: "{INSTANCE}", bearer: user:reconciler}}
                  other: {{arn: "{INSTANCE}-2", bearer: user:reconciler}}
                """,
            "chat.yaml": """
                channels:
                  ops:
                    app_instance: " chat\\t"
                    members: [user:u1, user:u2, user:u3]
                """,
        }
    )
    assert cli("validate").exit_code == 0
    run = cli("plan", "--detailed-exitcode")
    assert (run.exit_code, run.stderr) == (0, "")
    assert run.stdout.splitlines()[-1] == NO_CHANGES
