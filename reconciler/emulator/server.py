"""The emulator's HTTP server and its Python API.

```python
from reconciler.emulator import EmulatorServer, FaultConfig, load_seed

with EmulatorServer(seed=load_seed("seed.yaml"), faults=FaultConfig(throttle_rate=0.1)) as emu:
    client = boto3.client("chime", endpoint_url=emu.url, region_name="us-east-1", ...)
    ...
    emu.calls()          # {"ListRoomMemberships": 3, "Throttled": 1, ...}
```

HTTP/1.1 with keep-alive (every response has a Content-Length, 204s included) so boto3
reuses its pooled connections; one daemon thread per connection; loopback by default.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from reconciler import httpheaders
from reconciler.emulator.app import EmulatorApp, SeedLike
from reconciler.emulator.errors import RequestTooLargeError
from reconciler.emulator.faults import FaultConfig
from reconciler.emulator.meetings.models import MeetingsBackend
from reconciler.emulator.messaging.backend import MessagingBackend
from reconciler.emulator.models import ChimeBackend

# The largest request body the emulator reads (QA4 R10): a larger Content-Length is
# answered 413 without reading it (it was read into one buffer of that size: MemoryError's
# traceback, or gigabytes allocated). The API's own bodies are small (a batch of 100
# members: a few KB); the largest is the admin API's POST /_emulator/reset, a whole seed:
# 1,000 rooms x 1,000 members as GET /_emulator/state writes them are 40 MB (measured).
MAX_BODY = 128 * 1024 * 1024
_REASONS = {status.value: status.phrase for status in HTTPStatus}
_DATE: list[tuple[int, str]] = [(-1, "")]  # (second, its Date text), replaced whole


@dataclass(frozen=True)
class RequestRecord:
    """One request served: for ``chime-reconciler -v emulator``'s log line."""

    operation: str  # "" for the admin API and unknown paths
    method: str
    path: str  # without the query string
    status: int
    latency_s: float  # from the request read to the response written (faults included)
    note: str = ""  # instead of a request: what happened to the connection

    def line(self) -> str:
        """``ListRoomMemberships 200 3.1 ms GET /accounts/1111…/rooms/r1/memberships``."""
        if self.note:
            return self.note
        operation = self.operation or ("admin" if self.path.startswith("/_emulator/") else "-")
        return f"{operation} {self.status} {self.latency_s * 1000:.1f} ms {self.method} {self.path}"


RequestLog = Callable[[RequestRecord], None]  # called from the server's threads


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ChimeAPIEmulator/1.0"
    disable_nagle_algorithm = True
    server: _HttpServer

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        started = time.perf_counter()
        if length > MAX_BODY:
            self.close_connection = True  # the body is left unread: no next request follows
            response = self.server.app.error(
                RequestTooLargeError(
                    f"The request body of {length:,} bytes is over the emulator's limit of "
                    f"{MAX_BODY:,} bytes."
                )
            )
        else:
            body = self.rfile.read(length) if length > 0 else b""
            response = self.server.app.handle(self.command, self.path, body, dict(self.headers))
        head = [f"HTTP/1.1 {response.status} {_REASONS.get(response.status, '')}"]
        head += [f"Server: {self.server_version}", f"Date: {self.date_time_string()}"]
        head += [f"{name}: {value}" for name, value in response.headers]
        if self.close_connection:  # the client asked for it (parse_request decided)
            head.append("Connection: close")
        if not self.server.begin_answer():  # stopping: no answer now, so none goes unlogged
            self.close_connection = True
            return
        try:
            # One write per response: status line, headers and body leave in one segment.
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + response.body)
            if self.server.request_log is not None:
                path = self.path.split("?", 1)[0]
                elapsed = time.perf_counter() - started
                status = response.status
                self.server.request_log(
                    RequestRecord(response.operation, self.command, path, status, elapsed)
                )
        finally:
            self.server.end_answer()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header's text, made once a second (it names whole seconds)."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        second = int(time.time())
        made = _DATE[0]
        if made[0] != second:
            made = _DATE[0] = (second, super().date_time_string(second))
        return made[1]

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are counted; ``request_log`` (emulator -v) writes one line each


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(
        self, address: tuple[str, int], app: EmulatorApp, ipv6: bool, request_log: RequestLog | None
    ) -> None:
        self.address_family = socket.AF_INET6 if ipv6 else socket.AF_INET
        self.app = app
        self.request_log = request_log
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.connections_accepted = 0
        # Responses being written and logged; once stopping, no new one starts.
        self._answers = threading.Condition(threading.Lock())
        self._answering = 0
        self._stopping = False
        httpheaders.install()  # requests' headers read as before, for less CPU
        super().__init__(address, _Handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
            self.connections_accepted += 1
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (a killed process, a Ctrl-C) is no error
        of the emulator's: no traceback; one line in the ``-v`` log. Anything else is
        reported as socketserver does."""
        exc = sys.exc_info()[1]
        if not isinstance(exc, BrokenPipeError | ConnectionResetError | ConnectionAbortedError):
            super().handle_error(request, client_address)
            return
        if self.request_log is not None:
            where = client_address[0] if isinstance(client_address, tuple) else client_address
            note = f"client {where} went away mid-request ({type(exc).__name__})"
            self.request_log(RequestRecord("", "", "", 0, 0.0, note))

    def begin_answer(self) -> bool:
        """False once stopping; else the caller writes (and logs) its response, then
        calls ``end_answer``."""
        with self._answers:
            if self._stopping:
                return False
            self._answering += 1
            return True

    def end_answer(self) -> None:
        with self._answers:
            self._answering -= 1
            if not self._answering:
                self._answers.notify_all()

    def stop_answering(self, timeout: float) -> None:
        """No response starts from now on; wait (up to ``timeout``) for those being
        written to be written and logged: a request answered has its log line."""
        with self._answers:
            self._stopping = True
            self._answers.wait_for(lambda: not self._answering, timeout)

    def close_connections(self) -> None:
        """End idle keep-alive connections so their threads finish."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class EmulatorServer:
    """A Chime API emulator on ``host:port`` (port 0: a free one), served from a thread.

    Use as a context manager or call ``start()`` / ``stop()``.
    """

    def __init__(
        self,
        seed: SeedLike = None,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultConfig | Mapping[str, Any] | None = None,
        request_log: RequestLog | None = None,
        poll_interval: float = 0.05,
    ) -> None:
        """``seed``: a seed document (``load_seed``'s), a ``Seed``, or a YAML file's path;
        ``faults``: a ``FaultConfig`` or a mapping such as ``{"throttle_rate": 0.1}``;
        ``request_log``: called with a ``RequestRecord`` once each response is written;
        ``poll_interval``: seconds between the serving thread's looks for ``stop()``, which
        waits up to that long (a test suite that starts one per test wants it short)."""
        self.app = EmulatorApp(seed, faults)
        self.request_log = request_log
        self.poll_interval = poll_interval
        self._address = (host, port)
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> EmulatorServer:
        """Bind and serve from a daemon thread; connections are accepted once this returns."""
        if self._httpd is not None:
            return self
        host, port = self._address
        self._httpd = _HttpServer((host, port), self.app, ":" in host, self.request_log)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": self.poll_interval},
            name=f"chime-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving. A response being written is finished and logged first (up to
        5 s); a request still being handled gets no answer; connections are closed."""
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        httpd.shutdown()
        httpd.stop_answering(timeout=5)
        httpd.close_connections()
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- where ---------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._address[0]

    @property
    def port(self) -> int:
        """The bound port (the free one picked for port 0), once started."""
        if self._httpd is None:
            return self._address[1]
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://HOST:PORT``: the endpoint_url for boto3 and --endpoint-url."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    # -- state, faults and counters ------------------------------------------------------

    @property
    def backend(self) -> ChimeBackend:
        return self.app.backend

    @property
    def faults(self) -> FaultConfig:
        return self.app.injector.config

    def calls(self) -> dict[str, int]:
        """Calls served per operation since start or reset, plus ``Throttled`` (429s)."""
        return self.app.counter.snapshot()

    def bearer_calls(self) -> dict[str, dict[str, int]]:
        """Messaging calls answered (not 429) per bearer ARN, per channel ARN (or app
        instance ARN, for ListChannels; AppInstanceUser or bot ARN, for the listings of
        what one user is in or moderates) since start or reset."""
        return self.app.counter.by_bearer()

    @property
    def connections_accepted(self) -> int:
        """TCP connections accepted since start (keep-alive makes this small)."""
        return self._httpd.connections_accepted if self._httpd is not None else 0

    def reset_calls(self) -> None:
        self.app.counter.reset()

    def reset(self, seed: SeedLike = None) -> None:
        """State from ``seed`` (default: the starting seed); counters zero; initial faults."""
        self.app.reset(seed)

    def set_faults(self, faults: FaultConfig | None = None, **changes: Any) -> FaultConfig:
        """Use ``faults`` (default: none), with ``changes`` applied (``throttle_rate=0.2``).
        Fault decisions start again from the first call. Returns the config in force."""
        config = (faults or FaultConfig()).updated(changes)
        self.app.configure_faults(config)
        return config

    @property
    def meetings(self) -> MeetingsBackend:
        """The Chime SDK meetings (``end_meeting``, ``issued_join_tokens``, ...)."""
        return self.app.meetings

    @property
    def messaging(self) -> MessagingBackend:
        """The Chime SDK app instances and channels (``channel_members``, ...)."""
        return self.app.messaging

    def state(self) -> dict[str, Any]:
        """All state as a seed document (members by id; meetings without JoinTokens)."""
        return self.app.state()
