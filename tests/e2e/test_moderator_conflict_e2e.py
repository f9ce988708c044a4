"""CreateChannelModerator for a moderator that is there already: AWS lists
ConflictException among the operation's errors without saying when; the emulator answers
it (its strict choice where AWS documents nothing). Made by someone else between the plan
and the apply, that moderator is the desired state already: the apply reads the
moderators, reports it `already present` and succeeds, with no second create (through the
CLI, the real boto3 client and the emulator)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from conftest import UNPACED
from test_create_retries_e2e import CHAT_SEED, CHAT_SETTINGS, INSTANCE, MEMBERS

import reconciler.cli.execute as execute
from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

CHANNEL = f"{INSTANCE}/channel/ops"
BEARER = f"{INSTANCE}/user/reconciler"
CHAT = f"channels: {{ops: {{members: {MEMBERS}, moderators: [user:u2, user:u3]}}}}"


def test_a_moderator_made_meanwhile_is_already_present_not_a_failure(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.reset(CHAT_SEED)
    write_desired({"settings.yaml": CHAT_SETTINGS, "chat.yaml": CHAT})
    apply = execute.run_apply

    def meanwhile(*args: Any, **kwargs: Any) -> Any:  # planned; someone adds u2 first
        emulator.messaging.create_channel_moderator(CHANNEL, f"{INSTANCE}/user/u2", BEARER)
        return apply(*args, **kwargs)

    monkeypatch.setattr(execute, "run_apply", meanwhile)
    emulator.reset_calls()
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == (
        "Apply complete! Memberships: 1 added, 0 changed, 0 removed (1 already present)."
    )
    assert sorted(emulator.messaging.channel_moderators(CHANNEL)) == [
        f"{INSTANCE}/user/u2",
        f"{INSTANCE}/user/u3",
    ]
    counted = calls()
    assert counted["CreateChannelModerator"] == 2  # u3's, and u2's answered Conflict: no retry
    monkeypatch.setattr(execute, "run_apply", apply)
    assert (
        cli(*UNPACED, "plan").lines[-1] == "No changes. Chime memberships match the desired state."
    )


def test_the_emulator_answers_conflict_for_a_moderator_already_there(
    emulator: EmulatorServer, boto3_session: Any
) -> None:
    """What the apply above meets, from the real boto3 client: 409 ConflictException."""
    emulator.reset(CHAT_SEED)
    messaging = boto3_session.client("chime-sdk-messaging", endpoint_url=emulator.url)
    arn = f"{INSTANCE}/user/u2"
    messaging.create_channel_moderator(
        ChannelArn=CHANNEL, ChannelModeratorArn=arn, ChimeBearer=BEARER
    )
    with pytest.raises(messaging.exceptions.ConflictException) as raised:
        messaging.create_channel_moderator(
            ChannelArn=CHANNEL, ChannelModeratorArn=arn, ChimeBearer=BEARER
        )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert (
        raised.value.response["Error"]["Message"]
        == f"{arn} is already a moderator of channel {CHANNEL}."
    )


def test_conflict_rate_answers_409_conflict_exception_to_the_operations_named(
    emulator: EmulatorServer, boto3_session: Any
) -> None:
    """What AWS documents ConflictException as ("conflict in the current state of the
    resource"), through the real boto3 client: only the calls named, nothing changed."""
    emulator.reset(CHAT_SEED)
    emulator.set_faults(conflict_rate=1.0, operations=["CreateChannelModerator"])
    messaging = boto3_session.client("chime-sdk-messaging", endpoint_url=emulator.url)
    arn = f"{INSTANCE}/user/u2"
    with pytest.raises(messaging.exceptions.ConflictException) as raised:
        messaging.create_channel_moderator(
            ChannelArn=CHANNEL, ChannelModeratorArn=arn, ChimeBearer=BEARER
        )
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert raised.value.response["Error"]["Message"] == (
        "The request could not be processed because of conflict in the current state of the "
        "resource (injected fault)."
    )
    assert arn not in emulator.messaging.channel_moderators(CHANNEL)
    listed = messaging.list_channel_moderators(ChannelArn=CHANNEL, ChimeBearer=BEARER)
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200  # other operations answer


def test_a_conflict_for_another_reason_is_reported_as_the_services_answer(
    emulator: EmulatorServer,
    write_desired: Callable[..., Any],
    cli: Any,
    calls: Callable[[], dict[str, int]],
) -> None:
    """CreateChannelModerator answered ConflictException while the member is no moderator
    (a conflict in the channel's state, not "already a moderator"): after the second such
    answer, each with the member absent when the moderators are read, the change fails
    with AWS's own message and says the conflict is not the member being there; it said
    'changed by someone else meanwhile (no role, ...)' after three."""
    emulator.reset(CHAT_SEED)
    write_desired({"settings.yaml": CHAT_SETTINGS, "chat.yaml": CHAT})
    emulator.set_faults(conflict_rate=1.0, operations=["CreateChannelModerator"])
    emulator.reset_calls()
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1
    why = (
        "Conflict: The request could not be processed because of conflict in the current "
        "state of the resource (injected fault). (refused as a conflict twice, and not there "
        "when read after either: the conflict is not its being there already)"
    )
    failed = [line for line in run.lines if line.startswith("  ! ")]
    assert failed == [
        f"  ! + user:u2 (Moderator) in ops: {why}",
        f"  ! + user:u3 (Moderator) in ops: {why}",
    ], run.stdout
    assert "meanwhile" not in run.stdout + run.stderr
    counted = calls()
    assert counted["CreateChannelModerator"] == 2 * 2  # two creates each, not three
    assert emulator.messaging.channel_moderators(CHANNEL) == []  # nothing changed
