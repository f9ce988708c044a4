"""The tool's clients send the User-Agent botocore itself would send, call after call,
although they build it once per set of features (``aws.CachedUserAgent``); and, made
without importing boto3 (``aws.make_client``), the requests a boto3 client sends."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from botocore.context import start_as_current_context
from botocore.useragent import register_feature_id

from reconciler.awsclient.aws import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, client_config
from reconciler.emulator import EmulatorServer
from reconciler.providers import make_client

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"


def sent_user_agents(client: Any) -> list[bytes]:
    """The User-Agent header of every request ``client`` sends from now on."""
    seen: list[bytes] = []

    def grab(request: Any, **_: Any) -> None:
        seen.append(request.headers["User-Agent"])

    client.meta.events.register("before-send", grab)
    return seen


def sent_requests(client: Any) -> list[tuple[str, str, dict[str, str], bytes]]:
    """Every request ``client`` sends from now on: method, URL, headers and body, less what
    differs from one request to the next (the time, the signature, the invocation id)."""
    seen: list[tuple[str, str, dict[str, str], bytes]] = []

    def grab(request: Any, **_: Any) -> None:
        headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        for varying in ("X-Amz-Date", "amz-sdk-invocation-id"):
            assert headers.pop(varying)
        headers["Authorization"] = re.sub(
            r"/\d{8}/|Signature=\w+", "", headers["Authorization"]
        )  # the scope (key, region, service) and the signed headers are compared
        seen.append((request.method, request.url, headers, request.body or b""))

    client.meta.events.register("before-send", grab)
    return seen


def boto3_client(url: str, service: str = "chime") -> Any:
    """The client boto3 itself makes, as the tool configures it."""
    session = boto3.session.Session(
        aws_access_key_id=DUMMY_ACCESS_KEY, aws_secret_access_key=DUMMY_SECRET_KEY
    )
    return session.client(
        service,
        region_name="us-east-1",
        endpoint_url=url,
        config=client_config(validate=service != "chime"),
    )


def calls(client: Any) -> None:
    """The same requests, answered and failing, some made with a feature in use."""
    client.list_accounts()
    client.list_rooms(AccountId=ACC, MaxResults=5)
    with pytest.raises(client.exceptions.NotFoundException):
        client.list_room_memberships(AccountId=ACC, RoomId="no-such-room")
    with start_as_current_context():
        register_feature_id("PAGINATOR")  # as a paginator would, for this call only
        client.list_rooms(AccountId=ACC)
    client.list_rooms(AccountId=ACC)


def test_every_request_carries_the_user_agent_botocore_builds(emulator: EmulatorServer) -> None:
    emulator.reset({"accounts": [{"id": ACC, "name": "A"}]})
    ours = make_client("chime", endpoint_url=emulator.url)
    plain = boto3_client(emulator.url)
    mine, theirs = sent_user_agents(ours), sent_user_agents(plain)
    calls(ours)
    calls(plain)
    assert len(mine) == 5
    assert mine == theirs
    assert b"chime-reconciler/" in mine[0]
    # the paginator's call says so, and the call after it no longer does
    assert mine[3] != mine[4] == mine[1]


def test_the_requests_are_the_ones_a_boto3_client_sends(emulator: EmulatorServer) -> None:
    emulator.reset({"accounts": [{"id": ACC, "name": "A"}]})
    ours, plain = make_client("chime", endpoint_url=emulator.url), boto3_client(emulator.url)
    mine, theirs = sent_requests(ours), sent_requests(plain)
    for client in (ours, plain):
        calls(client)
        with pytest.raises(client.exceptions.NotFoundException):  # a request with a body
            client.batch_create_room_membership(
                AccountId=ACC, RoomId="r1", MembershipItemList=[{"MemberId": "m1"}]
            )
    assert len(mine) == 6
    assert mine == theirs
    method, url, headers, _ = mine[1]
    assert (method, url) == ("GET", f"{emulator.url}/accounts/{ACC}/rooms?max-results=5")
    assert headers["Authorization"].startswith(
        f"AWS4-HMAC-SHA256 Credential={DUMMY_ACCESS_KEY}us-east-1/chime/aws4_request"
    )
    assert headers["User-Agent"].startswith("Boto3/")
    assert mine[5][3] == b'{"MembershipItemList": [{"MemberId": "m1"}]}'
