"""``chime-sdk-messaging`` and ``chime-sdk-identity`` routes as data (``routing.Route``):
method, URI template and fixed querystring from the botocore models, operation, handler,
and the rate quotas of each (``quotas.py``). Labels hold ARNs, which botocore
percent-encodes whole (``/`` as ``%2F``)."""

from __future__ import annotations

from reconciler.emulator.messaging import quotas as q
from reconciler.emulator.messaging import responses as r
from reconciler.emulator.quotas import Quota
from reconciler.emulator.routing import AnyHandler, Route

SERVICE = "messaging"
_CH = "/channels/{channelArn}"


def _route(
    method: str,
    template: str,
    operation: str,
    handler: AnyHandler,
    quotas: tuple[Quota, ...] = (),
    query: tuple[str, str] | None = None,
) -> Route:
    """A messaging route: every call also counts against its bearer's quota."""
    key, value = query or ("operation", None)
    return Route(
        method,
        template,
        operation,
        handler,
        query_operation=value,
        query_key=key,
        service=SERVICE,
        quotas=(*q.BEARER, *quotas),
    )


def _identity(template: str, operation: str, handler: AnyHandler, *quotas: Quota) -> Route:
    """An identity route: IAM only, no bearer."""
    return Route(
        "GET", template, operation, handler, service=SERVICE, quotas=(*q.IDENTITY, *quotas)
    )


MESSAGING_ROUTES: tuple[Route, ...] = (
    _route(
        "GET",
        "/channels",
        "ListChannelMembershipsForAppInstanceUser",
        r.list_memberships_for_user,
        q.USER_LIST,
        ("scope", "app-instance-user-memberships"),
    ),
    _route(
        "GET",
        "/channels",
        "ListChannelsModeratedByAppInstanceUser",
        r.list_channels_moderated_by_user,
        q.USER_LIST,
        ("scope", "app-instance-user-moderated-channels"),
    ),
    _route("GET", "/channels", "ListChannels", r.list_channels, q.CHANNELS_LIST),
    _route("POST", "/channels", "CreateChannel", r.create_channel),
    _route("GET", _CH, "DescribeChannel", r.describe_channel),
    _route(
        "POST",
        _CH + "/memberships",
        "BatchCreateChannelMembership",
        r.batch_create_channel_membership,
        q.BATCH,
        ("operation", "batch-create"),
    ),
    _route(
        "POST",
        _CH + "/memberships",
        "CreateChannelMembership",
        r.create_channel_membership,
        q.MUTATION,
    ),
    _route(
        "GET",
        _CH + "/memberships",
        "ListChannelMemberships",
        r.list_channel_memberships,
        q.CHANNEL_LIST,
    ),
    _route(
        "GET",
        _CH + "/memberships/{memberArn}",
        "DescribeChannelMembership",
        r.describe_channel_membership,
    ),
    _route(
        "DELETE",
        _CH + "/memberships/{memberArn}",
        "DeleteChannelMembership",
        r.delete_channel_membership,
        q.MUTATION,
    ),
    _route(
        "GET",
        _CH + "/moderators",
        "ListChannelModerators",
        r.list_channel_moderators,
        q.CHANNEL_LIST,
    ),
    _route(
        "POST",
        _CH + "/moderators",
        "CreateChannelModerator",
        r.create_channel_moderator,
        q.MUTATION,
    ),
    _route(
        "DELETE",
        _CH + "/moderators/{channelModeratorArn}",
        "DeleteChannelModerator",
        r.delete_channel_moderator,
        q.MUTATION,
    ),
    _route("GET", _CH + "/bans", "ListChannelBans", r.list_channel_bans, q.CHANNEL_LIST),
    _route("POST", _CH + "/bans", "CreateChannelBan", r.create_channel_ban, q.MUTATION),
    _route(
        "DELETE", _CH + "/bans/{memberArn}", "DeleteChannelBan", r.delete_channel_ban, q.MUTATION
    ),
    _identity(
        "/app-instance-users", "ListAppInstanceUsers", r.list_app_instance_users, *q.LIST_USERS
    ),
    _identity(
        "/app-instance-users/{appInstanceUserArn}",
        "DescribeAppInstanceUser",
        r.describe_app_instance_user,
    ),
    _identity("/app-instance-bots", "ListAppInstanceBots", r.list_app_instance_bots),
    _identity(
        "/app-instance-bots/{appInstanceBotArn}",
        "DescribeAppInstanceBot",
        r.describe_app_instance_bot,
    ),
    _identity(
        "/app-instances/{appInstanceArn}/admins",
        "ListAppInstanceAdmins",
        r.list_app_instance_admins,
    ),
)

IDENTITY_OPERATIONS = frozenset(
    route.operation for route in MESSAGING_ROUTES if route.template.startswith("/app-instance")
)
