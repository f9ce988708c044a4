"""A channel's own ``safety:`` end to end: the CLI, the real boto3 clients, the emulator over
HTTP. One channel's own ``max_removals`` refuses a plan that removes more of its members
and moderators together, names that channel's limit and leaves the other channel alone
(its removals are judged by settings.yaml's limit, which the first channel's no longer
join); raised, the same apply goes through for both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reconciler.emulator import EmulatorServer

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
BIG = f"{INSTANCE}/channel/big"
SMALL = f"{INSTANCE}/channel/small"


def uid(i: int) -> str:
    return f"u{i:03d}"


def arn(i: int) -> str:
    return f"{INSTANCE}/user/{uid(i)}"


SEED = {
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
SETTINGS = f"""
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
    emulator.reset(SEED)
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat(big_limit=5)})

    planned = cli("plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    # the plan is shown in full (9 removals), then refused for big's own limit alone
    assert planned.lines[planned.lines.index("Plan: 0 to add, 0 to change, 9 to remove.") :] == [
        "Plan: 0 to add, 0 to change, 9 to remove.",
        "",
        "Error: refusing this plan: [big] Too many removals: 6 is over this channel's limit "
        "of 5 (channels.big.safety.max_removals)",
        "This plan breaks the safety rules (settings.yaml `safety:`); apply refuses it unless "
        "--allow-unsafe is given.",
    ]

    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 1
    assert "Too many removals: 6 is over this channel's limit of 5" in applied.stdout
    served = calls()
    assert "DeleteChannelMembership" not in served
    assert "DeleteChannelModerator" not in served
    assert set(emulator.messaging.channel_members(BIG)) == {arn(i) for i in range(10)}
    assert set(emulator.messaging.channel_members(SMALL)) == {arn(i) for i in range(20, 24)}

    # big's own limit raised to its 6 removals: the apply goes through for both channels,
    # small's 3 removals still within settings.yaml's 3 (big's 6 are not added to them)
    write_desired({"settings.yaml": SETTINGS, "chat.yaml": chat(big_limit=6)})
    applied = cli("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    assert emulator.messaging.channel_members(BIG) == {arn(i): "DEFAULT" for i in range(6)}
    assert emulator.messaging.channel_moderators(BIG) == []
    assert emulator.messaging.channel_members(SMALL) == {arn(20): "DEFAULT"}
    assert emulator.messaging.channel_moderators(SMALL) == [arn(20)]
    served = calls()
    assert served["DeleteChannelMembership"] == 4 + 3
    assert served["DeleteChannelModerator"] == 2
