"""Resource limits (members and moderators per channel, memberships per user) and the
existing fault knobs, on the messaging API."""

from __future__ import annotations

from typing import Any

import pytest
from messaging_seeds import ADMIN, BOB, DAVE, INCIDENT, INSTANCE, chat_seed, clients, user

from reconciler.emulator import EmulatorServer, SeedError, parse_seed


def test_a_channel_holds_at_most_10000_members(emulator: EmulatorServer) -> None:
    names = [f"u{i:05d}" for i in range(9_999)]
    emulator.reset(
        chat_seed(extra_users=10_000, channels=[{"name": "big", "id": "big", "hidden": names}])
    )
    messaging, _ = clients(emulator)
    big = f"{INSTANCE}/channel/big"
    reply = messaging.batch_create_channel_membership(
        ChannelArn=big, MemberArns=[BOB, DAVE], ChimeBearer=ADMIN
    )
    assert [m["Arn"] for m in reply["BatchChannelMemberships"]["Members"]] == [BOB]
    assert [(e["MemberArn"], e["ErrorCode"]) for e in reply["Errors"]] == [
        (DAVE, "ResourceLimitExceeded")
    ]
    with pytest.raises(messaging.exceptions.ResourceLimitExceededException) as info:
        messaging.create_channel_membership(
            ChannelArn=big, MemberArn=user("u09999"), Type="DEFAULT", ChimeBearer=ADMIN
        )
    assert info.value.response["Error"]["Message"] == (
        f"Channel {big} already has the maximum of 10000 members."
    )


def test_a_channel_has_at_most_1000_moderators(emulator: EmulatorServer) -> None:
    names = [f"u{i:05d}" for i in range(1_000)]
    emulator.reset(
        chat_seed(extra_users=1_001, channels=[{"name": "m", "id": "m", "moderators": names}])
    )
    messaging, _ = clients(emulator)
    with pytest.raises(messaging.exceptions.ResourceLimitExceededException):
        messaging.create_channel_moderator(
            ChannelArn=f"{INSTANCE}/channel/m",
            ChannelModeratorArn=user("u01000"),
            ChimeBearer=ADMIN,
        )


def test_a_user_is_in_at_most_20000_channels(emulator: EmulatorServer) -> None:
    channels: list[dict[str, Any]] = [
        {"name": f"c{i}", "id": f"c{i}", "members": ["bob"]} for i in range(20_000)
    ]
    channels.append({"name": "one-more", "id": "more"})
    emulator.reset(chat_seed(channels=channels))
    messaging, _ = clients(emulator)
    reply = messaging.batch_create_channel_membership(
        ChannelArn=f"{INSTANCE}/channel/more", MemberArns=[BOB, DAVE], ChimeBearer=ADMIN
    )
    assert [(e["MemberArn"], e["ErrorCode"]) for e in reply["Errors"]] == [
        (BOB, "ResourceLimitExceeded")
    ]
    assert (
        reply["Errors"][0]["ErrorMessage"] == f"{BOB} is already in the maximum of 20000 channels."
    )


def test_a_seed_over_the_limits_is_refused() -> None:
    names = [f"u{i:05d}" for i in range(1_001)]
    doc = chat_seed(extra_users=1_001, channels=[{"name": "m", "moderators": names}])
    with pytest.raises(SeedError) as info:
        parse_seed(doc)
    assert str(info.value) == (
        "<seed>: app_instances[0].channels[0].moderators: 1001 moderators; "
        "a channel has at most 1000"
    )


def test_injected_faults_apply_to_messaging_and_identity(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed())
    messaging, identity = clients(emulator)
    emulator.set_faults(throttle_rate=1.0)
    with pytest.raises(messaging.exceptions.ThrottledClientException):
        messaging.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=ADMIN)
    with pytest.raises(identity.exceptions.ThrottledClientException):
        identity.list_app_instance_users(AppInstanceArn=INSTANCE)
    emulator.set_faults(error_rate=1.0)
    with pytest.raises(messaging.exceptions.ClientError) as info:
        messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] in (500, 503)
    assert emulator.calls() == {
        "DescribeChannel": 1,
        "ListAppInstanceUsers": 1,
        "ListChannels": 1,
        "Throttled": 2,
    }


def test_item_errors_apply_to_channel_batches(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed(extra_users=100))
    messaging, _ = clients(emulator)
    emulator.set_faults(item_error_rate=0.3, seed=7)
    arns = [user(f"u{i:05d}") for i in range(100)]
    reply = messaging.batch_create_channel_membership(
        ChannelArn=INCIDENT, MemberArns=arns, ChimeBearer=ADMIN
    )
    failed = [e["MemberArn"] for e in reply["Errors"]]
    assert {e["ErrorCode"] for e in reply["Errors"]} == {"Throttled"}
    assert 10 < len(failed) < 50
    added = [m["Arn"] for m in reply["BatchChannelMemberships"]["Members"]]
    assert sorted(added + failed) == sorted(arns)
    emulator.reset(chat_seed(extra_users=100))
    emulator.set_faults(item_error_rate=0.3, seed=7)
    again = messaging.batch_create_channel_membership(
        ChannelArn=INCIDENT, MemberArns=arns, ChimeBearer=ADMIN
    )
    assert [e["MemberArn"] for e in again["Errors"]] == failed  # the same items, every run
