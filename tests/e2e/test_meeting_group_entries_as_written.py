"""A group's entry reached by a meeting keeps its spelling, as an attendee written in the
meeting does (Q-EK-1): ``Bot:Recorder`` in a group is the ExternalUserId ``Bot:Recorder``
there (a room reads it as ``bot:Recorder``), so the live attendee so spelled is kept."""

from __future__ import annotations

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"


@pytest.mark.parametrize("written", ["Bot:Recorder", "bot: Recorder"])
def test_a_group_entry_is_the_attendee_as_written(
    emulator: EmulatorServer, cli: Cli, write_desired: WriteDesired, written: str
) -> None:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "xx-1",
                    "attendees": [
                        {"external_user_id": "alice@example.com"},
                        {"external_user_id": written},
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": "prune: true\n",
            "bridge.yaml": f"""
            groups:
              g: ["{written}"]
            meetings:
              bridge:
                meeting_id: {MEETING}
                attendees:
                  alice@example.com: presenter
                  "@g": viewer
            """,
        }
    )
    plan = cli("plan", "--detailed-exitcode")
    assert plan.exit_code == 2, plan.stdout + plan.stderr  # its role only
    assert f"  ~ {written}" in "\n".join(plan.lines)
    assert "Plan: 0 to add, 1 to change, 0 to remove." in plan.lines
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert sorted(emulator.meetings.attendees_of(MEETING)) == sorted(["alice@example.com", written])
    explained = cli("explain", written)
    assert explained.exit_code == 0, explained.stdout + explained.stderr
    assert "bridge" in explained.stdout
    again = cli("plan", "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout + again.stderr
