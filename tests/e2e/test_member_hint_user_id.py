"""The hint after a MEMBER that no kind reads names user:ID where `audit` and `explain`
take it (QA-EH Q-EH-4): audit, where settings.yaml names app_instances (its channels);
explain, always (as its other message says). Through the CLI, boto3 and the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHAT = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
MALFORMED = "malformed email address"  # MEMBER is quoted once (Q-GK-6)


@pytest.fixture
def channels(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": CHAT,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}, {"id": "alice@example.com"}],
                    "channels": [
                        {
                            "name": "chat",
                            "id": "ch-chat",
                            "members": ["reconciler", "alice@example.com"],
                            "moderators": ["reconciler"],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat: {{arn: "{CHAT}", bearer: "user:reconciler", user_id_from: email}}
            """,
            "chat.yaml": """
                channels:
                  chat:
                    members: [alice@example.com]
            """,
        }
    )


def test_audit_hint_names_user_id_where_channels_are_audited(
    channels: None, emulator: EmulatorServer, cli: Any
) -> None:
    emulator.reset_calls()
    run = cli("audit", "x")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: MEMBER 'x': {MALFORMED} (give an e-mail address, bot:NAME or user:ID)"
    ]
    assert emulator.calls() == {}
    # as it takes it
    taken = cli("audit", "user:alice@example.com")
    assert taken.exit_code == 0, taken.stderr


def test_explain_hint_names_user_id(channels: None, cli: Any) -> None:
    run = cli("explain", "x")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: MEMBER 'x': {MALFORMED} (give an e-mail address, bot:NAME or user:ID)"
    ]
    taken = cli("explain", "user:alice@example.com")
    assert taken.exit_code == 0, taken.stderr
