"""A target's own ``safety:`` end to end, for the kinds other than rooms: the CLI, the real
boto3 clients, the emulator over HTTP. A channel's (or a meeting's) own ``max_removals``
refuses a plan that removes more of it, naming that target's limit, and leaves the other
target alone: its removals are judged by settings.yaml's limit, which the first one's no
longer join. Raised, the same apply goes through for both. A channel's memberships and
moderators count together; a meeting's presenter made a viewer counts as a removal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conftest import UNPACED

from reconciler.capabilities import BUILTIN_PROFILES
from reconciler.emulator import EmulatorServer


def refused_by(owner: str) -> str:
    """The line under the refusals when the limit broken is ``owner``'s own ``safety:``."""
    return (
        f"This plan is refused by 1 safety rule (the `safety:` of {owner} in its file): "
        "apply applies it only with --allow-unsafe."
    )


def refused(cli: Any, summary: str) -> list[str]:
    """``plan``'s output from its summary line on, once it has exited 1."""
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    lines: list[str] = planned.lines
    return lines[lines.index(summary) :]


# -- channels ----------------------------------------------------------------------------

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
BIG = f"{INSTANCE}/channel/big"
SMALL = f"{INSTANCE}/channel/small"


def uid(i: int) -> str:
    return f"u{i:03d}"


def arn(i: int) -> str:
    return f"{INSTANCE}/user/{uid(i)}"


CHAT_SEED = {
    "app_instances": [
        {
            "arn": INSTANCE,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [{"id": "reconciler"}] + [{"id": uid(i)} for i in range(30)],
            "channels": [
                # big: u000-u009, moderated by u000 and u001
                {
                    "name": "big",
                    "id": "big",
                    "members": [uid(i) for i in range(10)],
                    "hidden": [],
                    "moderators": [uid(0), uid(1)],
                },
                # small: u020-u023, moderated by u020
                {
                    "name": "small",
                    "id": "small",
                    "members": [uid(i) for i in range(20, 24)],
                    "hidden": [],
                    "moderators": [uid(20)],
                },
            ],
        }
    ]
}
CHAT_SETTINGS = f"""
    app_instances:
      chat: {{arn: "{INSTANCE}", bearer: user:reconciler}}
    safety: {{max_removals: 3, max_removal_fraction: 1.0}}
    """


def chat(big_limit: int) -> str:
    """big keeps u000-u005 and no moderator: 4 memberships and 2 moderators removed (6),
    over settings.yaml's 3 but its own limit decides; small keeps u020 (3 removed: within
    settings.yaml's 3 only when big's removals do not count with them)."""
    return f"""
        channels:
          big:
            prune: true
            safety: {{max_removals: {big_limit}, min_moderators: 0}}
            members: [{", ".join(f"user:{uid(i)}" for i in range(6))}]
          small:
            prune: true
            members: [user:{uid(20)}]
            moderators: [user:{uid(20)}]
        """


def test_a_channels_own_limit_refuses_the_plan_and_leaves_the_other_channel_alone(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    emulator.reset(CHAT_SEED)
    write_desired({"settings.yaml": CHAT_SETTINGS, "chat.yaml": chat(big_limit=5)})

    # the plan is shown in full (9 removals), then refused for big's own limit alone
    summary = "Plan: 0 to add, 0 to change, 9 to remove."
    assert refused(cli, summary) == [
        summary,
        "",
        "Error: refusing this plan: [big] Too many removals: 6 is over this channel's limit "
        "of 5 (channels.big.safety.max_removals)",
        refused_by("channels.big"),
    ]

    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1
    assert "Too many removals: 6 is over this channel's limit of 5" in applied.stdout
    served = calls()
    assert "DeleteChannelMembership" not in served
    assert "DeleteChannelModerator" not in served
    assert set(emulator.messaging.channel_members(BIG)) == {arn(i) for i in range(10)}
    assert set(emulator.messaging.channel_members(SMALL)) == {arn(i) for i in range(20, 24)}

    # big's own limit raised to its 6 removals: the apply goes through for both channels,
    # small's 3 removals still within settings.yaml's 3 (big's 6 are not added to them)
    write_desired({"settings.yaml": CHAT_SETTINGS, "chat.yaml": chat(big_limit=6)})
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert emulator.messaging.channel_members(BIG) == {arn(i): "DEFAULT" for i in range(6)}
    assert emulator.messaging.channel_moderators(BIG) == []
    assert emulator.messaging.channel_members(SMALL) == {arn(20): "DEFAULT"}
    assert emulator.messaging.channel_moderators(SMALL) == [arn(20)]
    served = calls()
    assert served["DeleteChannelMembership"] == 4 + 3
    assert served["DeleteChannelModerator"] == 2


# -- meetings ----------------------------------------------------------------------------

TOWN_HALL = "6f1c2a9e-0000-4000-8000-000000000001"
STANDUP = "6f1c2a9e-0000-4000-8000-000000000002"
PRESENTER = BUILTIN_PROFILES["presenter"].to_dict()
VIEWER = BUILTIN_PROFILES["viewer"].to_dict()


def meeting(meeting_id: str, attendees: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "id": meeting_id,
        "external_meeting_id": meeting_id[-4:],
        "attendees": [{"external_user_id": u, "capabilities": c} for u, c in attendees.items()],
    }


MEETING_SEED = {
    "meetings": [
        # the town hall: lead presents; t0-t1 are not declared
        meeting(
            TOWN_HALL,
            {"lead@example.com": PRESENTER, "t0@example.com": VIEWER, "t1@example.com": VIEWER},
        ),
        # the standup: s0 is not declared
        meeting(STANDUP, {"keep@example.com": VIEWER, "s0@example.com": VIEWER}),
    ]
}


def meetings(town_hall_limit: int) -> str:
    """The town hall: 2 attendees removed and lead made a viewer (3 removals); the
    standup: 1 removed, settings.yaml's limit (the town hall's 3 do not join it)."""
    return f"""
        meetings:
          town-hall:
            meeting_id: {TOWN_HALL}
            prune: true
            safety: {{max_removals: {town_hall_limit}}}
            attendees: {{lead@example.com: viewer}}
          standup:
            meeting_id: {STANDUP}
            prune: true
            attendees: {{keep@example.com: viewer}}
        """


MEETING_SETTINGS = "safety: {max_removals: 1, max_removal_fraction: 1.0}\n"


def test_a_meetings_own_limit_refuses_the_plan_and_leaves_the_other_meeting_alone(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    emulator.reset(MEETING_SEED)
    write_desired({"settings.yaml": MEETING_SETTINGS, "meetings.yaml": meetings(town_hall_limit=2)})

    summary = "Plan: 0 to add, 1 to change, 3 to remove."
    assert refused(cli, summary) == [
        summary,
        "",
        "Error: refusing this plan: [town-hall] Too many removals: 3 (1 of them a demotion "
        "as presenter) is over this meeting's limit of 2 "
        "(meetings.town-hall.safety.max_removals)",
        refused_by("meetings.town-hall"),
    ]
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1
    served = calls()
    assert "DeleteAttendee" not in served
    assert "UpdateAttendeeCapabilities" not in served
    assert len(emulator.meetings.attendees_of(TOWN_HALL)) == 3
    assert len(emulator.meetings.attendees_of(STANDUP)) == 2

    write_desired({"settings.yaml": MEETING_SETTINGS, "meetings.yaml": meetings(town_hall_limit=3)})
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    viewer = BUILTIN_PROFILES["viewer"]
    assert emulator.meetings.attendees_of(TOWN_HALL) == {"lead@example.com": viewer}
    assert emulator.meetings.attendees_of(STANDUP) == {"keep@example.com": viewer}
