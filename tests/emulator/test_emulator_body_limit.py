"""A request whose Content-Length is over the emulator's limit (``MAX_BODY``) is answered
413 in the API's error shape, without reading the body or allocating that much, and with
no traceback on the emulator's stderr (QA4 R10: it printed MemoryError's traceback for
99999999999, and allocated a few GB for a few GB)."""

from __future__ import annotations

import json
import socket

import pytest

from reconciler.emulator import EmulatorServer
from reconciler.emulator.server import MAX_BODY


def post_with_length(server: EmulatorServer, length: int) -> tuple[int, dict[str, str], bytes]:
    """POST /_emulator/faults claiming ``length`` bytes of body, sending only ``{}``; the
    status, headers (lower-case names) and body of the answer."""
    with socket.create_connection((server.host, server.port), timeout=10) as conn:
        conn.sendall(
            b"POST /_emulator/faults HTTP/1.1\r\nHost: emulator\r\n"
            b"Content-Type: application/json\r\n"
            + f"Content-Length: {length}\r\n\r\n".encode()
            + b"{}"
        )
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            assert chunk, f"connection closed without an answer: {data!r}"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        pairs = (line.split(": ", 1) for line in lines[1:])
        headers = {name.lower(): value for name, value in pairs}
        while len(body) < int(headers["content-length"]):
            chunk = conn.recv(65536)
            assert chunk
            body += chunk
        return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("length", [99_999_999_999, 10**15, MAX_BODY + 1])
def test_a_body_over_the_limit_is_413_in_the_error_shape_never_a_traceback(
    capfd: pytest.CaptureFixture[str], length: int
) -> None:
    with EmulatorServer() as server:
        status, headers, body = post_with_length(server, length)
        assert status == 413
        assert headers["x-amzn-errortype"] == "BadRequestException"
        assert headers["connection"] == "close"  # the body was left unread
        assert json.loads(body) == {
            "Code": "BadRequest",
            "Message": f"The request body of {length:,} bytes is over the emulator's limit "
            f"of {MAX_BODY:,} bytes.",
        }
        assert post_with_length(server, 2)[0] == 200  # served on as before
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
