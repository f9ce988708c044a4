"""QA-AL Q-AL-1: the tool finds channels with the two ListChannels filters AWS documents,
``Privacy=PUBLIC`` and ``Privacy=PRIVATE`` (each paged), not with a listing without
``Privacy``, whose answer AWS does not document. The tests make the emulator answer a
missing ``Privacy`` with the PUBLIC channels only (the strict reading): a PRIVATE channel
declared by name is still planned, imported and audited."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer
from reconciler.emulator.messaging.models import ChannelOperations

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"


def seed() -> dict[str, Any]:
    return {
        "app_instances": [
            {
                "arn": INSTANCE,
                "admins": ["reconciler"],
                "users": [{"id": u} for u in ("reconciler", "alice", "bob", "carol")],
                "channels": [
                    {"name": "priv", "id": "priv", "privacy": "PRIVATE", "mode": "RESTRICTED",
                     "members": ["reconciler", "alice"], "moderators": ["reconciler"]},
                    {"name": "pub", "id": "pub", "members": ["reconciler", "bob"],
                     "moderators": ["reconciler"]},
                ],
            }
        ]
    }  # fmt: skip


@pytest.fixture
def public_by_default(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, write_desired: Callable[..., Any]
) -> Iterator[None]:
    """The emulator, answering ListChannels without ``Privacy`` with PUBLIC channels only."""
    listing = ChannelOperations.list_channels

    def strict(self: Any, instance: str, bearer: str, privacy: str | None = None,
               *rest: Any, **kw: Any) -> Any:  # fmt: skip
        return listing(self, instance, bearer, privacy or "PUBLIC", *rest, **kw)

    monkeypatch.setattr(ChannelOperations, "list_channels", strict)
    emulator.reset(seed())
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    bearer: user:reconciler
                """,
            "chat.yaml": "channels:\n  priv:\n    members: [user:alice, user:carol]\n",
        }
    )
    yield


@pytest.mark.usefixtures("public_by_default")
def test_a_private_channel_declared_by_name_is_planned_with_two_listings(
    cli: Any, calls: Callable[[], dict[str, int]]
) -> None:
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "+ user:carol" in run.stdout, run.stdout
    assert "Plan: 1 to add, 0 to change, 0 to remove" in run.stdout
    assert calls()["ListChannels"] == 2  # one listing per Privacy, one page each


@pytest.mark.usefixtures("public_by_default")
def test_import_writes_the_private_channel_too(cli: Any) -> None:
    run = cli(*UNPACED, "import")
    assert run.exit_code == 0, run.stderr
    assert "\n  priv:\n" in run.stdout and "\n  pub:\n" in run.stdout, run.stdout


@pytest.mark.usefixtures("public_by_default")
def test_audit_finds_the_private_channel(cli: Any) -> None:
    run = cli(*UNPACED, "audit", "user:carol")
    assert "Chime has no channel of that name" not in run.stdout + run.stderr
    assert "priv" in run.stdout, run.stdout
