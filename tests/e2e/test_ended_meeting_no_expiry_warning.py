"""An entry ending soon in a meeting that has ended is not warned about (QA-EE Q-EE-2):
the plan leaves the meeting out ("left out, not an error"), so the end of a grant there
changes nothing, and README Governance warns only of ends that change something. Before,
`plan` warned "1 membership ends within 14 days" for it, and the markdown plan carried the
`chime-reconciler-expiring` marker, on which the drift workflow opens its issue every day.
The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import seed_doc

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"


@pytest.fixture
def ended(emulator: EmulatorServer, write_desired: Callable[..., Path], monkeypatch: Any) -> None:
    write_desired(
        {
            "settings.yaml": "account: 11111111-2222-3333-4444-555555555555\n",
            "bridge.yaml": """
                meetings:
                  bridge:
                    meeting_id: ${INCIDENT_MEETING_ID}
                    prune: true
                    attendees:
                      bob@example.com: {profile: presenter, until: 2027-03-10, reason: demo}
                """,
        }
    )
    meeting = {"id": MEETING, "external_meeting_id": "incident-42", "ended": True}
    emulator.reset({**seed_doc(), "meetings": [meeting]})
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)


def test_an_end_in_an_ended_meeting_is_not_warned(ended: None, cli: Any) -> None:
    run = cli("--now", "2027-03-05", "plan")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines == [
        f"Note: desired-state/bridge.yaml:2: meeting bridge (id {MEETING}) has ended (or "
        "never existed): the meetings API does not find it; left out",
        "",
        "No changes, but nothing was compared: 1 meeting in scope was left out (the note "
        "above), and no other target is in scope.",
    ]


def test_the_json_and_markdown_plans_list_no_end(ended: None, cli: Any) -> None:
    doc = json.loads(cli("--now", "2027-03-05", "plan", "--format", "json").stdout)
    assert "expiring" not in doc
    run = cli("--now", "2027-03-05", "plan", "--format", "markdown", "--detailed-exitcode")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "<!-- chime-reconciler-expiring -->" not in run.lines
    assert "bob@example.com" not in run.stdout
