"""The emulator against the botocore `chime` model: routes, status codes, page limits,
error shapes, and response members."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from emulator_seeds import ACCOUNT, small_seed

from reconciler.emulator import EmulatorServer, errors
from reconciler.emulator.paging import (
    ACCOUNTS_PAGE,
    BOTS_PAGE,
    MEMBERSHIPS_PAGE,
    ROOMS_PAGE,
    USERS_PAGE,
    PageLimit,
)
from reconciler.emulator.urls import ROUTES

MODEL = boto3.session.Session().client("chime", region_name="us-east-1").meta.service_model
# Each route's service (``Route.service``) -> its botocore model.
MODELS = {
    "chime": MODEL,
    "meetings": boto3.session.Session()
    .client("chime-sdk-meetings", region_name="us-east-1")
    .meta.service_model,
}


# Messaging and identity routes (two models behind one service) are checked in
# test_messaging_model.py.
@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.service in MODELS], ids=lambda r: r.operation
)
def test_routes_match_the_models_http_bindings(route: Any) -> None:
    http = MODELS[route.service].operation_model(route.operation).http
    query = f"?operation={route.query_operation}" if route.query_operation else ""
    assert (route.method, route.template + query) == (http["method"], http["requestUri"])


@pytest.mark.parametrize(
    ("operation", "limit"),
    [
        ("ListAccounts", ACCOUNTS_PAGE),
        ("ListUsers", USERS_PAGE),
        ("ListBots", BOTS_PAGE),
        ("ListRooms", ROOMS_PAGE),
        ("ListRoomMemberships", MEMBERSHIPS_PAGE),
    ],
)
def test_page_limits_are_the_models(operation: str, limit: PageLimit) -> None:
    shape = MODEL.operation_model(operation).input_shape.members["MaxResults"]
    assert (limit.minimum, limit.maximum) == (shape.metadata["min"], shape.metadata["max"])
    assert limit.minimum <= limit.default <= limit.maximum


ERRORS = [
    errors.BadRequestError,
    errors.UnauthorizedClientError,
    errors.ForbiddenError,
    errors.NotFoundError,
    errors.ConflictError,
    errors.ResourceLimitExceededError,
    errors.ThrottledClientError,
    errors.ServiceFailureError,
    errors.ServiceUnavailableError,
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.name)
def test_error_classes_match_the_models_error_shapes(error: type[errors.ChimeError]) -> None:
    shape = MODEL.shape_for(error.name)
    assert shape.metadata["error"]["httpStatusCode"] == error.status
    assert error.code in shape.members["Code"].enum


def undeclared_members(value: Any, shape: Any, where: str) -> list[str]:
    """Paths in ``value`` that the output ``shape`` does not declare."""
    if shape.type_name == "structure":
        found = []
        for key, item in value.items():
            if key not in shape.members:
                found.append(f"{where}.{key}")
            else:
                found += undeclared_members(item, shape.members[key], f"{where}.{key}")
        return found
    if shape.type_name == "list":
        return [p for i, v in enumerate(value) for p in undeclared_members(v, shape.member, where)]
    return []


CALLS = [
    ("ListAccounts", "GET", "/accounts", None),
    ("GetAccount", "GET", f"/accounts/{ACCOUNT}", None),
    ("ListUsers", "GET", f"/accounts/{ACCOUNT}/users", None),
    ("GetUser", "GET", f"/accounts/{ACCOUNT}/users/alice-id", None),
    ("ListBots", "GET", f"/accounts/{ACCOUNT}/bots", None),
    ("ListRooms", "GET", f"/accounts/{ACCOUNT}/rooms?max-results=1", None),
    ("GetRoom", "GET", f"/accounts/{ACCOUNT}/rooms/room-0000", None),
    ("ListRoomMemberships", "GET", f"/accounts/{ACCOUNT}/rooms/room-0000/memberships", None),
    (
        "CreateRoomMembership",
        "POST",
        f"/accounts/{ACCOUNT}/rooms/room-0000/memberships",
        {"MemberId": "carol-id"},
    ),
    (
        "BatchCreateRoomMembership",
        "POST",
        f"/accounts/{ACCOUNT}/rooms/room-0000/memberships?operation=batch-create",
        {"MembershipItemList": [{"MemberId": "ghost"}]},
    ),
    (
        "UpdateRoomMembership",
        "POST",
        f"/accounts/{ACCOUNT}/rooms/room-0000/memberships/bob-id",
        {"Role": "Administrator"},
    ),
    (
        "DeleteRoomMembership",
        "DELETE",
        f"/accounts/{ACCOUNT}/rooms/room-0000/memberships/bob-id",
        None,
    ),
]


@pytest.mark.parametrize(("operation", "method", "path", "body"), CALLS, ids=lambda c: str(c))
def test_responses_use_the_models_status_and_member_names(
    emulator: EmulatorServer, operation: str, method: str, path: str, body: Any
) -> None:
    emulator.reset(small_seed())
    response = emulator.app.handle(method, path, json.dumps(body).encode() if body else b"")
    op = MODEL.operation_model(operation)
    assert response.status == op.http.get("responseCode", 200)
    assert dict(response.headers)["Content-Length"] == str(len(response.body))
    if response.body:
        payload = json.loads(response.body)
        assert payload, "an empty response document"
        assert undeclared_members(payload, op.output_shape, operation) == []
    assert emulator.calls() == {operation: 1}
