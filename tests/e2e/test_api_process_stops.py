"""The second process of `--api-process` (Q-HA-2) does not hold a run past its end: a
Ctrl-C or SIGTERM while its reads wait for an answer exits 130 at once, as with `off`, and
its stderr (the run's, which it shares) ends with the run; a run that is gone (a second
Ctrl-C quits with ``os._exit``, or a kill) leaves no second process behind. The real CLI in
a child process, against a socket that accepts connections and never answers."""

from __future__ import annotations

import json
import marshal
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_read_ahead_stops import (
    PATIENCE_S,
    PROMPT_S,
    ROOMS,
    SETTINGS,
    Silent,
    finish,
    rooms_file,
    silent,  # noqa: F401 (the fixture)
    start,
    stops_at_once,
    until,
    validating_s,
)

from reconciler.api_worker import frame, read_frame
from reconciler.providers.api_process import spec_of

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]])
def test_an_interrupt_while_the_second_process_waits_for_answers_exits_130_at_once(
    write_desired: Callable[..., Any],
    workdir: Path,
    silent: Silent,  # noqa: F811
    command: list[str],
    signum: int,
) -> None:
    write_desired({"settings.yaml": SETTINGS, "a.yaml": rooms_file(ROOMS, by_id=True)})
    child = start(workdir, silent.url, "--api-process", "on", *command)
    until(silent.connected, timeout=PATIENCE_S)  # the second process reads the rooms
    time.sleep(0.5)  # its requests sent, none answered
    # within PROMPT_S, stderr included: the second process shares it (was 10 s)
    stops_at_once(child, signum, command[0])


@pytest.fixture
def one_room_refused() -> Iterator[str]:
    """An endpoint that refuses room r0's reads (403, at once) and never answers the
    others; its URL."""
    done = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if "room-r0/" not in self.path and not self.path.endswith("room-r0"):
                done.wait()  # never answered while the test runs
                return
            body = json.dumps({"Code": "Forbidden", "Message": "not yours"}).encode()
            self.send_response(403)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-ErrorType", "ForbiddenException")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        done.set()
        server.shutdown()
        server.server_close()


def test_a_failed_read_exits_1_as_soon_as_it_says_so(
    write_desired: Callable[..., Any], workdir: Path, one_room_refused: str
) -> None:
    """The error is said once the reads in flight were waited for, up to 1.5 s; the run
    then exits, not 10 s later (the second process finishing reads nobody wants)."""
    write_desired({"settings.yaml": SETTINGS, "a.yaml": rooms_file(ROOMS, by_id=True)})
    began = time.monotonic()
    code, _, err = finish(start(workdir, one_room_refused, "--api-process", "on", "plan"))
    took = time.monotonic() - began
    assert code == 1, err
    assert "ForbiddenException" in err and "room-r0" in err, err
    assert "Traceback" not in err
    assert took < 1.5 + PROMPT_S + validating_s(workdir)  # was over 10 s


def test_a_run_that_is_gone_leaves_no_second_process_behind(
    write_desired: Callable[..., Any],
    workdir: Path,
    silent: Silent,  # noqa: F811
) -> None:
    """A second Ctrl-C quits at once (``os._exit``), as a kill does: the second process,
    its input ended, ends too, rather than holding the run's stderr until its requests
    time out (30 s)."""
    write_desired({"settings.yaml": SETTINGS, "a.yaml": rooms_file(ROOMS, by_id=True)})
    child = start(workdir, silent.url, "--api-process", "on", "plan")
    until(silent.connected, timeout=PATIENCE_S)
    time.sleep(0.5)
    child.kill()
    assert child.stderr is not None
    killed = time.monotonic()
    child.wait()
    child.stderr.read()  # its end: when every process holding it is gone
    assert time.monotonic() - killed < PROMPT_S


def test_the_second_process_ends_when_its_input_does_with_calls_in_flight(
    silent: Silent,  # noqa: F811
) -> None:
    """Its input closed, it ends at once: nobody is left to read the answers of the calls
    it still has (the run reads every answer it waits for before it closes the input)."""
    spec = spec_of(
        "chime",
        profile=None,
        region="us-east-1",
        endpoint_url=silent.url,
        parallelism=4,
        verbose=0,
    )
    env = dict(os.environ, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x")
    worker = subprocess.Popen(
        [sys.executable, "-m", "reconciler.api_worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    assert worker.stdin is not None and worker.stdout is not None
    try:
        worker.stdin.write(json.dumps(spec).encode() + b"\n")
        worker.stdin.write(frame(marshal.dumps((1, "list_accounts", {}))))
        worker.stdin.flush()
        assert read_frame(worker.stdout) is not None  # ready
        until(silent.connected, timeout=PATIENCE_S)  # its call is under way
        worker.stdin.close()
        closed = time.monotonic()
        code = worker.wait(timeout=PATIENCE_S)
        assert time.monotonic() - closed < PROMPT_S
        assert code == 0
    finally:
        worker.kill()
        worker.wait()
