"""Shared fixtures: a Chime API emulator served in-process over real HTTP, and real boto3
clients pointed at it.

- ``emulator``: an ``EmulatorServer`` on 127.0.0.1 and a free port, empty (call
  ``emulator.reset(seed_dict)`` to load state), stopped after the test.
- ``chime``: a boto3 ``chime`` client for it, with no retries, so tests see raw faults.
- ``chime_client``: a factory ``chime_client(endpoint_url=None, **config)`` for more
  clients (other retry settings, ``parameter_validation=False``, another server).

The suite runs as it would in the foreground, where a Ctrl-C is a ``KeyboardInterrupt``:
a shell without job control starts a background job (``nohup make test &`` in a script)
with SIGINT ignored, and an ignored signal stays ignored in every child started (a Python
child then never installs its Ctrl-C handler), so the tests that press Ctrl-C in the
commands they start would see nothing happen. ``pytest_configure`` gives SIGINT back to
Python's handler in each test process (the controller and each worker of ``-n``); the
children then start with it at its default, as from a terminal.

The controller byte-compiles ``reconciler/`` first (``pytest_configure``), as pip does
when it installs the package: with PYTHONDONTWRITEBYTECODE=1 in the environment, an
editable install never writes its ``.pyc`` files, and each of the suite's many
``python -m reconciler`` children (the CLI, the emulator, the hooks) would compile every
module it imports from source again, about 0.3 s of CPU each. A ``.pyc`` older than its
source is never used: they are compiled with a checked hash, so each import compares the
source's hash (not its modification time, to the second, and size), and a test sees the
code as it is.
"""

from __future__ import annotations

import compileall
import os
import py_compile
import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from hypothesis import HealthCheck, settings

import reconciler
from reconciler.emulator import EmulatorServer

ChimeClientFactory = Callable[..., Any]

# Property tests assert behaviour, not speed: no per-example wall-clock deadline (200 ms by
# default), which a loaded 2-core CI machine misses at random. A test's own settings still
# choose its examples.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


def pytest_configure(config: pytest.Config) -> None:
    """SIGINT ignored (a background job's): Python's handler again, so that the children
    the tests start get SIGINT at its default (a handler is reset to it by exec; an
    ignored signal is not). The controller byte-compiles the package (the docstring
    above says why)."""
    # no test asks the machine's instance metadata service (169.254.169.254) for
    # credentials: where one answers, each run's credential chain left a connection to
    # it open in the test process (Q-LE-11), and a test's result did not depend on the
    # machine; a test of the chain sets what it needs
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if not hasattr(config, "workerinput"):  # the controller, before -n starts its workers
        # quiet=2: a tree it cannot write to is only slower, and a syntax error is the
        # tests' to report
        compileall.compile_dir(
            reconciler.__path__[0],
            quiet=2,
            # each import checks the source's hash, not its second-granular mtime and
            # size: a file edited twice within a second is never run as its old self
            invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
        )


@pytest.fixture(scope="session")
def boto3_session() -> boto3.session.Session:
    """One session for the whole run: it caches the loaded service models."""
    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    # stop() waits up to the poll interval for the serving thread: 5 ms, not 50 ms, at the
    # end of each of the thousands of tests that start one
    with EmulatorServer(host="127.0.0.1", port=0, poll_interval=0.005) as server:
        yield server


@pytest.fixture
def chime_client(
    boto3_session: boto3.session.Session, emulator: EmulatorServer
) -> ChimeClientFactory:
    def make(endpoint_url: str | None = None, **config: Any) -> Any:
        settings: dict[str, Any] = {"retries": {"total_max_attempts": 1}, **config}
        return boto3_session.client(
            "chime",
            endpoint_url=endpoint_url or emulator.url,
            config=Config(connect_timeout=5, read_timeout=30, **settings),
        )

    return make


@pytest.fixture
def chime(chime_client: ChimeClientFactory) -> Any:
    """A boto3 chime client for ``emulator``; one attempt per call (no retries)."""
    return chime_client()


WATCHED = (signal.SIGINT, signal.SIGTERM)


class SignalLeak(UserWarning):
    """A test left SIGINT or SIGTERM as it did not find them (their handlers, or blocked in
    the main thread): the tests after it in the same worker, and the commands they start,
    would get them so (QA-LF Q-LF-13: a worker ran a test with SIGINT ignored)."""


def _signal_state() -> tuple[object, ...]:
    """The handlers of ``WATCHED`` and which of them the main thread blocks."""
    handlers = tuple(signal.getsignal(s) for s in WATCHED)
    return (*handlers, frozenset(signal.pthread_sigmask(signal.SIG_BLOCK, ())) & set(WATCHED))


@pytest.fixture(autouse=True)
def _signals_left_as_found(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that changes SIGINT's or SIGTERM's handler, or leaves them blocked, is
    named in a warning (the run's warnings summary), and they are put back: a leak is
    seen, and no later test inherits it; the run is not failed for it (which test leaks
    may depend on the order the workers get them in)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = _signal_state()
    yield
    after = _signal_state()
    if after == before:
        return
    for signum, handler in zip(WATCHED, before, strict=False):
        if handler is not None:  # None: not set from Python, cannot be set back from it
            signal.signal(signum, handler)  # type: ignore[arg-type]
    blocked = after[-1]
    assert isinstance(blocked, frozenset)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked - before[-1])  # type: ignore[operator]
    changed = [
        f"{signal.Signals(s).name}: {_said(was)} -> {_said(now)}"
        for s, was, now in zip(WATCHED, before, after, strict=False)
        if was != now
    ]
    if blocked != before[-1]:
        changed.append(f"blocked: {_said(before[-1])} -> {_said(blocked)}")
    warnings.warn(
        SignalLeak(f"{request.node.nodeid} changed {'; '.join(changed)} (put back)"),
        stacklevel=1,
    )


def _said(value: object) -> str:
    """A handler or a set of signals, as the warning names it."""
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(signal.Signals(s).name for s in value)) + "}"
    if isinstance(value, signal.Handlers):
        return value.name
    return getattr(value, "__qualname__", repr(value))


@pytest.fixture(autouse=True)
def _no_recorded_ctrl_c() -> Iterator[None]:
    """A Ctrl-C a test simulates in-process (``interrupt.PRESSED``) ends with the test."""
    from reconciler import interrupt

    yield
    interrupt.PRESSED.clear()
