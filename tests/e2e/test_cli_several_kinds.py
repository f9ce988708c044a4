"""One run plans and applies targets of several kinds, each through its own provider (found
in the provider registry by kind id), in the kinds' phase order: rooms through the
emulator over real HTTP, a toy kind (``tests/toy_kind.py``) in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from toy_kind import READ, TOY, WRITE, ToyProvider

from reconciler import kinds
from reconciler.providers import Provider, ProviderOptions, registry

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
PEOPLE = frozenset({"alice@example.com", "bob@example.com"})


@pytest.fixture
def toys() -> Iterator[ToyProvider]:
    provider = ToyProvider({("sky", "kite"): ("toy-kite", {"toy-bob@example.com": WRITE})}, PEOPLE)

    def factory(options: ProviderOptions) -> Provider:
        return provider

    with kinds.registered(TOY):
        registry.register(TOY.id, factory)
        try:
            yield provider
        finally:
            registry.unregister(TOY.id)


def test_rooms_and_toys_are_planned_and_applied_in_one_run(
    emulator: Any, write_desired: Any, cli: Any, members: Any, toys: ToyProvider, workdir: Path
) -> None:
    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "uid-alice", "email": "alice@example.com", "name": "A"}],
                    "rooms": [{"id": "room-ops", "name": "ops", "memberships": []}],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "all.yaml": """
                rooms:
                  ops:
                    administrators: [alice@example.com]
                toys:
                  kite:
                    space: sky
                    prune: true
                    readers: [alice@example.com, bob@example.com]
                """,
        }
    )
    planned = cli("plan", "--out", "p.json")
    assert planned.lines == [
        f"# room ops (account {ACCOUNT}, id room-ops)",
        "  + alice@example.com (Administrator)",
        "",
        "# toy kite (space sky, id toy-kite)",
        "  + alice@example.com (read)",
        "  ~ bob@example.com: write -> read (replace: toys never change in place)",
        "",
        "Plan: 2 to add, 1 to change, 0 to remove.",
    ]
    applied = cli("apply", "p.json")
    assert applied.exit_code == 0, applied.stderr
    assert applied.lines[-1] == "Apply complete! Memberships: 2 added, 1 changed, 0 removed."
    assert members("ops") == {"uid-alice": "Administrator"}
    assert toys.toys[("sky", "kite")][1] == {
        "toy-alice@example.com": READ,
        "toy-bob@example.com": READ,
    }
    assert toys.log == [
        ("delete", "kite", "toy-bob@example.com"),
        # bob's re-creation ahead of the new member (it takes back its own place: Q-O-1)
        ("create", "kite", "read", ("toy-bob@example.com", "toy-alice@example.com")),
    ]
    again = cli("plan", "--detailed-exitcode")
    assert (again.exit_code, again.lines[-1]) == (
        0,
        "No changes. Chime memberships match the desired state.",
    )
