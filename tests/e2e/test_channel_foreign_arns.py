"""An ARN of another app instance (another region, account or app instance id) in a
channel, as a member, a hidden member, a moderator or the bearer (QA round two, D3): a
located error of `validate`, `plan` and `apply`, and nothing is planned or changed for it.
It used to be re-homed to the channel's app instance: its id kept, the rest dropped, and a
principal nobody wrote was added. The CLI, the real boto3 client and the emulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import UNPACED
from test_channel_bearer_drift import INSTANCE, OPS, settings
from test_channel_bearer_drift import seed as seed_channel

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e


OTHER_REGION = "arn:aws:chime:eu-west-1:111122223333:app-instance/chat"
OTHER_ACCOUNT = "arn:aws:chime:us-east-1:999999999999:app-instance/chat"
OTHER_ID = "arn:aws:chime:us-east-1:111122223333:app-instance/other"
WRITES = (
    "BatchCreateChannelMembership",
    "DeleteChannelMembership",
    "CreateChannelModerator",
    "DeleteChannelModerator",
)


def seed(emulator: EmulatorServer) -> None:
    """ops: the bearer, alice (both moderators) and bob; carol is in no channel."""
    seed_channel(emulator, ["reconciler", "alice", "bob"])


def chat(members: str = "[user:alice, user:bob]", moderators: str = "[user:alice]") -> str:
    return f"""
        channels:
          ops:
            prune: true
            members: {members}
            moderators: {moderators}
        """


def writes(calls: Callable[[], dict[str, int]]) -> dict[str, int]:
    return {op: n for op, n in calls().items() if op in WRITES}


def live(emulator: EmulatorServer) -> tuple[dict[str, str], list[str]]:
    return emulator.messaging.channel_members(OPS), emulator.messaging.channel_moderators(OPS)


def refused_everywhere(cli: Any, expected: str) -> None:
    """validate, plan and apply all exit 1 with ``expected`` as their one error, before
    any plan is made."""
    for command in (("validate",), ("plan",), ("apply", "--auto-approve")):
        run = cli(*UNPACED, *command)
        assert (run.exit_code, run.stdout) == (1, ""), command
        assert run.err_lines == [expected, "Desired state is invalid: 1 error."], command


@pytest.mark.parametrize("other", [OTHER_REGION, OTHER_ACCOUNT, OTHER_ID])
def test_a_member_arn_of_another_app_instance_is_a_located_error_and_nothing_changes(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    other: str,
) -> None:
    seed(emulator)
    before = live(emulator)
    foreign = f"{other}/user/carol"
    write_desired({"settings.yaml": settings(), "chat.yaml": chat(f"[user:alice, {foreign}]")})

    refused_everywhere(
        cli,
        f"desired-state/chat.yaml:4: channels.ops.members[1]: {foreign} is a user of app "
        f"instance {other}, not of the channel's app instance chat ({INSTANCE})",
    )
    assert live(emulator) == before  # bob is not removed, carol is not added
    assert writes(calls) == {}


def test_the_channels_own_app_instance_arn_is_the_user_it_names(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
) -> None:
    seed(emulator)
    write_desired(
        {
            "settings.yaml": settings(),
            "chat.yaml": chat(f"[user:alice, user:bob, {INSTANCE}/user/carol]"),
        }
    )
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert emulator.messaging.channel_members(OPS)[f"{INSTANCE}/user/carol"] == "DEFAULT"


def test_hidden_members_moderators_and_grants_are_checked_too(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    seed(emulator)
    before = live(emulator)
    write_desired(
        {
            "settings.yaml": settings(),
            "chat.yaml": f"""
                channels:
                  ops:
                    members: [user:alice, user:bob]
                    hidden:
                      - {OTHER_ID}/user/carol
                    moderators:
                      - user:alice
                      - {{member: "{OTHER_REGION}/user/bob", until: 2099-01-01, reason: on call}}
                """,
        }
    )
    run = cli(*UNPACED, "validate")
    assert run.exit_code == 1
    assert run.err_lines == [
        f"desired-state/chat.yaml:5: channels.ops.hidden[0]: {OTHER_ID}/user/carol is a "
        f"user of app instance {OTHER_ID}, not of the channel's app instance chat ({INSTANCE})",
        f"desired-state/chat.yaml:8: channels.ops.moderators[1]: {OTHER_REGION}/user/bob "
        f"is a user of app instance {OTHER_REGION}, not of the channel's app instance chat "
        f"({INSTANCE})",
        "Desired state is invalid: 2 errors.",
    ]
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1
    assert live(emulator) == before and writes(calls) == {}


@pytest.mark.parametrize(
    ("other", "bearer", "path"),
    [
        (OTHER_ACCOUNT, "bearer: {}", "app_instances.chat.bearer"),
        (OTHER_ID, "bearers: [user:reconciler, {}]", "app_instances.chat.bearers[1]"),
    ],
    ids=["bearer", "bearers"],
)
def test_a_bearer_arn_of_another_app_instance_is_a_located_error(
    emulator: EmulatorServer,
    write_desired: Callable[..., Path],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    other: str,
    bearer: str,
    path: str,
) -> None:
    """It was re-homed too: the calls were made as the channel's app instance's user of
    the same id."""
    seed(emulator)
    before = live(emulator)
    foreign = f"{other}/user/reconciler"
    write_desired({"settings.yaml": settings(bearer.format(foreign)), "chat.yaml": chat()})

    refused_everywhere(
        cli,
        f"desired-state/settings.yaml:4: {path}: {foreign} is a user of app instance "
        f"{other}, not of app instance {INSTANCE}: a bearer calls as a user or bot of the app "
        "instance it manages",
    )
    assert live(emulator) == before
    assert writes(calls) == {}


def test_a_channel_arn_of_another_app_instance_is_a_located_error(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    seed(emulator)
    foreign = f"{OTHER_ID}/channel/ops"
    write_desired(
        {
            "settings.yaml": settings(),
            "chat.yaml": f"""
                channels:
                  mine:
                    arn: {foreign}
                    members: [user:alice]
                """,
        }
    )
    run = cli(*UNPACED, "validate")
    assert (run.exit_code, run.err_lines) == (
        1,
        [
            f"desired-state/chat.yaml:3: channels.mine.arn: {foreign} is a channel of "
            f"app instance {OTHER_ID}, not of the channel's app instance chat ({INSTANCE})",
            "Desired state is invalid: 1 error.",
        ],
    )


def test_audit_and_explain_of_an_arn_look_in_its_own_app_instance_only(
    emulator: EmulatorServer, write_desired: Callable[..., Path], cli: Any
) -> None:
    """bob of app instance other is not chat's bob: audit refuses an app instance
    settings.yaml does not name, explain finds him in no channel of chat."""
    seed(emulator)
    write_desired({"settings.yaml": settings(), "chat.yaml": chat()})
    foreign, own = f"{OTHER_ID}/user/bob", f"{INSTANCE}/user/bob"

    audit = cli(*UNPACED, "audit", foreign)
    assert (audit.exit_code, audit.stdout, audit.err_lines) == (
        1,
        "",
        [
            f"Error: MEMBER {foreign!r} is a user of app instance {OTHER_ID}, which "
            f"settings.yaml's app_instances does not name ({INSTANCE})"
        ],
    )
    assert cli(*UNPACED, "audit", own).lines[-2:] == [
        "CHANNEL  CHANNEL ID  LIVE     DECLARED  NOTE      WHERE",
        "ops      ops         DEFAULT  DEFAULT   declared  DEFAULT at desired-state/chat.yaml:4",
    ]

    explained = cli(*UNPACED, "explain", foreign)
    assert explained.exit_code == 0, explained.stderr
    assert not any(line.startswith("# channel") for line in explained.lines)
    assert explained.lines[-1] == (  # where else it may be (Q-HB-5)
        f"{foreign} is neither declared nor live in any declared target (audit reads the "
        "rooms and channels outside them too)."
    )
    assert (
        f"# channel ops (app instance {INSTANCE}, id {OPS})" in cli(*UNPACED, "explain", own).lines
    )
