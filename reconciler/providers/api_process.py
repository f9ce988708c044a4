"""A run's API calls made by a second process, so that botocore's CPU (building, signing,
sending and parsing each request: 1-2 ms a call here) is not spent in the run's own
interpreter, which its threads share with loading, planning and each other (issue 13: a
1,000 x 1,000 plan's 10,011 calls cost it more CPU than loading and planning together).

``OffloadedClient`` stands for a botocore client. From its ``start_at``-th call it starts
``ApiProcess`` (``python -m reconciler.api_worker``, which makes the same client from the
same options and makes each call over HTTP as the run would); once the process says it is
ready, its API methods send each call there and return its answer or raise its error.
Before that, and after the process is gone, the run's own client makes the calls, as
without it. Everything else (``meta``, ``exceptions``) is the run's own client's. Pacing,
retries, their logging and interrupts stay in the run: the second process makes each call
it is given once, and a call it lost (it died) fails as a closed connection does, which
the run retries with its own client.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import marshal
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ConnectionClosedError

from reconciler.api_worker import OK, PICKLED, frame, read_frame
from reconciler.awsclient.closing import close_client
from reconciler.timing import peak_rss_mb

AUTO_AT = 1000  # --api-process auto: the call that starts it (a large read's)
MODES = {"auto": AUTO_AT, "on": 1, "off": None}  # the call that starts it
STARTED_S = 60.0  # --api-process on: the longest wait for it to be ready
# The services whose calls it makes: ``chime`` (rooms, users, bots). The Chime SDK's calls
# are paced at a few per second per bearer (its quotas): the quota sets their time, not the
# CPU, and a second process would only cost memory.
OFFLOADED = frozenset({"chime"})


class ApiProcess:
    """The second process and its two pipes. Thread-safe."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self._send = threading.Lock()  # one request frame written at a time
        self._lock = threading.Lock()  # the calls waiting for an answer
        self._waiting: dict[int, list[Any]] = {}  # call id -> [event, (status, value)]
        self._ids = itertools.count(1)
        self.ready = threading.Event()  # it answers calls
        self.settled = threading.Event()  # ready, or gone before it was
        self.gone = False
        self.peak_rss_mb: float | None = None
        self._endpoint = str(spec.get("endpoint_url") or "the API process")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "reconciler.api_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._stdin = self._proc.stdin
        self._stdin.write(json.dumps(dict(spec)).encode() + b"\n")
        self._stdin.flush()
        self._reader = threading.Thread(
            target=self._read, args=(self._proc.stdout,), name="api-process", daemon=True
        )
        self._reader.start()

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """``client.<method>(**params)``, made by the second process."""
        call_id = next(self._ids)
        request = frame(marshal.dumps((call_id, method, params)))
        waiter: list[Any] = [threading.Event(), (None, None)]
        with self._lock:
            if self.gone:
                raise self._lost_call()
            self._waiting[call_id] = waiter
        try:
            with self._send:
                self._stdin.write(request)
                self._stdin.flush()
        except (OSError, ValueError):  # its input is closed: it is gone
            self._lost()
        waiter[0].wait()
        status, value = waiter[1]
        if status == OK:
            return value
        if status == PICKLED:
            return pickle.loads(value)
        if status is None:
            raise self._lost_call()
        raise pickle.loads(value)

    def _read(self, stdout: Any) -> None:
        """The answers, as they come (the reader thread), until the process ends."""
        waiting, lock = self._waiting, self._lock
        try:
            while (payload := read_frame(stdout)) is not None:
                call_id, status, value = marshal.loads(payload)
                if call_id == 0:  # its first frame: the client is made
                    self.ready.set()
                    self.settled.set()
                    continue
                with lock:
                    waiter = waiting.pop(call_id, None)
                if waiter is not None:
                    waiter[1] = (status, value)
                    waiter[0].set()
        except (OSError, ValueError, EOFError, TypeError):
            pass  # a frame that does not read: as if it had ended there
        finally:
            self._lost()

    def _lost(self) -> None:
        """The process is gone: no call goes to it again, and every call waiting for it
        fails (``_lost_call``)."""
        with self._lock:
            self.gone = True
            self.ready.clear()
            self.settled.set()
            waiters = list(self._waiting.values())
            self._waiting.clear()
        for waiter in waiters:
            waiter[0].set()  # (None, None): lost

    def _lost_call(self) -> ConnectionClosedError:
        return ConnectionClosedError(endpoint_url=self._endpoint)

    def close(self) -> None:
        """End the process: its input closed, it exits at once (``api_worker``), not
        waiting for the calls it still has: the run waited for every answer it wanted
        before it ended (apply's writes in flight, on Ctrl-C too), and a read left under way
        (an interrupt, a failed read) is nobody's (Q-HA-2: it held the run's exit 10 s)."""
        self.peak_rss_mb = peak_rss_mb(self._proc.pid)
        with self._send, contextlib.suppress(OSError):
            self._stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._reader.join(timeout=10)
        if not self._reader.is_alive() and self._proc.stdout is not None:
            # read to its end: closed here, not left to the collector, which may never
            # free it (awsclient/closing.py says why)
            self._proc.stdout.close()


class OffloadedClient:
    """A botocore client whose API calls an ``ApiProcess`` makes from the ``start_at``-th
    (see the module); with ``wait``, the calls made while it starts wait for it (it takes
    about half a second) rather than being made here. Thread-safe."""

    def __init__(
        self, client: Any, spec: Mapping[str, Any], start_at: int, wait: bool = False
    ) -> None:
        self._client = client
        self._wait = wait  # calls wait for it to be ready (--api-process on)
        self._spec = dict(spec)
        self._start_at = start_at
        self._calls = itertools.count(1)
        self._starting = threading.Lock()
        self.process: ApiProcess | None = None
        self._unable = False  # it could not be started
        self._methods = frozenset(client.meta.method_to_api_mapping)

    def __getattr__(self, name: str) -> Any:
        """The client's attribute; for an API method, a wrapper made once (kept in the
        instance: later lookups do not come here)."""
        own = getattr(self._client, name)
        if name not in self._methods:
            return own

        def call(**params: Any) -> Any:
            process = self.process
            if process is None:
                if next(self._calls) < self._start_at or self._unable:
                    return own(**params)
                process = self._start()
                if process is None:
                    return own(**params)
            if not process.ready.is_set() and (
                not self._wait or not process.settled.wait(STARTED_S) or process.gone
            ):
                return own(**params)
            return process.call(name, params)

        self.__dict__[name] = call
        return call

    def _start(self) -> ApiProcess | None:
        """The process, started on first use; None where it cannot be (the run's own
        client then makes every call, as with ``off``)."""
        with self._starting:
            if self.process is None and not self._unable:
                try:
                    self.process = ApiProcess(self._spec)
                except OSError:
                    self._unable = True
            return self.process

    def close(self) -> float | None:
        """End the process, if one was started, and close the client's connections; the
        process's peak resident memory in MB."""
        with self._starting:
            process, self.process = self.process, None
        close_client(self._client)
        if process is None:
            return None
        process.close()
        return process.peak_rss_mb


def spec_of(
    service: str,
    *,
    profile: str | None,
    region: str | None,
    endpoint_url: str | None,
    parallelism: int,
    verbose: int,
    isolated: bool = False,
) -> dict[str, Any]:
    """What the second process needs to make the same client (``make_client``'s
    arguments) and log its calls as the run does (-vv)."""
    return {
        "isolated": isolated,
        "service": service,
        "profile": profile,
        "region": region,
        "endpoint_url": endpoint_url,
        "parallelism": parallelism,
        "verbose": verbose,
    }
