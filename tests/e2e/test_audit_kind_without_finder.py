"""`audit` and a kind whose provider reads and writes but cannot find a member (no
``MemberFinder``: the toy kind of ``tests/toy_kind.py``, in memory, alongside rooms on the
emulator): audit says it cannot look there, and its JSON leaves the kind's key out (``[]``
would say "in none") and names it under ``not_audited`` (QA-BG Q-BG-1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from toy_kind import READ, TOY, ToyProvider

from reconciler import kinds
from reconciler.providers import Provider, ProviderOptions, registry
from reconciler.providers.base import MemberFinder

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
NOT_AUDITED = (
    "not audited: audit cannot look in toys (the provider cannot find a member's "
    "memberships); `explain MEMBER` reads the declared ones"
)


@pytest.fixture
def toys(emulator: Any, write_desired: Any) -> Iterator[ToyProvider]:
    people = frozenset({"alice@example.com", "ann@example.com"})
    live = {"toy-alice@example.com": READ, "toy-ann@example.com": READ}
    provider = ToyProvider({("sky", "kite"): ("toy-kite", live)}, people)
    assert not isinstance(provider, MemberFinder)  # a Reader and Writer only

    def factory(options: ProviderOptions) -> Provider:
        return provider

    emulator.reset(
        {
            "accounts": [
                {
                    "id": ACCOUNT,
                    "name": "Example Corp",
                    "users": [{"id": "uid-alice", "email": "alice@example.com", "name": "A"}],
                    "rooms": [
                        {
                            "id": "room-ops",
                            "name": "ops",
                            "memberships": [{"member": "uid-alice", "role": "Member"}],
                        }
                    ],
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
                    members: [alice@example.com]
                toys:
                  kite:
                    space: sky
                    readers: [alice@example.com, ann@example.com]
                """,
        }
    )
    with kinds.registered(TOY):
        registry.register(TOY.id, factory)
        try:
            yield provider
        finally:
            registry.unregister(TOY.id)


def test_a_kind_audit_cannot_look_in_is_named_not_left_out_in_silence(
    cli: Any, toys: ToyProvider
) -> None:
    text = cli("audit", "alice@example.com")
    assert (text.exit_code, text.stderr) == (0, "")
    assert text.lines[-2:] == ["", f"alice@example.com: {NOT_AUDITED}"]
    assert any(line.startswith("ops ") for line in text.lines)  # the rooms as before

    doc = json.loads(cli("audit", "alice@example.com", "--format", "json").stdout)
    assert "toys" not in doc  # not "in none": audit did not look
    assert doc["not_audited"] == ["toys"]
    assert [r["room"] for r in doc["rooms"]] == ["ops"]


def test_a_member_only_such_a_kind_declares_is_not_called_unknown_without_a_word(
    cli: Any, toys: ToyProvider
) -> None:
    result = cli("audit", "ann@example.com")
    assert result.exit_code == 1
    assert result.err_lines == [
        f"Error: unknown member ann@example.com: no Chime user with that e-mail "
        f"in account {ACCOUNT}, and the desired state does not declare it, where audit can look; "
        f"{NOT_AUDITED}"
    ]
