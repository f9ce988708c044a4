"""Routes as data (moto's ``urls.py``): the ``chime`` API's, then every other service's
(``Route`` is in ``routing``)."""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.emulator import responses
from reconciler.emulator.meetings.urls import MEETINGS_ROUTES
from reconciler.emulator.messaging.urls import MESSAGING_ROUTES
from reconciler.emulator.routing import Route, blank_label

__all__ = ["OPERATIONS", "ROUTES", "Route", "blank_label", "resolve"]

_ACCOUNT = "/accounts/{accountId}"
_ROOM = _ACCOUNT + "/rooms/{roomId}"

ROUTES: tuple[Route, ...] = (
    Route("GET", "/accounts", "ListAccounts", responses.list_accounts),
    Route("GET", _ACCOUNT, "GetAccount", responses.get_account),
    Route("GET", _ACCOUNT + "/users", "ListUsers", responses.list_users),
    Route("GET", _ACCOUNT + "/users/{userId}", "GetUser", responses.get_user),
    Route("GET", _ACCOUNT + "/bots", "ListBots", responses.list_bots),
    Route("GET", _ACCOUNT + "/rooms", "ListRooms", responses.list_rooms),
    Route("GET", _ROOM, "GetRoom", responses.get_room),
    Route("GET", _ROOM + "/memberships", "ListRoomMemberships", responses.list_room_memberships),
    Route(
        "POST",
        _ROOM + "/memberships",
        "BatchCreateRoomMembership",
        responses.batch_create_room_membership,
        query_operation="batch-create",
    ),
    Route("POST", _ROOM + "/memberships", "CreateRoomMembership", responses.create_room_membership),
    Route(
        "POST",
        _ROOM + "/memberships/{memberId}",
        "UpdateRoomMembership",
        responses.update_room_membership,
    ),
    Route(
        "DELETE",
        _ROOM + "/memberships/{memberId}",
        "DeleteRoomMembership",
        responses.delete_room_membership,
    ),
    *MEETINGS_ROUTES,
    *MESSAGING_ROUTES,
)

OPERATIONS: tuple[str, ...] = tuple(r.operation for r in ROUTES)


def resolve(
    method: str, path: str, query: Mapping[str, str]
) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        params = route.match(method, path, query)
        if params is not None:
            return route, params
    return None
