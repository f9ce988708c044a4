"""`chime-reconciler audit MEMBER` joins a room declared with `id:` to the live room of
that id only (Q-AN-7): another live room that happens to be named like the declaration's
key is a room no file declares, and the audit says so instead of calling it the declared
room. Through the CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


def test_a_live_room_named_like_a_room_declared_by_id_is_not_that_room(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """`ops` is declared as room r-7 (named "incident" in Chime; alice is not in it);
    alice is in r-9, a room no file declares that Chime names "ops"."""
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "user-alice", "email": "alice@example.com"}],
                    "rooms": [
                        {"id": "r-7", "name": "incident", "memberships": []},
                        {
                            "id": "r-9",
                            "name": "ops",
                            "memberships": [{"member": "alice@example.com"}],
                        },
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": "rooms:\n  ops:\n    id: r-7\n    members: [alice@example.com]\n",
        }
    )
    result = cli("audit", "alice@example.com", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    rows = json.loads(result.stdout)["rooms"]
    assert sorted(
        (r["room_id"], r["live_role"], r["declared_role"], r["status"]) for r in rows
    ) == [
        ("r-7", None, "Member", "not-in-chime"),  # the declared room: alice is not in it
        ("r-9", "Member", None, "room-not-declared"),
    ]
