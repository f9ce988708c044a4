"""Errors about an app instance or a channel user, located and leaving the rest of the plan
as it is (QA3 round): an app instance Chime does not have (a typo in settings.yaml's
``arn:``) is its channels' error, where each is declared, as an account Chime does not
have is its rooms'; the room beside them is planned and shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.emulator import EmulatorServer

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
TYPO = "arn:aws:chime:us-east-1:111122223333:app-instance/chatx"


def seed() -> dict[str, Any]:
    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "Example Corp",
                "users": [{"id": "uid-heidi", "email": "heidi@example.com", "name": "Heidi"}],
                "rooms": [{"id": "room-web", "name": "web", "memberships": []}],
            }
        ],
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "alice@example.com"}],
                "channels": [{"name": "c", "id": "c"}],
            }
        ],
    }


def test_an_unknown_app_instance_is_its_channels_located_error_and_the_rest_is_planned(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(seed())
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                app_instances:
                  chat:
                    arn: {TYPO}
                    bearer: user:reconciler
                """,
            "r.yaml": """
                rooms:
                  web:
                    members: [heidi@example.com]
                channels:
                  c:
                    members: [alice@example.com]
                    moderators: [alice@example.com]
                """,
        }
    )
    run = cli("plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    out = run.stdout + run.stderr
    assert "+ heidi@example.com (Member)" in out  # the room is planned and shown
    error = (
        f"Error: desired-state/r.yaml:5: no app instance {TYPO} (ListChannels answered "
        "NotFoundException): check app_instances.chat.arn in settings.yaml"
    )
    assert out.count(error) == 1, out  # once, though both channel kinds declare c
    assert "Plan: 1 to add, 0 to change, 0 to remove" in out
    assert emulator.calls().get("ListChannels") == 1  # asked once a run
