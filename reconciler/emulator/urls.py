"""Routes as data (moto's ``urls.py``): method, URI template from the botocore model, the
``operation`` querystring some share a path with, the operation name and its handler."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from reconciler.emulator import responses
from reconciler.emulator.responses import Handler


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation: str
    handler: Handler
    query_operation: str | None = None
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Empty labels match too (botocore sends GET /accounts/ for AccountId=""): the
        # operation is known, and the app answers BadRequestException for the blank id.
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]*)", re.escape(self.template))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def match(self, method: str, path: str, query: Mapping[str, str]) -> dict[str, str] | None:
        """The URI labels (percent-decoded) if this route serves the request, else None."""
        if method != self.method:
            return None
        if self.query_operation is not None and query.get("operation") != self.query_operation:
            return None
        found = self.pattern.match(path)
        if found is None:
            return None
        return {k: unquote(v) for k, v in found.groupdict().items()}


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
)

OPERATIONS: tuple[str, ...] = tuple(r.operation for r in ROUTES)


def blank_label(params: Mapping[str, str]) -> str | None:
    """The model's name (``AccountId``) of the first URI label that is empty or blank: the
    model's pattern ``.*\\S.*`` refuses those."""
    for label, value in params.items():
        if not value.strip():
            return label[:1].upper() + label[1:]
    return None


def resolve(
    method: str, path: str, query: Mapping[str, str]
) -> tuple[Route, dict[str, str]] | None:
    for route in ROUTES:
        params = route.match(method, path, query)
        if params is not None:
            return route, params
    return None
