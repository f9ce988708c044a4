"""Parameters in, serialisation out, for ``chime-sdk-messaging`` and ``chime-sdk-identity``
(member names as the botocore models spell them; timestamps as epoch seconds, the
rest-json default)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from reconciler.emulator.errors import BadRequestError
from reconciler.emulator.faults import Decision
from reconciler.emulator.messaging.backend import MessagingBackend
from reconciler.emulator.messaging.quotas import BEARER_HEADER
from reconciler.emulator.messaging.records import (
    AppInstanceBot,
    AppInstanceUser,
    Channel,
    ChannelMembership,
    ElasticConfig,
    Identity,
)
from reconciler.emulator.responses import Request

Reply = tuple[int, dict[str, Any] | None]
Handler = Callable[[MessagingBackend, Request, Decision], Reply]

# -- serialisation -------------------------------------------------------------------------


def epoch(value: datetime) -> float:
    return round(value.timestamp(), 3)


def identity_json(who: Identity) -> dict[str, Any]:
    return {"Arn": who.arn, "Name": who.name}


def summary_json(c: Channel) -> dict[str, Any]:
    """``ChannelSummary``."""
    return {"Name": c.name, "ChannelArn": c.arn, "Mode": c.mode.value, "Privacy": c.privacy.value}


def channel_json(c: Channel) -> dict[str, Any]:
    body = summary_json(c) | {
        "CreatedBy": identity_json(c.created_by),
        "CreatedTimestamp": epoch(c.created),
        "LastUpdatedTimestamp": epoch(c.created),
    }
    if c.elastic is not None:
        body["ElasticChannelConfiguration"] = {
            "MaximumSubChannels": c.elastic.maximum_sub_channels,
            "TargetMembershipsPerSubChannel": c.elastic.target_memberships_per_sub_channel,
            "MinimumMembershipPercentage": c.elastic.minimum_membership_percentage,
        }
    return body


def membership_json(m: ChannelMembership) -> dict[str, Any]:
    return {
        "InvitedBy": identity_json(m.invited_by),
        "Type": m.type.value,
        "Member": identity_json(m.member),
        "ChannelArn": m.channel_arn,
        "CreatedTimestamp": epoch(m.created),
        "LastUpdatedTimestamp": epoch(m.created),
    }


def user_json(u: AppInstanceUser, full: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"AppInstanceUserArn": u.arn, "Name": u.name}
    if full:
        body |= {"CreatedTimestamp": epoch(u.created), "LastUpdatedTimestamp": epoch(u.created)}
    return body


def bot_json(b: AppInstanceBot, full: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {"AppInstanceBotArn": b.arn, "Name": b.name}
    if full:
        body |= {"CreatedTimestamp": epoch(b.created), "LastUpdatedTimestamp": epoch(b.created)}
    return body


def _listing(body: dict[str, Any], token: str | None) -> Reply:
    if token is not None:
        body["NextToken"] = token
    return 200, body


# -- parameters ----------------------------------------------------------------------------


def bearer(req: Request) -> str:
    value = req.headers.get(BEARER_HEADER)
    if value is None or not value.strip():
        raise BadRequestError("ChimeBearer is required.")
    return value


def _max_results(req: Request) -> int | None:
    raw = req.query.get("max-results")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise BadRequestError(f"MaxResults must be an integer, got {raw!r}.") from None


def _required(query: Mapping[str, str], key: str, name: str) -> str:
    value = query.get(key)
    if value is None or not value.strip():
        raise BadRequestError(f"{name} is required.")
    return value


def _string(body: Mapping[str, Any], key: str, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise BadRequestError(f"{key} is required.")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequestError(f"{key} must be a non-empty string.")
    return value


def _strings(body: Mapping[str, Any], key: str, required: bool = False) -> list[str]:
    value = body.get(key)
    if value is None:
        if required:
            raise BadRequestError(f"{key} is required.")
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequestError(f"{key} must be a list of ARNs.")
    return value


def _elastic(body: Mapping[str, Any]) -> ElasticConfig | None:
    raw = body.get("ElasticChannelConfiguration")
    if raw is None:
        return None
    keys = ("MaximumSubChannels", "TargetMembershipsPerSubChannel", "MinimumMembershipPercentage")
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), int) for k in keys):
        raise BadRequestError(f"ElasticChannelConfiguration needs the integers {', '.join(keys)}.")
    config = ElasticConfig(*(int(raw[k]) for k in keys))
    if config.maximum_sub_channels < 2 or config.target_memberships_per_sub_channel < 2:
        raise BadRequestError("MaximumSubChannels and TargetMembershipsPerSubChannel are >= 2.")
    if not 1 <= config.minimum_membership_percentage <= 40:
        raise BadRequestError("MinimumMembershipPercentage must be between 1 and 40.")
    return config


# -- chime-sdk-messaging -------------------------------------------------------------------


def list_channels(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    channels, token = b.list_channels(
        _required(req.query, "app-instance-arn", "AppInstanceArn"),
        bearer(req),
        req.query.get("privacy"),
        _max_results(req),
        req.query.get("next-token"),
    )
    return _listing({"Channels": [summary_json(c) for c in channels]}, token)


def create_channel(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    channel = b.create_channel(
        _string(req.body, "AppInstanceArn", required=True) or "",
        _string(req.body, "Name", required=True) or "",
        bearer(req),
        _string(req.body, "ClientRequestToken", required=True) or "",
        _string(req.body, "Mode"),
        _string(req.body, "Privacy"),
        _string(req.body, "ChannelId"),
        _strings(req.body, "MemberArns"),
        _strings(req.body, "ModeratorArns"),
        _elastic(req.body),
    )
    return 201, {"ChannelArn": channel.arn}


def describe_channel(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    return 200, {"Channel": channel_json(b.describe_channel(req.params["channelArn"], bearer(req)))}


def list_channel_memberships(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    channel = req.params["channelArn"]
    found, token = b.list_channel_memberships(
        channel, bearer(req), req.query.get("type"), _max_results(req), req.query.get("next-token")
    )
    # ChannelMembershipSummary carries the member only: no Type.
    items = [{"Member": identity_json(m.member)} for m in found]
    return _listing({"ChannelArn": channel, "ChannelMemberships": items}, token)


def describe_channel_membership(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    found = b.describe_channel_membership(
        req.params["channelArn"], req.params["memberArn"], bearer(req)
    )
    return 200, {"ChannelMembership": membership_json(found)}


def create_channel_membership(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    found = b.create_channel_membership(
        req.params["channelArn"],
        _string(req.body, "MemberArn", required=True) or "",
        _string(req.body, "Type", required=True),
        bearer(req),
    )
    return 201, {"ChannelArn": found.channel_arn, "Member": identity_json(found.member)}


def batch_create_channel_membership(b: MessagingBackend, req: Request, fate: Decision) -> Reply:
    channel = req.params["channelArn"]
    added, errors, by, kind = b.batch_create_channel_membership(
        channel,
        _strings(req.body, "MemberArns", required=True),
        _string(req.body, "Type"),
        bearer(req),
        fate.item_throttled,
        fate.whole_call_limit,
    )
    return 200, {
        "BatchChannelMemberships": {
            "InvitedBy": identity_json(by),
            "Type": kind.value,
            "Members": [identity_json(m.member) for m in added],
            "ChannelArn": channel,
        },
        "Errors": [
            {"MemberArn": e.member_arn, "ErrorCode": e.code, "ErrorMessage": e.message}
            for e in errors
        ],
    }


def delete_channel_membership(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    b.delete_channel_membership(req.params["channelArn"], req.params["memberArn"], bearer(req))
    return 204, None


def list_channel_moderators(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    channel = req.params["channelArn"]
    found, token = b.list_channel_moderators(
        channel, bearer(req), _max_results(req), req.query.get("next-token")
    )
    items = [{"Moderator": identity_json(g.member)} for g in found]
    return _listing({"ChannelArn": channel, "ChannelModerators": items}, token)


def create_channel_moderator(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    grant = b.create_channel_moderator(
        req.params["channelArn"],
        _string(req.body, "ChannelModeratorArn", required=True) or "",
        bearer(req),
    )
    return 201, {"ChannelArn": grant.channel_arn, "ChannelModerator": identity_json(grant.member)}


def delete_channel_moderator(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    b.delete_channel_moderator(
        req.params["channelArn"], req.params["channelModeratorArn"], bearer(req)
    )
    return 204, None


def list_channel_bans(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    channel = req.params["channelArn"]
    found, token = b.list_channel_bans(
        channel, bearer(req), _max_results(req), req.query.get("next-token")
    )
    items = [{"Member": identity_json(g.member)} for g in found]
    return _listing({"ChannelArn": channel, "ChannelBans": items}, token)


def create_channel_ban(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    grant = b.create_channel_ban(
        req.params["channelArn"], _string(req.body, "MemberArn", required=True) or "", bearer(req)
    )
    return 201, {"ChannelArn": grant.channel_arn, "Member": identity_json(grant.member)}


def delete_channel_ban(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    b.delete_channel_ban(req.params["channelArn"], req.params["memberArn"], bearer(req))
    return 204, None


def list_memberships_for_user(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    found, token = b.list_memberships_for_user(
        req.query.get("app-instance-user-arn"),
        bearer(req),
        _max_results(req),
        req.query.get("next-token"),
    )
    items = [
        {"ChannelSummary": summary_json(c), "AppInstanceUserMembershipSummary": {"Type": t.value}}
        for c, t in found
    ]
    return _listing({"ChannelMemberships": items}, token)


def list_channels_moderated_by_user(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    found, token = b.list_channels_moderated_by_user(
        req.query.get("app-instance-user-arn"),
        bearer(req),
        _max_results(req),
        req.query.get("next-token"),
    )
    return _listing({"Channels": [{"ChannelSummary": summary_json(c)} for c in found]}, token)


# -- chime-sdk-identity --------------------------------------------------------------------


def list_app_instance_users(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    arn = _required(req.query, "app-instance-arn", "AppInstanceArn")
    users, token = b.list_app_instance_users(arn, _max_results(req), req.query.get("next-token"))
    return _listing(
        {"AppInstanceArn": arn, "AppInstanceUsers": [user_json(u) for u in users]}, token
    )


def describe_app_instance_user(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    user = b.describe_app_instance_user(req.params["appInstanceUserArn"])
    return 200, {"AppInstanceUser": user_json(user, full=True)}


def list_app_instance_bots(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    arn = _required(req.query, "app-instance-arn", "AppInstanceArn")
    bots, token = b.list_app_instance_bots(arn, _max_results(req), req.query.get("next-token"))
    return _listing({"AppInstanceArn": arn, "AppInstanceBots": [bot_json(x) for x in bots]}, token)


def describe_app_instance_bot(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    bot = b.describe_app_instance_bot(req.params["appInstanceBotArn"])
    return 200, {"AppInstanceBot": bot_json(bot, full=True)}


def list_app_instance_admins(b: MessagingBackend, req: Request, _: Decision) -> Reply:
    arn = req.params["appInstanceArn"]
    admins, token = b.list_app_instance_admins(arn, _max_results(req), req.query.get("next-token"))
    items = [{"Admin": identity_json(a)} for a in admins]
    return _listing({"AppInstanceArn": arn, "AppInstanceAdmins": items}, token)
