"""A client that dies mid-request (a killed process, a Ctrl-C) is no error of the
emulator's: no traceback on its stderr; with a request log (``emulator -v``) one line."""

from __future__ import annotations

import socket
import struct
import time

import pytest

from reconciler.emulator import EmulatorServer
from reconciler.emulator.server import RequestRecord

REQUEST = (
    b"GET /accounts/11111111-2222-3333-4444-555555555555/rooms HTTP/1.1\r\n"
    b"Host: emulator\r\nContent-Length: 0\r\n\r\n"
)


def hang_up_mid_request(server: EmulatorServer) -> None:
    """Send a request the emulator answers 0.3 s later, then reset the connection."""
    with socket.create_connection((server.host, server.port)) as conn:
        conn.sendall(REQUEST)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST
    time.sleep(0.9)  # the answer goes to a reset connection while this test still runs


@pytest.mark.parametrize("attempt", range(2))
def test_a_client_gone_mid_request_prints_no_traceback(
    capfd: pytest.CaptureFixture[str], attempt: int
) -> None:
    with EmulatorServer(faults={"latency_ms": 300}) as server:
        hang_up_mid_request(server)
        hang_up_mid_request(server)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_the_request_log_says_it_in_one_line() -> None:
    records: list[RequestRecord] = []
    with EmulatorServer(faults={"latency_ms": 300}, request_log=records.append) as server:
        hang_up_mid_request(server)
    lines = [r.line() for r in records]
    assert len(lines) == 1, lines
    assert lines[0].startswith("client 127.0.0.1 went away mid-request (")
    assert lines[0].endswith(("(BrokenPipeError)", "(ConnectionResetError)"))
