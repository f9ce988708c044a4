"""AWS's documented rate quotas of Chime SDK messaging and identity, as data for the routes
(``reconciler.emulator.quotas``: one token bucket per key, holding one second's worth;
enforced with ``--quotas`` or ``POST /_emulator/faults {"quotas": true}``; over a quota:
429 ThrottledClientException).

| quota | rate |
| --- | --- |
| every messaging call, per bearer | 10/s (5/s in eu-central-1) |
| BatchCreateChannelMembership, per channel | 1/s |
| membership, moderator and ban creates and deletes, per channel | 15/s (10/s eu-central-1) |
| ListChannelMemberships, ListChannelModerators, ListChannelBans, per channel | 15/s |
| the per-user listings, per user | 15/s |
| ListChannels, per app instance | 10/s |
| identity calls, per AWS account | 50/s; ListAppInstanceUsers 10/s |
"""

from __future__ import annotations

from collections.abc import Callable

from reconciler.emulator.messaging.arns import account_of, parent_instance, region_of
from reconciler.emulator.quotas import KeyOf, Quota
from reconciler.emulator.responses import Request

EU = "eu-central-1"
BEARER_HEADER = "x-amz-chime-bearer"


def _bearer(request: Request) -> str:
    return request.headers.get(BEARER_HEADER, "")


def _in(eu: bool, key: Callable[[Request], str]) -> KeyOf:
    """``key`` for requests in eu-central-1 (``eu``) or elsewhere; None for the others."""

    def pick(operation: str, request: Request) -> str | None:
        value = key(request)
        return value if (region_of(value) == EU) == eu else None

    return pick


def _channel(request: Request) -> str:
    return request.params.get("channelArn", "")


def _user(request: Request) -> str:
    return request.query.get("app-instance-user-arn") or _bearer(request)


def _instance(request: Request) -> str:
    return request.query.get("app-instance-arn") or parent_instance(_bearer(request)) or ""


def _account(request: Request) -> str:
    arn = next(iter(request.params.values()), None) or request.query.get("app-instance-arn", "")
    return account_of(arn)


BEARER = (
    Quota(10, _in(False, _bearer), "bearer"),
    Quota(5, _in(True, _bearer), "bearer"),
)
BATCH = (Quota(1, lambda _, r: _channel(r), "channel (batch calls)"),)
MUTATION = (
    Quota(15, _in(False, _channel), "channel (membership, moderator and ban changes)"),
    Quota(10, _in(True, _channel), "channel (membership, moderator and ban changes)"),
)
CHANNEL_LIST = (Quota(15, lambda _, r: _channel(r), "channel (list calls)"),)
USER_LIST = (Quota(15, lambda _, r: _user(r), "user"),)
CHANNELS_LIST = (Quota(10, lambda _, r: _instance(r), "app instance"),)
IDENTITY = (Quota(50, lambda _, r: _account(r), "AWS account (identity calls)"),)
LIST_USERS = (Quota(10, lambda _, r: _account(r), "AWS account (ListAppInstanceUsers)"),)
