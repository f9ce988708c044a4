"""QA-GO Q-GO-2: a meeting declared twice that audit and explain read (Q-GM-4) and found
ended: explain said `live: not read` and neither said the meeting has ended, only that
it is declared twice. Now explain says it was read (`not a member`) and both say it has
ended beside the refusal. The real CLI against the emulator over HTTP."""

from __future__ import annotations

import json

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

GONE = "6f1c2a9e-0000-4000-8000-000000000009"
OTHER = "6f1c2a9e-0000-4000-8000-000000000001"


@pytest.fixture
def ended_twice(
    emulator: EmulatorServer, write_desired: WriteDesired, monkeypatch: pytest.MonkeyPatch
) -> EmulatorServer:
    emulator.reset({"meetings": [{"id": OTHER, "external_meeting_id": "m1", "attendees": []}]})
    monkeypatch.setenv("MEET_G", GONE)
    write_desired(
        {
            "m.yaml": "meetings:\n"
            f"  g: {{meeting_id: {GONE}, attendees: {{bob@example.com: viewer}}}}\n"
            "  g2: {meeting_id: '${MEET_G}', attendees: {carol@example.com: viewer}}\n"
        }
    )
    return emulator


def test_explain_and_audit_say_a_meeting_declared_twice_has_ended(
    ended_twice: EmulatorServer, cli: Cli
) -> None:
    explained = cli("explain", "bob@example.com")
    audited = cli("audit", "bob@example.com")
    audited_json = cli("audit", "bob@example.com", "--format", "json")

    assert "live: not read" not in explained.stdout, explained.stdout
    assert "live: not a member" in explained.stdout, explained.stdout
    assert "declared more than once" in explained.stdout, explained.stdout
    assert f"meeting g (id {GONE}) has ended" in explained.stdout, explained.stdout
    assert "declared more than once" in audited.stdout, audited.stdout
    assert "has ended" in audited.stdout, audited.stdout
    assert "has ended" in audited_json.stdout, audited_json.stdout
    json.loads(audited_json.stdout)
