"""AWS's rate quotas, on a clock the tests move: the same calls throttle on every run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from emulator_http import request
from messaging_seeds import (
    ADMIN,
    ALICE,
    BOB,
    DAVE,
    INCIDENT,
    INSTANCE,
    LOBBY,
    ManualClock,
    chat_seed,
    clients,
)

from reconciler.emulator import EmulatorServer


@pytest.fixture
def clock(emulator: EmulatorServer) -> ManualClock:
    """Quotas on, on a clock that stands still until advanced."""
    emulator.reset(chat_seed(extra_users=20))
    manual = ManualClock()
    emulator.app.quotas.clock = manual
    assert request(emulator.url, "POST", "/_emulator/faults", {"quotas": True})[2]["quotas"]
    return manual


def outcomes(calls: list[Callable[[], Any]]) -> list[str]:
    """'ok' or the error code of each call, in order."""
    found = []
    for call in calls:
        try:
            call()
            found.append("ok")
        except Exception as exc:  # botocore's ClientError subclasses
            found.append(exc.response["Error"]["Code"])  # type: ignore[attr-defined]
    return found


def describe(messaging: Any, bearer: str, channel: str = INCIDENT) -> Callable[[], Any]:
    return lambda: messaging.describe_channel(ChannelArn=channel, ChimeBearer=bearer)


def test_ten_requests_a_second_per_bearer(emulator: EmulatorServer, clock: ManualClock) -> None:
    messaging, _ = clients(emulator)
    T = "ThrottledClientException"
    assert outcomes([describe(messaging, ADMIN)] * 11) == ["ok"] * 10 + [T]
    assert outcomes([describe(messaging, ALICE, LOBBY)]) == ["ok"]  # another bearer: its own
    clock.advance(0.1)  # one more token
    assert outcomes([describe(messaging, ADMIN)] * 2) == ["ok", T]
    clock.advance(5)  # the bucket holds one second's worth, no more
    assert outcomes([describe(messaging, ADMIN)] * 11) == ["ok"] * 10 + [T]
    assert emulator.calls() == {"DescribeChannel": 25, "Throttled": 3}


def test_a_throttled_call_is_a_429_with_the_quota_in_its_message(
    emulator: EmulatorServer, clock: ManualClock
) -> None:
    messaging, _ = clients(emulator)
    for _ in range(10):
        messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    with pytest.raises(messaging.exceptions.ThrottledClientException) as info:
        messaging.describe_channel(ChannelArn=INCIDENT, ChimeBearer=ADMIN)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert info.value.response["Error"]["Message"] == (
        f"Rate exceeded: more than 10 requests per second per bearer ({ADMIN})."
    )


def test_one_batch_call_a_second_per_channel(emulator: EmulatorServer, clock: ManualClock) -> None:
    messaging, _ = clients(emulator)

    def batch(channel: str, who: str) -> Callable[[], Any]:
        return lambda: messaging.batch_create_channel_membership(
            ChannelArn=channel, MemberArns=[f"{INSTANCE}/user/{who}"], ChimeBearer=ADMIN
        )

    T = "ThrottledClientException"
    assert outcomes([batch(INCIDENT, "u00000"), batch(INCIDENT, "u00001")]) == ["ok", T]
    assert outcomes([batch(LOBBY, "u00002")]) == ["ok"]  # another channel
    clock.advance(0.5)
    assert outcomes([batch(INCIDENT, "u00001")]) == [T]
    clock.advance(0.5)
    assert outcomes([batch(INCIDENT, "u00001")]) == ["ok"]


def test_a_refused_call_uses_up_no_quota(emulator: EmulatorServer, clock: ManualClock) -> None:
    messaging, _ = clients(emulator)
    batch = lambda: messaging.batch_create_channel_membership(  # noqa: E731
        ChannelArn=INCIDENT, MemberArns=[DAVE], ChimeBearer=ADMIN
    )
    T = "ThrottledClientException"
    assert outcomes([batch] * 9) == ["ok"] + [T] * 8  # refused by the channel's batch quota
    assert outcomes([describe(messaging, ADMIN)] * 10) == ["ok"] * 9 + [T]  # 1 + 9 = 10


def test_fifteen_mutations_a_second_per_channel(
    emulator: EmulatorServer, clock: ManualClock
) -> None:
    messaging, _ = clients(emulator)

    def grant(bearer: str, i: int) -> Callable[[], Any]:
        return lambda: messaging.create_channel_moderator(
            ChannelArn=INCIDENT, ChannelModeratorArn=f"{INSTANCE}/user/u{i:05d}", ChimeBearer=bearer
        )

    calls = [grant(ADMIN, i) for i in range(8)] + [grant(ALICE, i) for i in range(8, 16)]
    result = outcomes(calls)
    assert result == ["ok"] * 15 + ["ThrottledClientException"]
    with pytest.raises(messaging.exceptions.ThrottledClientException) as info:
        grant(ALICE, 17)()
    assert info.value.response["Error"]["Message"] == (
        "Rate exceeded: more than 15 requests per second per channel (membership, moderator "
        f"and ban changes) ({INCIDENT})."
    )
    assert outcomes([grant(ALICE, 16)]) != ["ok"]
    assert outcomes(  # another channel is not affected
        [lambda: messaging.create_channel_ban(ChannelArn=LOBBY, MemberArn=DAVE, ChimeBearer=ADMIN)]
    ) == ["ok"]


def test_fifteen_list_calls_a_second_per_channel(
    emulator: EmulatorServer, clock: ManualClock
) -> None:
    messaging, _ = clients(emulator)

    def listing(bearer: str) -> Callable[[], Any]:
        return lambda: messaging.list_channel_moderators(ChannelArn=INCIDENT, ChimeBearer=bearer)

    calls = [listing(ADMIN)] * 8 + [listing(ALICE)] * 8
    assert outcomes(calls) == ["ok"] * 15 + ["ThrottledClientException"]


def test_fifteen_listings_a_second_per_user(emulator: EmulatorServer, clock: ManualClock) -> None:
    messaging, _ = clients(emulator)

    def listing(bearer: str) -> Callable[[], Any]:
        return lambda: messaging.list_channel_memberships_for_app_instance_user(
            AppInstanceUserArn=BOB, ChimeBearer=bearer
        )

    calls = [listing(ADMIN)] * 8 + [listing(BOB)] * 8
    assert outcomes(calls) == ["ok"] * 15 + ["ThrottledClientException"]


def test_ten_list_channels_a_second_per_app_instance(
    emulator: EmulatorServer, clock: ManualClock
) -> None:
    messaging, _ = clients(emulator)

    def listing(bearer: str) -> Callable[[], Any]:
        return lambda: messaging.list_channels(AppInstanceArn=INSTANCE, ChimeBearer=bearer)

    calls = [listing(ADMIN)] * 5 + [listing(BOB)] * 5 + [listing(DAVE)]
    assert outcomes(calls) == ["ok"] * 10 + ["ThrottledClientException"]


def test_identity_calls_fifty_a_second_per_account_list_users_ten(
    emulator: EmulatorServer, clock: ManualClock
) -> None:
    _, identity = clients(emulator)
    users = [lambda: identity.list_app_instance_users(AppInstanceArn=INSTANCE)] * 11
    assert outcomes(users) == ["ok"] * 10 + ["ThrottledClientException"]
    describe_user = [lambda: identity.describe_app_instance_user(AppInstanceUserArn=BOB)] * 41
    assert outcomes(describe_user) == ["ok"] * 40 + ["ThrottledClientException"]


def test_the_same_calls_throttle_on_every_run(emulator: EmulatorServer, clock: ManualClock) -> None:
    messaging, _ = clients(emulator)
    runs = []
    for _ in range(2):
        emulator.reset(chat_seed(extra_users=20))
        emulator.set_faults(quotas=True)
        emulator.app.quotas.clock = ManualClock()
        calls = [describe(messaging, bearer, LOBBY) for bearer in (ADMIN, ALICE, BOB) * 12]
        runs.append(outcomes(calls))
    assert runs[0] == runs[1]
    assert runs[0].count("ThrottledClientException") == 6


def test_without_quotas_nothing_is_throttled(emulator: EmulatorServer) -> None:
    emulator.reset(chat_seed())
    emulator.app.quotas.clock = ManualClock()
    messaging, _ = clients(emulator)
    assert outcomes([describe(messaging, ADMIN)] * 30) == ["ok"] * 30


def test_eu_central_1_allows_five_requests_a_second_per_bearer(emulator: EmulatorServer) -> None:
    eu = "arn:aws:chime:eu-central-1:111122223333:app-instance/eu"
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": eu,
                    "admins": ["admin"],
                    "users": [{"id": "admin"}],
                    "channels": [{"name": "c", "id": "c"}],
                }
            ]
        }
    )
    emulator.set_faults(quotas=True)
    emulator.app.quotas.clock = ManualClock()
    # signed for eu-central-1, as AWS's endpoint there takes it (emulator/messaging/regions.py)
    messaging, _ = clients(emulator, region_name="eu-central-1")
    call = lambda: messaging.describe_channel(  # noqa: E731
        ChannelArn=f"{eu}/channel/c", ChimeBearer=f"{eu}/user/admin"
    )
    assert outcomes([call] * 6) == ["ok"] * 5 + ["ThrottledClientException"]
