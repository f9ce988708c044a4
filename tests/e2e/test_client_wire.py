"""What the tool's clients put on the wire is byte for byte what stock boto3 sends (same
request line, headers in the same order, signature, body), although they sign with less
CPU (``providers/signing.py``). A proxy in front of the emulator records every request;
the clock and the invocation ids are fixed, so that two runs may be compared. (The
response headers are parsed alike by both clients here, ``httpheaders.py`` being
installed for the process: ``tests/unit/test_httpheaders.py`` compares it with
http.client's own.)"""

from __future__ import annotations

import datetime
import socket
import socketserver
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.auth
import pytest
from conftest import ACCOUNT, seed_doc

from reconciler.emulator import EmulatorServer
from reconciler.providers import make_client
from reconciler.providers.aws import DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY, client_config
from reconciler.providers.signing import SIGNATURE_VERSION

pytestmark = pytest.mark.e2e

NOW = datetime.datetime(2026, 12, 1, 18, 30, 5)
VOLATILE = {"date", "x-amzn-requestid"}  # response headers that differ from run to run


def _read_message(stream: Any) -> bytes:
    """One HTTP message (head and Content-Length body) from a file; b"" at the end."""
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        line = stream.readline()
        if not line:
            return b""
        head += line
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return head + stream.read(length)


class Recorder:
    """A proxy that forwards each connection to the emulator and keeps every request."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.requests: list[bytes] = []
        recorder = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                with socket.create_connection(upstream) as up, up.makefile("rb") as answers:
                    while request := _read_message(self.rfile):
                        recorder.requests.append(request)
                        up.sendall(request)
                        self.wfile.write(_read_message(answers))

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder(emulator: EmulatorServer) -> Iterator[Recorder]:
    host, port = emulator.url.removeprefix("http://").split(":")
    proxy = Recorder((host, int(port)))
    yield proxy
    proxy.close()


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """The signing clock fixed; invocation ids counted from 1 again on each call."""
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: NOW)
    counter = iter(())

    def restart() -> None:
        nonlocal counter
        counter = iter(range(1, 1_000_000))

    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))
    restart()
    return restart


def stock(service: str, url: str) -> Any:
    """A plain boto3 client with the tool's configuration and nothing else."""
    session = boto3.session.Session(
        aws_access_key_id=DUMMY_ACCESS_KEY, aws_secret_access_key=DUMMY_SECRET_KEY
    )
    return session.client(
        service, region_name="us-east-1", endpoint_url=url, config=client_config()
    )


def rooms_calls(client: Any) -> list[dict[str, Any]]:
    """Reads, paged and failing, and every kind of write, as the tool makes them."""
    answers = [
        client.list_accounts(MaxResults=200),
        client.list_rooms(AccountId=ACCOUNT, MaxResults=1),
        client.list_room_memberships(AccountId=ACCOUNT, RoomId="room-ops", MaxResults=99),
        client.list_users(AccountId=ACCOUNT, UserEmail="bob@example.com"),
        client.batch_create_room_membership(
            AccountId=ACCOUNT,
            RoomId="room-ops",
            MembershipItemList=[
                {"MemberId": "uid-bob", "Role": "Member"},
                {"MemberId": "uid-nobody", "Role": "Administrator"},
            ],
        ),
        client.update_room_membership(
            AccountId=ACCOUNT, RoomId="room-ops", MemberId="uid-bob", Role="Administrator"
        ),
        client.delete_room_membership(AccountId=ACCOUNT, RoomId="room-ops", MemberId="uid-ann"),
    ]
    with pytest.raises(client.exceptions.NotFoundException) as missing:
        client.list_room_memberships(AccountId=ACCOUNT, RoomId="no such room/?&")
    return [*answers, missing.value.response]


def headers_seen(answers: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {k: v for k, v in answer["ResponseMetadata"]["HTTPHeaders"].items() if k not in VOLATILE}
        for answer in answers
    ]


def test_rooms_requests_are_the_bytes_stock_boto3_sends(
    emulator: EmulatorServer, recorder: Recorder, frozen: Callable[[], None]
) -> None:
    seed = seed_doc(users=["ann", "bob"], rooms={"ops": [("ann", "Member")], "dev": []})
    emulator.reset(seed)
    client = make_client("chime", endpoint_url=recorder.url)
    signers: list[str] = []
    client.meta.events.register("before-sign", lambda **kw: signers.append(kw["signature_version"]))
    ours = rooms_calls(client)
    mine, recorder.requests = recorder.requests, []
    emulator.reset(seed)
    frozen()
    theirs = rooms_calls(stock("chime", recorder.url))
    assert len(mine) == 8
    assert signers == [SIGNATURE_VERSION] * 8  # signed by CachedSigV4Auth
    assert mine == recorder.requests
    assert b"Authorization: AWS4-HMAC-SHA256 Credential=" in mine[0]
    assert b"/rooms/no%20such%20room%2F%3F%26/memberships" in mine[-1]
    assert headers_seen(ours) == headers_seen(theirs)
    assert [a["ResponseMetadata"]["HTTPStatusCode"] for a in ours] == [
        200, 200, 200, 200, 201, 200, 204, 404,
    ]  # fmt: skip


def test_meetings_requests_are_the_bytes_stock_boto3_sends(
    emulator: EmulatorServer, recorder: Recorder, frozen: Callable[[], None]
) -> None:
    meeting = "6f1c2a9e-0000-4000-8000-000000000001"
    seed = {"meetings": [{"id": meeting, "external_meeting_id": "incident-42", "attendees": []}]}

    def calls(client: Any) -> None:
        client.batch_create_attendee(
            MeetingId=meeting,
            Attendees=[{"ExternalUserId": "ann@example.com", "Capabilities": {
                "Audio": "Receive", "Video": "Receive", "Content": "Receive"}}],
        )  # fmt: skip
        client.list_attendees(MeetingId=meeting, MaxResults=100)

    emulator.reset(seed)
    calls(make_client("chime-sdk-meetings", endpoint_url=recorder.url))
    mine, recorder.requests = recorder.requests, []
    emulator.reset(seed)
    frozen()
    calls(stock("chime-sdk-meetings", recorder.url))
    assert len(mine) == 2
    assert mine == recorder.requests


def test_messaging_requests_are_the_bytes_stock_boto3_sends(
    emulator: EmulatorServer, recorder: Recorder, frozen: Callable[[], None]
) -> None:
    instance = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
    bearer, alice = f"{instance}/user/reconciler", f"{instance}/user/alice"
    channel = f"{instance}/channel/ops"
    seed = {
        "app_instances": [
            {
                "arn": instance,
                "name": "chat",
                "admins": ["reconciler"],
                "users": [{"id": "reconciler"}, {"id": "alice"}],
                "channels": [{"name": "ops", "id": "ops", "members": ["reconciler"]}],
            }
        ]
    }

    def calls(client: Any) -> None:
        client.batch_create_channel_membership(
            ChannelArn=channel, MemberArns=[alice], Type="HIDDEN", ChimeBearer=bearer
        )
        client.list_channel_memberships(ChannelArn=channel, MaxResults=50, ChimeBearer=bearer)
        client.delete_channel_membership(ChannelArn=channel, MemberArn=alice, ChimeBearer=bearer)

    emulator.reset(seed)
    client = make_client("chime-sdk-messaging", endpoint_url=recorder.url)
    signers: list[str] = []
    client.meta.events.register("before-sign", lambda **kw: signers.append(kw["signature_version"]))
    calls(client)
    mine, recorder.requests = recorder.requests, []
    emulator.reset(seed)
    frozen()
    calls(stock("chime-sdk-messaging", recorder.url))
    assert len(mine) == 3
    assert signers == [SIGNATURE_VERSION] * 3
    assert b"x-amz-chime-bearer: " + bearer.encode() in mine[0]
    assert mine == recorder.requests
