"""When adding an elevated member to a target fails, the changes that would lower its
elevated count are not attempted, and the apply says why in words that read for each
kind: a room's administrator, a channel's moderator, a meeting's presenter. The CLI in
process, the real boto3 client, the emulator over HTTP; the adds fail as AWS makes them
fail (a channel at its 1,000 moderators, batch items failing for good)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
OPS = f"{INSTANCE}/channel/ops"
MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
VIEWER = {"audio": "Receive", "video": "Receive", "content": "Receive"}
PRESENTER = {"audio": "SendReceive", "video": "SendReceive", "content": "SendReceive"}


def uid(i: int) -> str:
    return f"u{i:04d}"


def skipped(run: Any) -> list[str]:
    """The lines under ``Not attempted:`` (the JSON result's ``skipped``); none is listed
    under ``Failed:``, nor counted as failed."""
    lines = run.lines
    assert not any("Skipped" in line for line in lines), lines
    start = lines.index("Not attempted:") + 1
    listed = []
    for line in lines[start:]:
        if not line.startswith(("  - ", "  ~ ")):
            break
        listed.append(line)
    closing = lines[start + len(listed)]
    assert closing.startswith("Apply incomplete: "), lines
    assert f"failed, {len(listed)} not attempted (" in closing, closing
    return listed


def test_a_room_whose_new_administrator_failed_keeps_its_old_one(
    seed: Any, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator = seed(users=("bob", "carol"), rooms={"incident": [("bob", "Administrator")]})
    write_desired(
        {
            "settings.yaml": "account: 11111111-2222-3333-4444-555555555555\n",
            "rooms.yaml": """
                rooms:
                  incident:
                    prune: true
                    administrators: [carol@example.com]
                """,
        }
    )
    emulator.set_faults(item_error_rate=1.0)  # every batch item fails, retries too
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert skipped(run) == [
        "  - bob@example.com (Administrator) in incident: not attempted: adding an "
        "administrator to this room failed first"
    ]
    assert emulator.backend.room_members(
        "11111111-2222-3333-4444-555555555555", "room-incident"
    ) == {"uid-bob": "Administrator"}


def test_a_channel_at_its_moderator_limit_keeps_the_moderator_it_would_replace(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    # AWS's maximum: CreateChannelModerator fails. Removing u0000 first would make the
    # place (a full channel's swap converges so: QA-A Q-A-1), but min_moderators 1,000
    # forbids 999 meanwhile, so the add is tried first and u0000 kept
    live = [uid(i) for i in range(1_000)]
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["reconciler"],
                    "users": [{"id": "reconciler"}] + [{"id": uid(i)} for i in range(1_001)],
                    "channels": [{"name": "ops", "id": "ops", "moderators": live}],
                }
            ]
        }
    )
    declared = ", ".join(f"user:{uid(i)}" for i in range(1, 1_001))  # u0000 out, u1000 in
    write_desired(
        {
            "settings.yaml": f"""
                app_instances:
                  chat:
                    arn: {INSTANCE}
                    bearer: user:reconciler
                safety: {{min_moderators: 1000}}
                """,
            "chat.yaml": f"""
                channels:
                  ops:
                    prune: true
                    moderators: [{declared}]
                """,
        }
    )
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert skipped(run) == [
        # the moderator removal, named apart from the membership's (QA-DL Q-DL-4)
        "  - user:u0000 (Moderator) in ops: not attempted: adding a moderator to this channel "
        "failed first"
    ]
    assert f"{INSTANCE}/user/{uid(0)}" in emulator.messaging.channel_moderators(OPS)


def test_a_meeting_whose_new_presenter_failed_keeps_its_old_one(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator.reset(
        {
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "incident-42",
                    "ended": False,
                    "attendees": [
                        {"external_user_id": "alice@example.com", "capabilities": PRESENTER}
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "meetings.yaml": f"""
                meetings:
                  bridge:
                    meeting_id: {MEETING}
                    prune: true
                    attendees:
                      bob@example.com: presenter
                """,
        }
    )
    emulator.set_faults(item_error_rate=1.0)  # every attendee of a batch fails, retries too
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert skipped(run) == [
        "  - alice@example.com (audio SendReceive, video SendReceive, content SendReceive) in "
        "bridge: not attempted: adding a presenter to this meeting failed first"
    ]
    assert set(emulator.meetings.attendees_of(MEETING)) == {"alice@example.com"}
