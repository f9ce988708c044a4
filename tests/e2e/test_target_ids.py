"""`--target VALUE`: a target's name or the id written in the YAML, and, for a meeting
whose `meeting_id: ${VAR}`, the id the variable holds (the id the plan's header shows).
The id Chime gave a room declared by name is not matched: the error says so (QA3 Q6)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ACCOUNT, Cli
from test_meetings_cli import MEETING, bridge

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["bridge"]  # the fixture, imported for these tests

HEADER = f"# meeting bridge (meeting_id ${{INCIDENT_MEETING_ID}}, id {MEETING})"


@pytest.mark.parametrize("command", [("plan",), ("explain", "alice@example.com")])
def test_the_meeting_id_a_variable_holds_selects_the_meeting(
    bridge: EmulatorServer, cli: Cli, command: tuple[str, ...]
) -> None:
    by_name = cli(*command, "--target", "bridge")
    by_id = cli(*command, "--target", MEETING)  # as the header shows it
    assert by_id.exit_code == by_name.exit_code == 0, by_id.stderr
    assert by_id.lines[1:] == by_name.lines[1:]  # explain: line 1 has the time
    if command == ("plan",):
        assert by_id.lines[0] == HEADER


def test_apply_with_the_meeting_id_a_variable_holds(bridge: EmulatorServer, cli: Cli) -> None:
    applied = cli("apply", "--auto-approve", "--target", MEETING)
    assert applied.exit_code == 0, applied.stderr
    assert cli("plan", "--detailed-exitcode").exit_code == 0  # converged


def test_the_id_chime_gave_a_room_declared_by_name_is_refused_saying_why(
    ops: Any, cli: Cli
) -> None:
    planned = cli("plan")
    assert f"# room incident (account {ACCOUNT}, id room-incident)" in planned.lines
    run = cli("plan", "--target", "room-incident")
    assert run.exit_code == 1
    assert run.lines[0] == (
        "Error: --target: no target named 'room-incident' is declared (did you "
        "mean 'incident'?); --target takes a target's name (its key in the YAML) or the id "
        "written there, not the id Chime gave a target declared by name"
    )
