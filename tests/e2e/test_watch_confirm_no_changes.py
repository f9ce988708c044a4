"""`apply --watch` without --auto-approve whose first round has nothing to change asks all
the same (Q-GI-10): its later rounds apply without asking, on the strength of that answer,
so a watch never changes Chime unconfirmed, and without a terminal it is refused whatever
the meeting holds at start. The real CLI, boto3 and the emulator over HTTP."""

from __future__ import annotations

import pytest
from conftest import Cli
from test_meetings_cli import MEETING, bridge

from reconciler.cli.apply import WATCH_PROMPT
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e
__all__ = ["bridge"]  # the fixture, imported for these tests

WATCH = ("apply", "--watch", "--interval", "0.2", "--until", "1s")


@pytest.fixture
def in_sync(bridge: EmulatorServer, cli: Cli) -> EmulatorServer:
    """The bridge as declared: a watch's first round has nothing to change."""
    assert cli("apply", "--auto-approve").exit_code == 0
    return bridge


def test_without_a_terminal_a_watch_with_nothing_to_change_yet_is_refused(
    in_sync: EmulatorServer, cli: Cli
) -> None:
    result = cli(*WATCH)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "No changes." in result.stdout
    # Q-GI-8: a watch cannot apply a saved plan: only --auto-approve is offered
    assert result.err_lines[-1] == (
        "Error: apply --watch needs confirmation but stdin is not a terminal; run with "
        "--auto-approve"
    )
    assert "Watch stopped" not in result.stdout + result.stderr  # no round after the first


def test_on_a_terminal_it_asks_and_a_no_stops_it(in_sync: EmulatorServer, cli: Cli) -> None:
    before = in_sync.meetings.attendees_of(MEETING)
    run = cli.on_terminal(*WATCH, answer="no")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert WATCH_PROMPT in run.stdout
    assert "Apply cancelled." in run.stdout
    assert "Watch stopped" not in run.stdout
    assert in_sync.meetings.attendees_of(MEETING) == before


def test_on_a_terminal_a_yes_keeps_it_going(in_sync: EmulatorServer, cli: Cli) -> None:
    run = cli.on_terminal(*WATCH, answer="yes")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert WATCH_PROMPT in run.stdout
    assert run.stdout.splitlines()[-1].endswith("] Watch stopped: --until reached.")


def test_a_first_round_with_changes_asks_for_the_later_rounds_too(
    bridge: EmulatorServer, cli: Cli
) -> None:
    # reread-18: it asked apply's plain question, though a yes lets later rounds apply
    # unasked too, as the question of a round with nothing to change says
    before = bridge.meetings.attendees_of(MEETING)
    run = cli.on_terminal(*WATCH, answer="no")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Do you want to perform these actions and keep the watch going, applying each later "
        "round's changes without asking? Only 'yes' will be accepted:"
    ) in run.stdout
    assert "Apply cancelled." in run.stdout
    assert bridge.meetings.attendees_of(MEETING) == before
