"""The second process that makes a run's API calls (``providers/api_process.py``): it makes
the same botocore client the run would (``make_client``, from the spec on its first line of
input) and answers each request frame with the client's answer or its error, several at
once (``parallelism`` threads). It ends when its input ends (the run is over, or gone), at
once: the calls it still has then are nobody's, and are not waited for.

    python -m reconciler.api_worker      # started by ApiProcess, never by hand

Frames, both ways: a 4-byte little-endian length, then a ``marshal``-ed tuple. Request:
``(call id, client method name, parameters)``. Answer: ``(call id, OK, response)``, or
``(call id, RAISED, pickled exception)``: botocore's own, or a ``ClientError`` with the
same response where the client raised one of its modelled subclasses (classes made at run
time, which pickle cannot name).
"""

from __future__ import annotations

import json
import marshal
import os
import pickle
import signal
import struct
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO

OK = 0
RAISED = 1
PICKLED = 2  # a response marshal cannot write (it never happens with the tool's services)
_LENGTH = struct.Struct("<I")


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame's payload, or None at the end of the stream."""
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = _LENGTH.unpack(head)
    payload = stream.read(size)
    return payload if len(payload) == size else None


def frame(payload: bytes) -> bytes:
    return _LENGTH.pack(len(payload)) + payload


def answer(call_id: int, client: Any, method: str, params: dict[str, Any]) -> bytes:
    """The frame that answers one request."""
    from botocore.exceptions import ClientError

    try:
        response = getattr(client, method)(**params)
    except ClientError as exc:
        plain = exc if type(exc) is ClientError else ClientError(exc.response, exc.operation_name)
        return frame(marshal.dumps((call_id, RAISED, _pickled(plain))))
    except Exception as exc:  # every error goes back to the run, as raised
        return frame(marshal.dumps((call_id, RAISED, _pickled(exc))))
    try:
        return frame(marshal.dumps((call_id, OK, response)))
    except ValueError:
        return frame(marshal.dumps((call_id, PICKLED, pickle.dumps(response))))


def _pickled(exc: BaseException) -> bytes:
    """``exc`` pickled, known to unpickle (an exception whose constructor takes other
    arguments than it keeps pickles, then fails to unpickle); else a RuntimeError that
    names it."""
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)
        return data
    except Exception:
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))


def serve(spec: dict[str, Any], stdin: BinaryIO, stdout: BinaryIO) -> None:
    from reconciler.awsclient.aws import make_client
    from reconciler.logs import configure

    configure(int(spec.get("verbose", 0)), where="api process")  # -vv: its calls on stderr
    client = make_client(
        spec["service"],
        profile=spec.get("profile"),
        region=spec.get("region"),
        endpoint_url=spec.get("endpoint_url"),
        parallelism=int(spec.get("parallelism", 8)),
        isolated=bool(spec.get("isolated", False)),
    )
    lock = threading.Lock()

    def run(call_id: int, method: str, params: dict[str, Any]) -> None:
        data = answer(call_id, client, method, params)
        with lock:
            stdout.write(data)
            stdout.flush()

    with lock:
        stdout.write(frame(marshal.dumps((0, OK, "ready"))))
        stdout.flush()
    pool = ThreadPoolExecutor(max_workers=int(spec.get("parallelism", 8)))
    while (payload := read_frame(stdin)) is not None:
        call_id, method, params = marshal.loads(payload)
        pool.submit(run, call_id, method, params)
    # Its input ended: the run waited for every answer it wanted before it closed it, or it
    # is gone (a second Ctrl-C, a kill). The calls still under way are nobody's: not
    # waited for (a request that is never answered would hold this process, and the run's
    # stderr it shares, for its read timeout; Q-HA-2). ``main`` exits without them.
    pool.shutdown(wait=False, cancel_futures=True)


def main() -> int:
    # A Ctrl-C reaches the whole foreground process group, and CI's cancel or systemd's
    # stop sends SIGTERM to the whole group: the run decides what they mean (it finishes
    # the calls in flight), so this process must not die of either before answering them;
    # it ends when the run closes its input (the run's end, however it ends). (Here, not
    # at import: the run imports this module's framing.)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    spec = json.loads(sys.stdin.buffer.readline())
    serve(spec, sys.stdin.buffer, sys.stdout.buffer)
    sys.stderr.flush()
    os._exit(0)  # not joining the calls still under way (``serve`` says why)


if __name__ == "__main__":
    raise SystemExit(main())
