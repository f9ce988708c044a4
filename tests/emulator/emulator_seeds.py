"""Seed documents for emulator tests, built in code so sizes can sit on page boundaries."""

from __future__ import annotations

from typing import Any

ACCOUNT = "11111111-2222-3333-4444-555555555555"


def user_id(i: int) -> str:
    return f"user-{i:04d}"


def email(i: int) -> str:
    return f"user{i:04d}@example.com"


def bot_id(i: int) -> str:
    return f"bot-{i:04d}"


def room_id(i: int) -> str:
    return f"room-{i:04d}"


def account_seed(
    users: int = 0,
    bots: int = 0,
    rooms: int = 0,
    webhooks: int = 0,
    members: dict[str, list[tuple[str, str]]] | None = None,
    account: str = ACCOUNT,
) -> dict[str, Any]:
    """One account with ``users`` users, ``bots`` bots, ``webhooks`` webhooks and ``rooms``
    rooms; ``members`` maps a room id to its (member reference, role) pairs."""
    members = members or {}
    return {
        "accounts": [
            {
                "id": account,
                "name": "Example Corp",
                "users": [
                    {"id": user_id(i), "email": email(i), "name": f"User {i}"} for i in range(users)
                ],
                "bots": [{"id": bot_id(i), "name": f"Bot{i:04d}"} for i in range(bots)],
                "webhooks": [{"id": f"hook-{i:04d}", "name": f"Hook{i}"} for i in range(webhooks)],
                "rooms": [
                    {
                        "id": room_id(i),
                        "name": f"room {i}",
                        "memberships": [
                            {"member": ref, "role": role}
                            for ref, role in members.get(room_id(i), [])
                        ],
                    }
                    for i in range(rooms)
                ],
            }
        ]
    }


def small_seed() -> dict[str, Any]:
    """Alice (admin) and Bob (member) users, PagerBot and the Alerts webhook in room-0000;
    Carol is a user in no room."""
    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "Example Corp",
                "users": [
                    {"id": "alice-id", "email": "Alice@Example.com", "name": "Alice"},
                    {"id": "bob-id", "email": "bob@example.com", "name": "Bob"},
                    {"id": "carol-id", "email": "carol@example.com", "name": "Carol"},
                ],
                "bots": [{"id": "pager-id", "name": "PagerBot"}],
                "webhooks": [{"id": "hook-id", "name": "Alerts"}],
                "rooms": [
                    {
                        "id": "room-0000",
                        "name": "incident-response",
                        "memberships": [
                            {"member": "alice@example.com", "role": "Administrator"},
                            {"member": "bob-id", "role": "Member"},
                            {"member": "bot:PagerBot", "role": "Member"},
                            {"member": "webhook:Alerts", "role": "Member"},
                        ],
                    },
                    {"id": "room-0001", "name": "empty", "memberships": []},
                ],
            }
        ]
    }
