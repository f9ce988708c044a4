"""`explain` of a target it could not read, or read and left out: the id shown is the one
the run looked for (a meeting's `${VARIABLE}` read), never the variable's text (QA-EE
Q-EE-3), and `live state not read` gives the plan's own reason at the target's line, as
`plan` and `audit` do (Q-EE-4). The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

import json

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
BRIDGE = """
meetings:
  bridge:
    meeting_id: ${INCIDENT_MEETING_ID}
    prune: true
    attendees:
      bob@example.com: {profile: presenter, until: 2027-03-10, reason: demo}
"""
NOW = ("--now", "2027-03-05")


@pytest.fixture
def ended(emulator: EmulatorServer, write_desired: WriteDesired) -> EmulatorServer:
    write_desired({"settings.yaml": f"account: {ACCOUNT}\n", "bridge.yaml": BRIDGE})
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "Example Corp"}],
            "meetings": [{"id": MEETING, "external_meeting_id": "incident-42", "ended": True}],
        }
    )
    return emulator


def _target(cli: Cli) -> dict[str, object]:
    run = cli(*NOW, "explain", "bob@example.com", "--format", "json")
    assert run.exit_code == 0, run.stdout + run.stderr
    [target] = json.loads(run.stdout)["targets"]
    return target


def test_an_ended_meeting_shows_the_id_its_variable_read(
    ended: EmulatorServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDENT_MEETING_ID", MEETING)
    run = cli(*NOW, "explain", "bob@example.com")
    assert f"# meeting bridge (meeting_id ${{INCIDENT_MEETING_ID}}, id {MEETING})" in run.lines
    target = _target(cli)
    assert (target["id"], target["plan"]["outcome"]) == (MEETING, "ended")  # type: ignore[index]


def test_an_unset_variable_shows_no_id_and_the_plans_reason(
    ended: EmulatorServer, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INCIDENT_MEETING_ID", raising=False)
    run = cli(*NOW, "explain", "bob@example.com")
    assert "# meeting bridge (meeting_id ${INCIDENT_MEETING_ID})" in run.lines
    reason = (
        "meeting bridge: meeting_id ${INCIDENT_MEETING_ID} names the environment variable "
        "INCIDENT_MEETING_ID, which is not set"
    )
    assert f"  plan: live state not read: {reason}" in run.lines
    target = _target(cli)
    assert target["id"] is None
    assert target["plan"] == {  # type: ignore[comparison-overlap]
        "outcome": "not-read",
        "note": f"live state not read: {reason}",
        "refused_by": [],
        "refused_elsewhere": [],
    }


def test_a_room_chime_does_not_have_says_so(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator.reset(
        {
            "accounts": [
                {"id": ACCOUNT, "name": "E", "users": [{"id": "u-bob", "email": "bob@example.com"}]}
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "x.yaml": "rooms:\n  ghost:\n    id: room-nope\n    members: [bob@example.com]\n",
        }
    )
    run = cli("explain", "bob@example.com")
    assert (run.exit_code, run.stderr) == (0, "")
    assert (
        f"  plan: live state not read: no Chime room with id room-nope in account {ACCOUNT}"
    ) in run.lines
