"""Bodies (and NextTokens) that Python's json cannot decode, though they are well-formed
JSON text: nesting deeper than the interpreter's recursion limit (RecursionError) and an
integer of more than 4,300 digits (ValueError). Each is a 400 BadRequestException like any
other undecodable body, on the API and on the admin API: never a 500, a dropped connection
or a traceback in the emulator's log (QA-G Q-G-5)."""

from __future__ import annotations

import base64
import logging

import pytest
from emulator_http import request

from reconciler.emulator import EmulatorServer

DEEP = b"[" * 100_000 + b"]" * 100_000
BIG_INT = b'{"ExternalUserId": ' + b"9" * 5000 + b"}"
ATTENDEES = "/meetings/6f1c2a9e-0000-4000-8000-000000000001/attendees"
ROOM_MEMBERS = "/accounts/11111111-2222-3333-4444-555555555555/rooms/r1/memberships"
CHANNEL = "arn:aws:chime:us-east-1:111122223333:app-instance/chat/channel/ops"
CHANNEL_MEMBERS = f"/channels/{CHANNEL.replace('/', '%2F')}/memberships"


@pytest.mark.parametrize("body", [DEEP, BIG_INT], ids=["deep", "bigint"])
@pytest.mark.parametrize(
    "path", [ATTENDEES, ROOM_MEMBERS, CHANNEL_MEMBERS], ids=["meetings", "rooms", "messaging"]
)
def test_an_undecodable_body_is_a_bad_request(
    emulator: EmulatorServer, caplog: pytest.LogCaptureFixture, path: str, body: bytes
) -> None:
    with caplog.at_level(logging.ERROR):
        status, headers, answer = request(emulator.url, "POST", path, raw=body)
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert answer["Code"] == "BadRequest"
    assert answer["Message"].startswith("The request body is not valid JSON: "), answer
    assert not caplog.records  # no "emulator bug in ..." with a traceback


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_emulator/reset", DEEP),
        ("/_emulator/faults", DEEP),
        ("/_emulator/faults", b'{"tps": ' + b"9" * 5000 + b"}"),
    ],
    ids=["reset-deep", "faults-deep", "faults-bigint"],
)
def test_an_undecodable_admin_body_is_a_clean_400(
    emulator: EmulatorServer, path: str, body: bytes
) -> None:
    status, headers, answer = request(emulator.url, "POST", path, raw=body)
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert answer["Message"].startswith("The request body is not valid JSON: "), answer
    assert request(emulator.url, "GET", "/_emulator/faults")[0] == 200  # still serving


def test_a_next_token_nested_too_deep_is_a_bad_request(
    emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    token = base64.urlsafe_b64encode(b"[" * 3700).decode().rstrip("=")
    with caplog.at_level(logging.ERROR):
        status, headers, answer = request(
            emulator.url, "GET", f"/accounts/x/rooms?next-token={token}"
        )
    assert (status, headers["x-amzn-errortype"]) == (400, "BadRequestException")
    assert answer["Message"] == "The NextToken is invalid or belongs to another listing."
    assert not caplog.records
