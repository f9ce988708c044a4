"""A value Chime answers that the tool does not know (a role, a member type, a channel
membership type or a capability newer than it) is a clear error naming where it was
answered and the value, exit 1, and nothing is planned from it (QA-DB L-DB-1: an unknown
room role was "Internal error (this is a bug ...): ValueError: 'Owner' is not a valid
Role"; an unknown capability or channel membership type was taken as it came)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, Cli, local_server
from test_create_retries_e2e import CHAT_SETTINGS, INSTANCE, MEETING

pytestmark = pytest.mark.e2e

Answer = Callable[[str], dict[str, Any]]  # a request's path -> the JSON answered
LATER = "it stops rather than guess (a newer chime-reconciler may know it)"


def _server(answer: Answer) -> type[BaseHTTPRequestHandler]:
    class Answers(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.dumps(answer(self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args: Any) -> None:
            pass

    return Answers


@pytest.fixture
def answering(workdir: Path) -> Iterator[Callable[[Answer], Cli]]:
    """A CLI against an endpoint answering with ``answer``."""
    with local_server(_server(lambda path: answers[0](path))) as url:
        answers: list[Answer] = []

        def cli(answer: Answer) -> Cli:
            answers[:] = [answer]
            return Cli(url, workdir)

        yield cli


def _room(member: dict[str, Any], role: str) -> Answer:
    """Room ``ops`` whose one membership is ``member`` in ``role``; no users."""

    def answer(path: str) -> dict[str, Any]:
        if "/memberships" in path:
            return {"RoomMemberships": [{"RoomId": "room-ops", "Member": member, "Role": role}]}
        if "/rooms" in path:
            return {"Rooms": [{"RoomId": "room-ops", "Name": "ops", "AccountId": ACCOUNT}]}
        return {"Users": []}

    return answer


BOB = {"MemberId": "uid-bob", "Email": "bob@example.com", "MemberType": "User"}
LISTED = f"ListRoomMemberships (account {ACCOUNT}, room room-ops)"


@pytest.mark.parametrize(
    ("member", "role", "said"),
    [
        (
            BOB,
            "Owner",
            "the role of member uid-bob is 'Owner', which chime-reconciler does not know "
            "(it knows Administrator, Member)",
        ),
        (
            {**BOB, "MemberType": "Guest"},
            "Member",
            "the type of member uid-bob is 'Guest', which chime-reconciler does not know "
            "(it knows User, Bot, Webhook)",
        ),
    ],
    ids=["role", "member-type"],
)
def test_an_unknown_room_role_or_member_type_is_a_clear_error(
    answering: Callable[[Answer], Cli],
    write_desired: Any,
    member: dict[str, Any],
    role: str,
    said: str,
) -> None:
    write_desired({"rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', members: []}}}}\n"})
    run = answering(_room(member, role)).subprocess("plan")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [f"Error: {LISTED}: {said}; {LATER}"]


def test_an_unknown_attendee_capability_is_a_clear_error(
    answering: Callable[[Answer], Cli], write_desired: Any
) -> None:
    attendee = {
        "AttendeeId": "att-1",
        "ExternalUserId": "alice@example.com",
        "Capabilities": {"Audio": "SendReceive", "Video": "Spatial", "Content": "Receive"},
    }

    def answer(path: str) -> dict[str, Any]:
        if "/attendees" in path:
            return {"Attendees": [attendee]}
        return {"Meeting": {"MeetingId": MEETING, "MediaRegion": "us-east-1"}}

    meeting = (
        f"meetings: {{bridge: {{meeting_id: {MEETING}, attendees: {{bob@example.com: viewer}}}}}}"
    )
    write_desired({"meetings.yaml": meeting})
    run = answering(answer).subprocess("plan")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: ListAttendees (meeting {MEETING}): the video capability of attendee att-1 "
        "is 'Spatial', which chime-reconciler does not know (it knows SendReceive, Send, "
        f"Receive, None); {LATER}"
    ]


def test_an_unknown_channel_membership_type_is_a_clear_error(
    answering: Callable[[Answer], Cli], write_desired: Any
) -> None:
    """audit reads a user's memberships with their Type (plan reads each Type by its own
    scan, and takes none from an answer)."""
    channel = f"{INSTANCE}/channel/ops"

    def answer(path: str) -> dict[str, Any]:
        if "app-instance-user-memberships" in path:
            summary = {"Name": "ops", "ChannelArn": channel}
            membership = {"Type": "PINNED"}
            return {
                "ChannelMemberships": [
                    {"ChannelSummary": summary, "AppInstanceUserMembershipSummary": membership}
                ]
            }
        return {}

    write_desired({"settings.yaml": CHAT_SETTINGS})
    run = answering(answer).subprocess("audit", "user:u1")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [
        f"Error: ListChannelMembershipsForAppInstanceUser (user {INSTANCE}/user/u1): the type "
        f"of its membership of channel {channel} is 'PINNED', which chime-reconciler does "
        f"not know (it knows DEFAULT, HIDDEN); {LATER}"
    ]
