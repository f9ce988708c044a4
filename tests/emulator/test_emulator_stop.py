"""Stopping the emulator (``stop()``, Ctrl-C or SIGTERM on ``emulator -v``) loses no log
line: a request answered before the stop has its line before ``stop()`` returns."""

from __future__ import annotations

import re
import time

from emulator_http import request

from reconciler.emulator import EmulatorServer
from reconciler.emulator.server import RequestRecord


def test_stop_waits_for_the_line_of_a_request_already_answered() -> None:
    lines: list[str] = []

    def slow_log(record: RequestRecord) -> None:
        time.sleep(0.3)  # a loaded machine: the client has its answer before the line
        lines.append(record.line())

    with EmulatorServer(request_log=slow_log) as server:
        status, _, _ = request(server.url, "GET", "/_emulator/calls")
        assert status == 200
    assert len(lines) == 1, lines
    assert re.fullmatch(r"admin 200 \d+\.\d ms GET /_emulator/calls", lines[0]), lines
