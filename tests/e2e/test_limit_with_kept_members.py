"""A target is over AWS's maximum when the members it will have after the apply are: those
it declares and the protected ones it keeps though no file declares them there (a
channel's bearer, which AWS made a member when it created the channel). `plan` and `apply`
say so at the target's file and line and change nothing (QA-A Q-A-3), as they do for a
target declaring more than the maximum; it was a clean plan and an apply failing the
same add on every run."""

from __future__ import annotations

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
BIG = f"{INSTANCE}/channel/big"
# the emulator enforces no rate: the channel's 200 pages of members are read at once, not
# at AWS's 15 a second
UNPACED = ("--rate", "messaging.bearer=off", "--rate", "messaging.channel-list=off")
MEETING = "6f1c2a9e-0000-4000-8000-000000000005"


def test_a_channel_declaring_the_maximum_is_over_it_with_the_bearer_as_a_member(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """QA-A Q-A-3: live, the bearer (it created the channel) and b1..b9999: 10,000
    members. Declared: b1..b10000, 10,000 (valid); with the bearer, kept, 10,001."""
    users = [{"id": "reconciler"}] + [{"id": f"b{i}"} for i in range(1, 10_001)]
    channel = {
        "name": "big",
        "id": "big",
        "created_by": "reconciler",
        "members": [f"b{i}" for i in range(1, 10_000)],
    }
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": users,
                    "channels": [channel],
                }
            ]
        }
    )
    declared = ", ".join(f"user:b{i}" for i in range(1, 10_001))
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat:\n    arn: {INSTANCE}\n"
            "    bearer: user:reconciler\n",
            "chat.yaml": f"channels:\n  big:\n    prune: true\n    members: [{declared}]\n",
        }
    )
    assert cli("validate").exit_code == 0  # 10,000 declared: at the maximum, not over it
    error = (
        "Error: desired-state/chat.yaml:2: channel 'big' would have 10,001 members "
        "(members: and hidden: together) after this apply, more than AWS's maximum of "
        "10,000: 10,000 declared, and 1 kept that no file declares there (user:reconciler: "
        "the bearer); apply would fail for the 1 over it"
    )
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert error in planned.lines
    assert "+ user:b10000" not in planned.stdout
    emulator.reset_calls()
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    assert error in applied.lines
    assert not [op for op in emulator.calls() if not op.startswith(("List", "Describe"))]
    assert len(emulator.messaging.channel_members(BIG)) == 10_000


def test_a_meeting_declaring_the_maximum_is_over_it_with_a_protected_attendee(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """The same for a meeting (250 attendees): a protected attendee no file declares is
    kept, so 250 declared make 251."""
    live = ["breakglass@example.com"] + [f"p{i}@example.com" for i in range(249)]
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "full",
                    "attendees": [{"external_user_id": who} for who in live],
                }
            ]
        }
    )
    attendees = "".join(f"      p{i}@example.com: presenter\n" for i in range(250))
    write_desired(
        {
            "settings.yaml": "protected: [breakglass@example.com]\n",
            "m.yaml": f"meetings:\n  full:\n    meeting_id: {MEETING}\n    prune: true\n"
            f"    attendees:\n{attendees}",
        }
    )
    emulator.reset_calls()
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        "Error: desired-state/m.yaml:2: meeting 'full' would have 251 attendees after this "
        "apply, more than AWS's maximum of 250: 250 declared, and 1 kept that no file "
        "declares there (breakglass@example.com: protected); apply would fail for the 1 "
        "over it"
    ) in run.lines
    assert emulator.calls() == {"GetMeeting": 1, "ListAttendees": 3}
    assert len(emulator.meetings.attendees_of(MEETING)) == 250
