"""A full target (AWS's maximum, members kept that no file declares there) where the plan
changes a member's role by delete and create (a channel membership's type; a room bot's
role) and adds new members converges in one apply (QA-O Q-O-1): the re-creation takes
back the place its own delete freed before a new member can. It was the new members'
batch first: a new member took the place, the re-creation was refused with
ResourceLimitExceeded, and every later apply was refused the same (the channel full): a
member the desired state keeps in it lost it for good.

The CLI in process, the real boto3 client, the emulator over HTTP (which refuses the
10,001st channel member and the 1,001st room member as AWS does)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
FULL = f"{INSTANCE}/channel/full"
# the emulator enforces no rate: the channel's pages of members are read at once
UNPACED = ("--rate", "messaging.bearer=off", "--rate", "messaging.channel-list=off")


def user(name: str) -> str:
    return f"{INSTANCE}/user/{name}"


def full_channel(emulator: EmulatorServer, hidden: list[str]) -> None:
    """The bearer r0 (it created the channel) and m00000..m09998: 10,000 members, those
    in ``hidden`` HIDDEN, the others DEFAULT; users m09999..m10001 are in no channel."""
    names = [f"m{i:05d}" for i in range(9_999)]
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["r0"],
                    "users": [{"id": "r0"}] + [{"id": f"m{i:05d}"} for i in range(10_002)],
                    "channels": [
                        {
                            "name": "full",
                            "id": "full",
                            "privacy": "PRIVATE",
                            "mode": "RESTRICTED",
                            "created_by": "r0",
                            "members": [n for n in names if n not in hidden],
                            "hidden": hidden,
                            "moderators": ["m00000"],
                        }
                    ],
                }
            ]
        }
    )


@pytest.mark.parametrize(
    ("live_hidden", "members", "hidden", "changed"),
    [
        # DEFAULT -> HIDDEN, a new DEFAULT member: the new member's batch went first
        ([], ["m09999"], ["m00007"], ["m00007"]),
        # HIDDEN -> DEFAULT, a new DEFAULT member: one batch, the new member ahead in it
        (["m00007"], ["m09999", "m00007"], [], ["m00007"]),
        # both ways, and a new member of each type: none may take a re-creation's place
        (["m00008"], ["m09999", "m00008"], ["m10000", "m00007"], ["m00007", "m00008"]),
    ],
    ids=["to-hidden", "to-default", "both-ways"],
)
def test_a_full_channel_changes_a_type_and_adds_in_one_apply(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    live_hidden: list[str],
    members: list[str],
    hidden: list[str],
    changed: list[str],
) -> None:
    """10,000 members, no prune: the type changes keep their members (the new members
    are refused, as README says for members over the maximum), and the next plan shows
    only the new members, not a member lost."""
    full_channel(emulator, live_hidden)
    refs = lambda names: ", ".join(f"user:{n}" for n in names)  # noqa: E731
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:r0\n",
            "chat.yaml": f"channels:\n  full:\n    members: [{refs(members)}]\n"
            f"    hidden: [{refs(hidden)}]\n    moderators: [user:m00000]\n",
        }
    )
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr  # the new members: no place
    new = [n for n in members + hidden if n not in changed]
    failed = [line for line in run.lines if line.startswith("  ! ")]
    for n in changed:
        assert not [line for line in failed if re.match(rf"  ! . user:{n}[ :]", line)]
    for n in new:
        assert any(
            re.match(rf"  ! \+ user:{n} \((DEFAULT|HIDDEN)\) in full: ResourceLimitExceeded", line)
            for line in failed
        ), run.stdout
    live = emulator.messaging.channel_members(FULL)
    assert len(live) == 10_000
    for n in changed:
        assert live.get(user(n)) == ("HIDDEN" if n in hidden else "DEFAULT"), n
    # the next apply has only the new members left to add (still no place): none lost
    again = cli(*UNPACED, "plan")
    assert not [line for line in again.lines if any(f"user:{n}" in line for n in changed)]
    assert [line for line in again.lines if line.lstrip().startswith("+")] == [
        f"  + user:{n} ({'HIDDEN' if n in hidden else 'DEFAULT'})" for n in new
    ]


@pytest.mark.parametrize("role", ["Administrator", "Member"])
def test_a_full_room_changes_a_bots_role_and_adds_in_one_apply(
    seed: Callable[..., EmulatorServer],
    write_desired: WriteDesired,
    cli: Cli,
    members: Callable[[str], dict[str, str]],
    role: str,
) -> None:
    """The same for a room's bot, whose role changes by delete and create: 1,000
    members (u0 the administrator, PagerBot, u1..u998), no prune; PagerBot promoted (or
    demoted, u0 staying an administrator) and u999 added. PagerBot keeps its place."""
    before = "Member" if role == "Administrator" else "Administrator"
    seed(
        users=[f"u{i}" for i in range(1_000)],
        bots=["PagerBot"],
        rooms={
            "full": [
                ("u0", "Administrator"),
                ("bot:PagerBot", before),
                *((f"u{i}", "Member") for i in range(1, 999)),
            ]
        },
    )
    admins = ["u0@example.com"] + (['"bot:PagerBot"'] if role == "Administrator" else [])
    plain = ["u999@example.com"] + (['"bot:PagerBot"'] if role == "Member" else [])
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "rooms.yaml": f"rooms:\n  full:\n    administrators: [{', '.join(admins)}]\n"
            f"    members: [{', '.join(plain)}]\n",
        }
    )
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr  # u999: no place
    failed = [line for line in run.lines if line.startswith("  ! ")]
    assert not [line for line in failed if "bot:PagerBot" in line]
    assert any(
        line.startswith("  ! + u999@example.com (Member) in full: ResourceLimitExceeded")
        for line in failed
    ), run.stdout
    live = members("full")
    assert len(live) == 1_000
    assert live["bid-PagerBot"] == role
