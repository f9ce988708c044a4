"""The messaging emulator against botocore's `chime-sdk-messaging` and
`chime-sdk-identity` models: routes, status codes, page limits, errors, response members."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from messaging_seeds import ADMIN, BOB, CAROL, DAVE, INCIDENT, INSTANCE, MALLORY, PAGER, chat_seed
from test_emulator_model import ERRORS, undeclared_members

from reconciler.emulator import EmulatorServer, errors
from reconciler.emulator.messaging.limits import PAGE
from reconciler.emulator.messaging.urls import IDENTITY_OPERATIONS
from reconciler.emulator.messaging.urls import MESSAGING_ROUTES as ROUTES

_SESSION = boto3.session.Session()
MESSAGING = _SESSION.client("chime-sdk-messaging", region_name="us-east-1").meta.service_model
IDENTITY = _SESSION.client("chime-sdk-identity", region_name="us-east-1").meta.service_model


def model(operation: str) -> Any:
    return (IDENTITY if operation in IDENTITY_OPERATIONS else MESSAGING).operation_model(operation)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation)
def test_routes_match_the_models_http_bindings(route: Any) -> None:
    http = model(route.operation).http
    query = f"?{route.query_key}={route.query_operation}" if route.query_operation else ""
    assert (route.method, route.template + query) == (http["method"], http["requestUri"])


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation)
def test_every_list_pages_as_the_model_says(route: Any) -> None:
    members = model(route.operation).input_shape.members
    if "MaxResults" in members:
        shape = members["MaxResults"]
        assert (PAGE.minimum, PAGE.maximum) == (shape.metadata["min"], shape.metadata["max"])
        assert members["NextToken"].serialization["name"] == "next-token"


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.name)
def test_error_classes_match_both_models(error: type[errors.ChimeError]) -> None:
    for service in (MESSAGING, IDENTITY):
        shape = service.shape_for(error.name)
        assert shape.metadata["error"]["httpStatusCode"] == error.status
        assert error.code in shape.members["Code"].enum


def _ch(suffix: str = "") -> str:
    return f"/channels/{quote(INCIDENT, safe='')}{suffix}"


CALLS = [
    ("ListChannels", "GET", f"/channels?app-instance-arn={quote(INSTANCE, safe='')}", None),
    (
        "CreateChannel",
        "POST",
        "/channels",
        {"AppInstanceArn": INSTANCE, "Name": "n", "ClientRequestToken": "tok"},
    ),
    ("DescribeChannel", "GET", _ch(), None),
    ("ListChannelMemberships", "GET", _ch("/memberships?type=HIDDEN"), None),
    ("DescribeChannelMembership", "GET", _ch(f"/memberships/{quote(CAROL, safe='')}"), None),
    (
        "CreateChannelMembership",
        "POST",
        _ch("/memberships"),
        {"MemberArn": DAVE, "Type": "DEFAULT"},
    ),
    (
        "BatchCreateChannelMembership",
        "POST",
        _ch("/memberships?operation=batch-create"),
        {"MemberArns": [DAVE, MALLORY]},
    ),
    ("DeleteChannelMembership", "DELETE", _ch(f"/memberships/{quote(BOB, safe='')}"), None),
    ("ListChannelModerators", "GET", _ch("/moderators"), None),
    ("CreateChannelModerator", "POST", _ch("/moderators"), {"ChannelModeratorArn": BOB}),
    ("DeleteChannelModerator", "DELETE", _ch(f"/moderators/{quote(BOB, safe='')}"), None),
    ("ListChannelBans", "GET", _ch("/bans"), None),
    ("CreateChannelBan", "POST", _ch("/bans"), {"MemberArn": DAVE}),
    ("DeleteChannelBan", "DELETE", _ch(f"/bans/{quote(MALLORY, safe='')}"), None),
    (
        "ListChannelMembershipsForAppInstanceUser",
        "GET",
        f"/channels?scope=app-instance-user-memberships&app-instance-user-arn={quote(BOB)}",
        None,
    ),
    (
        "ListChannelsModeratedByAppInstanceUser",
        "GET",
        "/channels?scope=app-instance-user-moderated-channels",
        None,
    ),
    ("ListAppInstanceUsers", "GET", f"/app-instance-users?app-instance-arn={INSTANCE}", None),
    ("DescribeAppInstanceUser", "GET", f"/app-instance-users/{quote(BOB, safe='')}", None),
    ("ListAppInstanceBots", "GET", f"/app-instance-bots?app-instance-arn={INSTANCE}", None),
    ("DescribeAppInstanceBot", "GET", f"/app-instance-bots/{quote(PAGER, safe='')}", None),
    ("ListAppInstanceAdmins", "GET", f"/app-instances/{quote(INSTANCE, safe='')}/admins", None),
]


@pytest.mark.parametrize(("operation", "method", "path", "body"), CALLS, ids=lambda c: str(c))
def test_responses_use_the_models_status_and_member_names(
    emulator: EmulatorServer, operation: str, method: str, path: str, body: Any
) -> None:
    emulator.reset(chat_seed())
    headers = {"X-Amz-Chime-Bearer": ADMIN}
    response = emulator.app.handle(
        method, path, json.dumps(body).encode() if body else b"", headers
    )
    op = model(operation)
    assert response.status == op.http.get("responseCode", 200), response.body
    if response.body:
        payload = json.loads(response.body)
        assert payload, "an empty response document"
        assert undeclared_members(payload, op.output_shape, operation) == []
    assert emulator.calls() == {operation: 1}


def test_every_route_is_exercised() -> None:
    assert sorted(c[0] for c in CALLS) == sorted(r.operation for r in ROUTES)
