"""What the tool's clients put on the wire is byte for byte what stock boto3 sends (same
request line, headers in the same order, signature, body), although they sign with less
CPU (``awsclient/signing.py``). A proxy in front of the emulator records every request;
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

from reconciler.awsclient.aws import (
    CONNECT_TIMEOUT,
    DUMMY_ACCESS_KEY,
    DUMMY_SECRET_KEY,
    READ_TIMEOUT,
    client_config,
)
from reconciler.awsclient.signing import SIGNATURE_VERSION
from reconciler.cli.context import AppContext
from reconciler.emulator import EmulatorServer
from reconciler.providers import make_client

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
        # close()'s shutdown() waits for the serving loop's next look: 10 ms, not 0.5 s
        serve = self.server.serve_forever
        threading.Thread(target=serve, kwargs={"poll_interval": 0.01}, daemon=True).start()

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


MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
MEETINGS_SEED = {
    "meetings": [{"id": MEETING, "external_meeting_id": "incident-42", "attendees": []}]
}


def meetings_calls(client: Any) -> None:
    client.batch_create_attendee(
        MeetingId=MEETING,
        Attendees=[{"ExternalUserId": "ann@example.com", "Capabilities": {
            "Audio": "Receive", "Video": "Receive", "Content": "Receive"}}],
    )  # fmt: skip
    client.list_attendees(MeetingId=MEETING, MaxResults=100)


def test_meetings_requests_are_the_bytes_stock_boto3_sends(
    emulator: EmulatorServer, recorder: Recorder, frozen: Callable[[], None]
) -> None:
    emulator.reset(MEETINGS_SEED)
    meetings_calls(make_client("chime-sdk-meetings", endpoint_url=recorder.url))
    mine, recorder.requests = recorder.requests, []
    emulator.reset(MEETINGS_SEED)
    frozen()
    meetings_calls(stock("chime-sdk-meetings", recorder.url))
    assert len(mine) == 2
    assert mine == recorder.requests


INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
BEARER, ALICE = f"{INSTANCE}/user/reconciler", f"{INSTANCE}/user/alice"
CHANNEL = f"{INSTANCE}/channel/ops"
MESSAGING_SEED = {
    "app_instances": [
        {
            "arn": INSTANCE,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [{"id": "reconciler"}, {"id": "alice"}],
            "channels": [{"name": "ops", "id": "ops", "members": ["reconciler"]}],
        }
    ]
}


def messaging_calls(client: Any) -> None:
    client.batch_create_channel_membership(
        ChannelArn=CHANNEL, MemberArns=[ALICE], Type="HIDDEN", ChimeBearer=BEARER
    )
    client.list_channel_memberships(ChannelArn=CHANNEL, MaxResults=50, ChimeBearer=BEARER)
    client.delete_channel_membership(ChannelArn=CHANNEL, MemberArn=ALICE, ChimeBearer=BEARER)


def identity_calls(client: Any) -> None:
    client.describe_app_instance_user(AppInstanceUserArn=ALICE)


def test_messaging_requests_are_the_bytes_stock_boto3_sends(
    emulator: EmulatorServer, recorder: Recorder, frozen: Callable[[], None]
) -> None:
    emulator.reset(MESSAGING_SEED)
    client = make_client("chime-sdk-messaging", endpoint_url=recorder.url)
    signers: list[str] = []
    client.meta.events.register("before-sign", lambda **kw: signers.append(kw["signature_version"]))
    messaging_calls(client)
    mine, recorder.requests = recorder.requests, []
    emulator.reset(MESSAGING_SEED)
    frozen()
    messaging_calls(stock("chime-sdk-messaging", recorder.url))
    assert len(mine) == 3
    assert signers == [SIGNATURE_VERSION] * 3
    assert b"x-amz-chime-bearer: " + BEARER.encode() in mine[0]
    assert mine == recorder.requests


def test_the_clients_of_one_run_share_a_session_and_send_what_stock_boto3_sends(
    emulator: EmulatorServer, recorder: Recorder, frozen: Callable[[], None], workdir: Any
) -> None:
    # the clients as the CLI makes them (one botocore session for every service of a run)
    app = AppContext.from_options(
        desired_dir="desired-state", endpoint_url=recorder.url, profile=None,
        region="us-east-1", parallelism=8, no_color=True, verbose=0,
    )  # fmt: skip
    calls = {
        "chime": rooms_calls,
        "chime-sdk-meetings": meetings_calls,
        "chime-sdk-messaging": messaging_calls,
        "chime-sdk-identity": identity_calls,
    }
    rooms = seed_doc(users=["ann", "bob"], rooms={"ops": [("ann", "Member")], "dev": []})
    seed = rooms | MEETINGS_SEED | MESSAGING_SEED
    ours = {service: app.client(service) for service in calls}
    assert len({id(client._loader) for client in ours.values()}) == 1  # one session's
    assert len({id(client.meta.events) for client in ours.values()}) == 4  # hooks their own
    emulator.reset(seed)
    frozen()
    for service, make_calls in calls.items():
        make_calls(ours[service])
    mine, recorder.requests = recorder.requests, []
    emulator.reset(seed)
    frozen()
    for service, make_calls in calls.items():
        make_calls(stock(service, recorder.url))
    assert len(mine) == 8 + 2 + 3 + 1
    assert mine == recorder.requests
    for service, client in ours.items():
        config = client.meta.config
        assert (config.retries, config.read_timeout, config.connect_timeout) == (
            {"total_max_attempts": 1, "mode": "standard"},
            READ_TIMEOUT,
            CONNECT_TIMEOUT,
        ), service
        assert client.meta.endpoint_url == recorder.url
