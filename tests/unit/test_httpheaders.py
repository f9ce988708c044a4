"""``headers.parse_headers`` makes the message ``http.client.parse_headers`` makes (every
attribute: headers in order, payload, defects, ...) from any header block, and leaves the
reader where it leaves it."""

from __future__ import annotations

import http.client
import io
from email.message import Message
from typing import Any

import pytest

from reconciler.httpheaders import _STOCK, parse_headers

BODY = b'{"RoomMemberships":[]}'
BLOCKS = [
    # what the emulator and AWS send
    b"HTTP-ignored: x\r\n"
    * 0
    + b"Server: BaseHTTP/0.6 Python/3.11.7\r\nDate: Tue, 01 Dec 2026 18:30:05 GMT\r\n"
    b"Content-Type: application/json\r\nx-amzn-RequestId: 0f1e2d3c\r\n"
    b"Content-Length: 22\r\n\r\n",
    b"Content-Length: 0\r\n\r\n",
    b"\r\n",
    b"\n",
    b"A: 1\nB:2\n\n",
    b"Spaces:    lots   \r\nTabs:\t\tx\t\r\nEmpty:\r\nEmpty2: \r\n\r\n",
    b"Dup: 1\r\ndup: 2\r\nDUP: 3\r\n\r\n",
    b"Weird!#$%&'*+-.^_`|~Name: v\r\n\r\n",
    b"Colon: a:b: c\r\n\r\n",
    # the email parser's own cases: handed to it
    b"Folded: one\r\n  two\r\n\tthree\r\n\r\n",
    b"No colon here\r\nX: y\r\n\r\n",
    b": no name\r\n\r\n",
    b"From someone\r\nX: y\r\n\r\n",
    b"Latin: caf\xe9\r\n\r\n",
    b"Ctl: a\x01b\r\n\r\n",
    b"Bare: a\rb\r\n\r\n",
    b"Space Name: v\r\n\r\n",
    b"Content-Type: multipart/mixed; boundary=x\r\n\r\n",
    b"Content-Type:   Message/rfc822\r\n\r\n",
    b"content-type: MULTIPART/alternative\r\n\r\n",
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n",
    b"X: cut short\r\n",
    b"",
]


def state(value: Any) -> Any:
    """A message's attributes, compared by value (defects and sub-messages included)."""
    if isinstance(value, list):
        return [state(v) for v in value]
    if isinstance(value, Exception):
        return (type(value), str(value))
    if isinstance(value, Message):
        return {k: state(v) for k, v in vars(value).items()} | {"class": type(value)}
    return value


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize(
    "cls", [http.client.HTTPMessage, type("Sub", (http.client.HTTPMessage,), {})]
)
def test_the_message_is_http_clients(block: bytes, cls: Any) -> None:
    theirs, ours = io.BytesIO(block + BODY), io.BytesIO(block + BODY)
    expected = _STOCK(theirs, cls)
    got = parse_headers(ours, cls)
    assert state(got) == state(expected)
    assert got.items() == expected.items()
    assert str(got) == str(expected)
    assert ours.read() == theirs.read()  # the body is left to read


def test_too_many_headers_fail_as_in_http_client() -> None:
    block = b"".join(b"H%d: v\r\n" % i for i in range(101)) + b"\r\n"
    with pytest.raises(http.client.HTTPException, match="got more than 100 headers"):
        parse_headers(io.BytesIO(block))


@pytest.mark.parametrize("block", BLOCKS[:9])
def test_plain_blocks_are_not_handed_to_the_email_parser(
    block: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any) -> Any:
        raise AssertionError("handed to http.client's parse_headers")

    monkeypatch.setattr("reconciler.httpheaders._STOCK", refuse)
    assert parse_headers(io.BytesIO(block + BODY)).items() == _STOCK(io.BytesIO(block)).items()
