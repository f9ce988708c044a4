"""A desired state of channels only: the CLI speaks of the kinds declared, each alike, and
opens no provider of a kind that is not (QA-AM Q-AM-7: rooms were counted, named and opened
always)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.cli.context import AppContext
from reconciler.emulator import EmulatorServer, load_seed

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
DEMO_SEED = Path(__file__).parents[2] / "reconciler" / "demo" / "seed.yaml"
CHANNELS_ONLY = {
    "settings.yaml": f"""
        account: {ACCOUNT}
        app_instances:
          chat:
            arn: arn:aws:chime:us-east-1:111122223333:app-instance/chat
            bearer: user:reconciler
        """,
    "chat.yaml": """
        channels:
          incident-chat:
            members: [alice@example.com, mallory@example.com, user:reconciler]
            hidden: [dave@example.com]
            moderators: [alice@example.com, user:reconciler]
        """,
}


@pytest.fixture
def channels_only(emulator: EmulatorServer, write_desired: Any) -> None:
    emulator.reset(load_seed(DEMO_SEED))
    write_desired(CHANNELS_ONLY)


def test_validate_counts_the_kinds_declared_and_no_rooms(channels_only: None, cli: Any) -> None:
    run = cli("validate")
    assert (run.exit_code, run.lines) == (
        0,
        ["Desired state is valid: 1 channel, 1 channel moderator list, 6 memberships in 2 files."],
    )


def test_a_plan_of_channels_makes_no_chime_client(
    channels_only: None, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    services: list[str] = []
    made = AppContext.client

    def client(self: AppContext, service: str = "chime", region: str | None = None) -> Any:
        services.append(service)
        return made(self, service, region)

    monkeypatch.setattr(AppContext, "client", client)
    run = cli("plan")
    assert run.exit_code in (0, 2), run.err_lines
    assert "chime-sdk-messaging" in services
    assert "chime" not in services  # the rooms provider is not opened


def test_adopt_names_the_kind_declared(channels_only: None, cli: Any) -> None:
    run = cli("import", "--adopt", "--room", "incident-chatt")
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            "Error: --room: no channel named 'incident-chatt' is declared (did "
            "you mean 'incident-chat'?); --room takes a channel's name (its key in the YAML) "
            "or the id written there, not the id Chime gave a channel declared by name"
        ],
    )
