"""The tool's boto3 clients send the User-Agent botocore itself would send, call after call,
although they build it once per set of features (``aws.CachedUserAgent``)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.context import start_as_current_context
from botocore.useragent import register_feature_id

from reconciler.emulator import EmulatorServer
from reconciler.providers import make_client
from reconciler.providers.aws import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, client_config

pytestmark = pytest.mark.e2e

ACC = "11111111-2222-3333-4444-555555555555"


def sent_user_agents(client: Any) -> list[bytes]:
    """The User-Agent header of every request ``client`` sends from now on."""
    seen: list[bytes] = []

    def grab(request: Any, **_: Any) -> None:
        seen.append(request.headers["User-Agent"])

    client.meta.events.register("before-send", grab)
    return seen


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
    session = boto3.session.Session(
        aws_access_key_id=DUMMY_ACCESS_KEY, aws_secret_access_key=DUMMY_SECRET_KEY
    )
    plain = session.client(
        "chime", region_name="us-east-1", endpoint_url=emulator.url, config=client_config()
    )
    mine, theirs = sent_user_agents(ours), sent_user_agents(plain)
    calls(ours)
    calls(plain)
    assert len(mine) == 5
    assert mine == theirs
    assert b"chime-reconciler/" in mine[0]
    # the paginator's call says so, and the call after it no longer does
    assert mine[3] != mine[4] == mine[1]
