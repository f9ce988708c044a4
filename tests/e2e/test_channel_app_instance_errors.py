"""Errors about an app instance, a channel name or a channel user, located and leaving
the rest of the plan as it is (QA3 round): an app instance Chime does not have (a typo in
settings.yaml's ``arn:``) is its channels' error, where each is declared, as an account
Chime does not have is its rooms'; the room beside them is planned and shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED

from reconciler.emulator import EmulatorServer

ACCOUNT = "11111111-2222-3333-4444-555555555555"
INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
TYPO = "arn:aws:chime:us-east-1:111122223333:app-instance/chatx"


def seed() -> dict[str, Any]:
    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "Example Corp",
                "users": [{"id": "uid-heidi", "email": "heidi@example.com", "name": "Heidi"}],
                "rooms": [{"id": "room-web", "name": "web", "memberships": []}],
            }
        ],
        "app_instances": [
            {
                "arn": INSTANCE,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "alice@example.com"}],
                "channels": [{"name": "c", "id": "c"}],
            }
        ],
    }


def test_an_unknown_app_instance_is_its_channels_located_error_and_the_rest_is_planned(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    emulator.reset(seed())
    write_desired(
        {
            "settings.yaml": f"""
                account: {ACCOUNT}
                app_instances:
                  chat:
                    arn: {TYPO}
                    bearer: user:reconciler
                """,
            "r.yaml": """
                rooms:
                  web:
                    members: [heidi@example.com]
                channels:
                  c:
                    members: [alice@example.com]
                    moderators: [alice@example.com]
                """,
        }
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    out = run.stdout + run.stderr
    assert "+ heidi@example.com (Member)" in out  # the room is planned and shown
    error = (
        f"Error: desired-state/r.yaml:5: no app instance {TYPO} (ListChannels answered "
        "NotFoundException): check app_instances.chat.arn in settings.yaml"
    )
    assert out.count(error) == 1, out  # once, though both channel kinds declare c
    assert "Plan: 1 to add, 0 to change, 0 to remove" in out
    assert emulator.calls().get("ListChannels") == 1  # asked once a run (PUBLIC: NotFound)


SETTINGS = f"""
    account: {ACCOUNT}
    app_instances:
      chat:
        arn: {INSTANCE}
        bearer: user:reconciler
    """
CAN_NOT_MAP = (
    "`user_id_from: email` cannot map this address to an id AWS takes (1-64 of A-Z a-z 0-9 "
    ": - _ . @, starting and ending with a letter or digit); name this person's channel "
    "user as user:ID in the channel"
)


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("user:a/b", "malformed AppInstanceUserId in 'user:a/b'"),
        (
            f"{INSTANCE}/user/alice@example.com/../bob@example.com",
            # the id, the ARN's end, quoted by the one rule (QA-LE Q-LE-3: the ARN whole)
            "malformed AppInstanceUserId 'alice@example.com/../bob@example.com' at the end of "
            "the AppInstanceUser ARN",
        ),
        (
            "bob+tag@example.com",
            f"malformed AppInstanceUserId 'bob+tag@example.com': {CAN_NOT_MAP}",
        ),
        ("bob@example.com/x", f"malformed AppInstanceUserId 'bob@example.com/x': {CAN_NOT_MAP}"),
        ("-bob@example.com", f"malformed AppInstanceUserId '-bob@example.com': {CAN_NOT_MAP}"),
    ],
)
def test_an_id_aws_refuses_is_a_located_error_from_an_arn_or_an_email_too(
    write_desired: Callable[..., Any], cli: Any, member: str, message: str
) -> None:
    """botocore's UserId pattern has no '/', '+' or leading '-': whether the id is written
    as user:ID, in an ARN, or comes from an e-mail address (QA3 Q4)."""
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  c:
                    members: [alice@example.com, "{member}"]
                """,
        }
    )
    run = cli(*UNPACED, "validate")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert f"desired-state/chat.yaml:3: channels.c.members[1]: {message}" in run.stderr


def test_an_email_from_a_group_that_no_id_can_be_is_a_plan_error_at_the_group_never_asked(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """A group shared with rooms may hold an address AWS can never have as an id: the
    plan names it where the group lists it (not "no AppInstanceUser", which reads as
    "create the user"), asks AWS nothing about it, and plans the channel's other members."""
    emulator.reset(seed())
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": """
                groups:
                  g: [bob+tag@example.com, alice@example.com]
                channels:
                  c:
                    members: ["@g"]
                """,
        }
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    out = run.stdout + run.stderr
    assert (
        f"Error: desired-state/chat.yaml:2: malformed AppInstanceUserId 'bob+tag@example.com': "
        f"{CAN_NOT_MAP}" in out
    ), out
    assert "no AppInstanceUser" not in out
    assert "+ alice@example.com (DEFAULT)" in out
    assert emulator.calls().get("DescribeAppInstanceUser") == 1  # alice's only


def test_a_channel_name_two_channels_share_is_a_located_error_never_one_of_them_picked(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """Channel names are not unique in an app instance: a channel declared by a name two
    channels have is an error at its line naming both ARNs, not planned against either
    (QA-AC Q-AC-3); the room beside it is planned."""
    doc = seed()
    doc["app_instances"][0]["channels"] = [
        {"name": "c", "id": "c-1", "members": ["alice@example.com"]},
        {"name": "c", "id": "c-2"},
    ]
    emulator.reset(doc)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "r.yaml": """
                rooms:
                  web:
                    members: [heidi@example.com]
                channels:
                  c:
                    prune: true
                    members: [user:reconciler]
                """,
        }
    )
    run = cli(*UNPACED, "plan")
    assert run.exit_code == 1, run.stdout + run.stderr
    out = run.stdout + run.stderr
    assert (
        f"Error: desired-state/r.yaml:5: 2 channels named c in app instance {INSTANCE} "
        f"({INSTANCE}/channel/c-1, {INSTANCE}/channel/c-2): give the channel's arn" in out
    ), out
    assert "Plan: 1 to add, 0 to change, 0 to remove" in out  # heidi only
    assert "alice@example.com" not in out


def test_protected_takes_channel_users_and_prune_leaves_them(
    emulator: EmulatorServer, write_desired: Callable[..., Any], cli: Any
) -> None:
    """`protected:` takes `user:ID` and AppInstanceUser ARNs, so a channel's break-glass
    user or auditor survives `prune: true` without being declared in every channel
    (QA3 Q18: refused as a "malformed email address")."""
    doc = seed()
    doc["app_instances"][0]["users"] += [{"id": "auditor"}, {"id": "breakglass"}, {"id": "eve"}]
    doc["app_instances"][0]["channels"] = [
        {"name": "c", "id": "c", "members": ["auditor", "breakglass", "eve", "alice@example.com"]}
    ]
    emulator.reset(doc)
    write_desired(
        {
            "settings.yaml": SETTINGS
            + f'protected: [user:auditor, "{INSTANCE}/user/breakglass"]\n',
            "chat.yaml": """
                channels:
                  c:
                    prune: true
                    members: [alice@example.com]
                """,
        }
    )
    assert cli(*UNPACED, "validate").exit_code == 0
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    out = run.stdout
    assert "protected: user:auditor (DEFAULT), left unchanged" in out, out
    assert "protected: user:breakglass (DEFAULT), left unchanged" in out, out
    assert "- user:eve (DEFAULT)" in out, out
    assert sorted(emulator.messaging.channel_members(f"{INSTANCE}/channel/c")) == [
        f"{INSTANCE}/user/{who}" for who in ("alice@example.com", "auditor", "breakglass")
    ]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"chat.yaml": "groups:\n  breakglass: [user:auditor]\n"},
            "desired-state/chat.yaml:2: groups.breakglass[0]: 'user:auditor' names a channel user",
        ),
        (
            {"r.yaml": f"rooms:\n  web:\n    members: ['{INSTANCE}/user/eve']\n"},
            f"desired-state/r.yaml:3: rooms.web.members[0]: '{INSTANCE}/user/eve' names a "
            "channel user",
        ),
    ],
)
def test_a_channel_user_in_a_group_or_a_room_says_where_it_belongs(
    write_desired: Callable[..., Any], cli: Any, files: dict[str, str], message: str
) -> None:
    """A group is shared by every kind (rooms, channels, meetings), a room takes e-mail
    addresses: a channel user there is refused with what takes it, not as a "malformed
    email address"."""
    write_desired({"settings.yaml": SETTINGS, **files})
    run = cli(*UNPACED, "validate")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        message
        + (
            ": only a channel's own lists and settings.yaml's `protected:` take user:ID and "
            "AppInstanceUser ARNs (a room and a group, shared by every kind, take e-mail "
            "addresses and bot:NAME)"
        )
        in run.stderr
    ), run.stderr
    assert "malformed email address" not in run.stderr


def test_a_long_malformed_user_id_or_webhook_in_a_file_is_quoted_by_the_one_rule(
    write_desired: Callable[..., Any], cli: Any
) -> None:
    """QA-GL Q-GL-6: quoted whole at any length, where a malformed e-mail address beside
    them was cut; now all three by the one rule for a name (a reference is one: QA-LF
    Q-LF-4), whole up to 256 characters, a longer one refused as too long."""
    user, webhook = "user:" + "x" * 200 + " y", "webhook:" + "x" * 200
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": f"""
                channels:
                  c:
                    members: ["{user}"]
                rooms:
                  r:
                    members: ["{webhook}"]
                """,
        }
    )
    run = cli(*UNPACED, "validate")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert (
        f"desired-state/chat.yaml:3: channels.c.members[0]: malformed AppInstanceUserId in {user!r}"
    ) in run.err_lines, run.err_lines
    assert (
        f"desired-state/chat.yaml:6: rooms.r.members[0]: webhooks are never managed: {webhook!r}"
    ) in run.err_lines, run.err_lines
