"""A target at AWS's maximum whose members are swapped converges in one apply, presenters
and moderators too (QA-A Q-A-1): where the creates would not fit, apply removes the
elevated members the plan removes before it adds, as far as the creates need the places
and while the target keeps its minimum (a meeting: one presenter; a channel:
``min_moderators``). Where that minimum would be broken, the old order holds: the add is
tried first, and the member it replaces is kept when it fails.

The CLI in process, the real boto3 client, the emulator over HTTP (which refuses the
251st attendee and the 1,001st moderator as AWS does)."""

from __future__ import annotations

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.capabilities import Capabilities
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


MEETING = "6f1c2a9e-0000-4000-8000-000000000005"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
OPS = f"{INSTANCE}/channel/ops"
PRESENTER = Capabilities("SendReceive", "SendReceive", "SendReceive")
VIEWER = Capabilities("Receive", "Receive", "Receive")
VIEWING = {"audio": "Receive", "video": "Receive", "content": "Receive"}


def full_meeting(emulator: EmulatorServer, presenters: int, size: int = 250) -> None:
    """``size`` attendees p0, p1, ... (250: AWS's maximum): the first ``presenters`` with
    AWS's default capabilities (all SendReceive: presenters), the others viewers."""
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "full",
                    "attendees": [
                        {"external_user_id": f"p{i}@example.com"}
                        if i < presenters
                        else {"external_user_id": f"p{i}@example.com", "capabilities": VIEWING}
                        for i in range(size)
                    ],
                }
            ]
        }
    )


def declare_meeting(write_desired: WriteDesired, attendees: dict[str, str]) -> None:
    lines = "".join(f"      {who}: {profile}\n" for who, profile in attendees.items())
    write_desired(
        {
            "settings.yaml": "safety: {max_removal_fraction: 1}\n",
            "m.yaml": f"meetings:\n  full:\n    meeting_id: {MEETING}\n    prune: true\n"
            f"    attendees:\n{lines}",
        }
    )


def writes(emulator: EmulatorServer) -> list[str]:
    """The write calls the emulator served, in order."""
    calls = emulator.app.timeline.snapshot()["calls"]
    return [op for op, *_ in calls if not op.startswith(("List", "Get", "Describe"))]


@pytest.mark.parametrize("profile", ["viewer", "presenter"])
def test_a_full_meeting_swaps_a_presenter_in_one_apply(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli, profile: str
) -> None:
    """QA-A Q-A-1: 250 attendees, all presenters (AWS's default capabilities); p0 out,
    newbie in. It was BatchCreateAttendee first (LimitExceeded, exit 1), and with a
    presenter coming in, p0 was then kept as well: no apply ever converged."""
    full_meeting(emulator, presenters=250)
    wanted = {f"p{i}@example.com": "presenter" for i in range(1, 250)}
    declare_meeting(write_desired, {**wanted, "newbie@example.com": profile})
    emulator.app.timeline.reset()
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 1 added, 0 changed, 1 removed."
    assert writes(emulator) == ["DeleteAttendee", "BatchCreateAttendee"]
    live = emulator.meetings.attendees_of(MEETING)
    assert len(live) == 250
    assert "p0@example.com" not in live
    assert live["newbie@example.com"] == (VIEWER if profile == "viewer" else PRESENTER)
    assert cli(*UNPACED, "plan", "--detailed-exitcode").exit_code == 0


def test_a_full_meeting_removes_first_only_the_presenters_its_adds_need_places_for(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """249 attendees (one place free), 3 presenters out and 2 attendees in: one removal
    goes first (the second add's place), the other two presenters after the adds, as
    before (kept should an add of a presenter fail)."""
    full_meeting(emulator, presenters=249, size=249)
    wanted = {f"p{i}@example.com": "presenter" for i in range(3, 249)}
    declare_meeting(
        write_desired, {**wanted, "a@example.com": "presenter", "b@example.com": "viewer"}
    )
    emulator.app.timeline.reset()
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert writes(emulator) == [
        "DeleteAttendee",
        "BatchCreateAttendee",
        "DeleteAttendee",
        "DeleteAttendee",
    ]
    assert len(emulator.meetings.attendees_of(MEETING)) == 248


def test_a_full_meeting_keeps_its_only_presenter_when_the_new_one_cannot_be_added(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """The protection the order exists for, where it matters: removing p0 first would
    leave the meeting without a presenter until (and unless) newbie is added. So newbie is
    tried first, refused (the meeting is full), and p0 is kept."""
    full_meeting(emulator, presenters=1)  # p0 presents, p1..p249 view
    wanted = {f"p{i}@example.com": "viewer" for i in range(1, 250)}
    declare_meeting(write_desired, {**wanted, "newbie@example.com": "presenter"})
    emulator.app.timeline.reset()
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert writes(emulator) == ["BatchCreateAttendee"]
    assert any(
        line.startswith("  ! + newbie@example.com (")
        and ") in full: LimitExceeded: The meeting" in line
        for line in run.lines
    ), run.stdout
    assert (
        "  - p0@example.com (audio SendReceive, video SendReceive, content SendReceive) in full: "
        "not attempted: adding a presenter to this meeting failed first"
    ) in run.lines
    assert emulator.meetings.attendees_of(MEETING)["p0@example.com"] == PRESENTER


def test_a_channel_at_its_moderator_limit_swaps_a_moderator_in_one_apply(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """The same rule for a channel's moderators (AWS's maximum: 1,000): u0000 out, u1000
    in, with min_moderators 1 kept throughout. It was CreateChannelModerator first
    (refused), then u0000 kept: no apply ever converged."""
    live = [f"u{i:04d}" for i in range(1_000)]
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}] + [{"id": f"u{i:04d}"} for i in range(1_001)],
                    "channels": [{"name": "ops", "id": "ops", "moderators": live}],
                }
            ]
        }
    )
    declared = ", ".join(f"user:u{i:04d}" for i in range(1, 1_001))
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    bearer: user:reconciler
                """,
            "chat.yaml": f"""
                channels:
                  ops:
                    prune: true
                    moderators: [{declared}]
                """,
        }
    )
    emulator.app.timeline.reset()
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    moderators = emulator.messaging.channel_moderators(OPS)
    assert f"{INSTANCE}/user/u0000" not in moderators
    assert f"{INSTANCE}/user/u1000" in moderators
    assert [w for w in writes(emulator) if "Moderator" in w] == [
        "DeleteChannelModerator",
        "CreateChannelModerator",
    ]
