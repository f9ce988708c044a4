"""Q-FM-1: at a target's maximum, the botocore models list a whole-call limit error for
BatchCreateAttendee (``LimitExceededException``) and BatchCreateChannelMembership
(``ResourceLimitExceededException``), and say nowhere that AWS refuses only the items
over it. Apply sends the adds over the places it counted in calls of their own, after
the adds that fit, so that the adds that fit are made, and the plan's warnings hold,
whether the emulator refuses per item (its default) or the whole call
(``whole_call_limit``).

The CLI in process, the real boto3 client, the emulator over HTTP."""

from __future__ import annotations

import re

import pytest
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000011"
BOTH = pytest.mark.parametrize("whole_call", [False, True], ids=["per-item", "whole-call"])


def seed(emulator: EmulatorServer, whole_call: bool, *attendees: str) -> None:
    """A meeting of MaxCount 3 holding ``attendees`` (presenters)."""
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge-1",
                    "features": {"attendee": {"max_count": 3}},
                    "attendees": [{"external_user_id": a} for a in attendees],
                }
            ],
        }
    )
    emulator.set_faults(whole_call_limit=whole_call)


def declare(write_desired: WriteDesired, attendees: str, prune: bool) -> None:
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            f"    prune: {str(prune).lower()}\n    attendees: {attendees}\n",
        }
    )


def attendees(emulator: EmulatorServer) -> list[str]:
    return sorted(emulator.meetings.attendees_of(MEETING))


@BOTH
def test_a_full_swap_a_second_apply_completes_does_so_whatever_aws_refuses(
    whole_call: bool, emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """The report's case: alice, the only presenter, is swapped for three presenters in a
    meeting of 3. The plan says AWS will refuse dave and a second apply completes it."""
    seed(emulator, whole_call, "alice@example.com")
    declare(
        write_desired,
        "{bob@example.com: presenter, carol@example.com: presenter, dave@example.com: presenter}",
        prune=True,
    )
    planned = cli(*UNPACED, "plan")
    assert "AWS will refuse dave@example.com (LimitExceeded)" in planned.stdout
    assert "A second apply completes the plan." in planned.stdout

    first = cli(*UNPACED, "apply", "--auto-approve")
    assert first.exit_code == 1, first.stdout + first.stderr
    assert re.search(r"ok \+ bob@example\.com \([^)]*\) in bridge", first.stdout), first.stdout
    assert re.search(r"ok \+ carol@example\.com \([^)]*\) in bridge", first.stdout)
    assert re.search(r"! \+ dave@example\.com \([^)]*\) in bridge: LimitExceeded", first.stdout)
    assert attendees(emulator) == ["alice@example.com", "bob@example.com", "carol@example.com"]

    second = cli(*UNPACED, "apply", "--auto-approve")
    assert second.exit_code == 0, second.stdout + second.stderr
    assert attendees(emulator) == ["bob@example.com", "carol@example.com", "dave@example.com"]
    final = cli(*UNPACED, "plan")
    assert final.lines[-1] == "No changes. Chime memberships match the desired state.", final.stdout


@BOTH
def test_a_crowded_meeting_takes_the_adds_that_fit_whatever_aws_refuses(
    whole_call: bool, emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """Prune off, zed (no file declares it) kept: 1 place for bob and carol."""
    seed(emulator, whole_call, "alice@example.com", "zed@example.com")
    declare(
        write_desired,
        "{alice@example.com: presenter, bob@example.com: viewer, carol@example.com: viewer}",
        prune=False,
    )
    planned = cli(*UNPACED, "plan")
    assert "AWS will refuse 1 of the plan's 2 adds to it (LimitExceeded)" in planned.stdout
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert re.search(r"ok \+ bob@example\.com \([^)]*\) in bridge", applied.stdout)
    assert re.search(r"! \+ carol@example\.com \([^)]*\) in bridge: LimitExceeded", applied.stdout)
    assert attendees(emulator) == ["alice@example.com", "bob@example.com", "zed@example.com"]
