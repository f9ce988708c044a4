"""Fixtures for end-to-end tests of the command line: the real CLI, the real boto3
client, the emulator over real HTTP. Test modules use these fixtures (not imports):

- ``workdir``: the test's working directory (``tmp_path``, made the current directory) with
  an environment that keeps runs fast and hermetic (retry backoff of a millisecond, no
  endpoint or desired directory inherited from the shell, no AWS credentials at all).
- ``write_desired({"rooms.yaml": "...", ...})``: writes the files (dedented) under
  ``desired-state/`` in ``workdir``; messages then read ``desired-state/FILE:LINE``.
- ``cli(*args)``: runs ``chime-reconciler --endpoint-url <emulator> --desired desired-state
  ARGS`` in-process with click's ``CliRunner`` (stdin not a terminal) -> ``Run`` (exit
  code, stdout, stderr); ``cli.subprocess(*args)``: the same as ``python -m reconciler``
  in a child process; ``cli.on_terminal(*args, answer="yes")``: the child with stdin on a
  pseudo-terminal into which the answer is typed.
- ``seed(users=..., rooms=..., bots=..., webhooks=...)``: resets the emulator to one
  account (``ACCOUNT``): users ``NAME@example.com`` (id ``uid-NAME``), bots ``bid-NAME``,
  webhooks ``wid-NAME``, rooms named ``NAME`` with id ``room-NAME``.
- ``calls()``: ``GET /_emulator/calls``, the calls served per operation;
  ``members("room")``: member id -> role of a room, from the emulator's state.
- ``ops``: the emulator seeded with a small scenario with every kind of change, its
  desired state written; ``ops.plan`` and ``ops.no_changes`` are the expected outputs.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import botocore.loaders
import botocore.session
import pytest
from click.testing import CliRunner

from reconciler.cli.main import cli as root_command
from reconciler.emulator import EmulatorServer

ACCOUNT = "11111111-2222-3333-4444-555555555555"
# the client's own pacing off for the Chime SDK's quotas (`--rate QUOTA=off`), for tests
# whose subject is not pacing: the emulator enforces no quota unless a test turns it on
UNPACED = tuple(
    a
    for q in ("messaging.bearer", "messaging.channel-list", "messaging.list-channels", "meetings")
    for a in ("--rate", f"{q}=off")
)
DESIRED = "desired-state"
SUBPROCESS_TIMEOUT = 60.0  # seconds; a hang fails the test instead of the suite

# The environment of every run: retries fast, nothing inherited that changes behaviour.
FAST_ENV = {
    "CHIME_RECONCILER_RETRY_BASE_MS": "1",
    "CHIME_RECONCILER_RETRY_CAP_MS": "10",
    "AWS_EC2_METADATA_DISABLED": "true",
}
UNSET_ENV = (
    "CHIME_RECONCILER_ENDPOINT_URL",
    "CHIME_RECONCILER_DESIRED",
    "CHIME_RECONCILER_NOW",
    "CHIME_RECONCILER_PROGRESS",
    "CHIME_RECONCILER_RETRY_ATTEMPTS",
    "CHIME_RECONCILER_API_PROCESS",
    "NO_COLOR",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)


@dataclass(frozen=True)
class Run:
    """What a user sees of one run."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    @property
    def err_lines(self) -> list[str]:
        return self.stderr.splitlines()


def seed_doc(
    users: Sequence[str] = (),
    rooms: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    bots: Sequence[str] = (),
    webhooks: Sequence[str] = (),
) -> dict[str, Any]:
    """A seed document: one account (``ACCOUNT``); rooms hold ``(member, role)`` pairs
    where a member is a user's NAME, ``bot:NAME`` or ``webhook:NAME``."""

    def member(ref: str) -> str:
        return ref if ":" in ref else f"{ref}@example.com"

    return {
        "accounts": [
            {
                "id": ACCOUNT,
                "name": "Example Corp",
                "users": [
                    {"id": f"uid-{u}", "email": f"{u}@example.com", "name": u.title()}
                    for u in users
                ],
                "bots": [{"id": f"bid-{b}", "name": b} for b in bots],
                "webhooks": [{"id": f"wid-{w}", "name": w} for w in webhooks],
                "rooms": [
                    {
                        "id": f"room-{name}",
                        "name": name,
                        "memberships": [{"member": member(m), "role": r} for m, r in ms],
                    }
                    for name, ms in (rooms or {}).items()
                ],
            }
        ]
    }


# botocore's data loader of every run ``Cli`` makes in-process, one per AWS_DATA_PATH in
# this process: each run makes its own botocore session, whose new loader listed the data
# directories and read the service models, endpoints and rule sets again (~0.1 s a run,
# thousands of runs). The loader only reads botocore's data files and caches what it read;
# the session, its configuration, credentials and clients are each run's own as before.
# (Only there: a test of how the tool makes its sessions, such as test_client_wire's, sees
# the loaders as the tool makes them.)
_LOADERS: dict[str | None, botocore.loaders.Loader] = {}
_SHARING = [0]  # runs of ``Cli`` under way (their threads make sessions too)
_SHARING_LOCK = threading.Lock()
_create_loader = botocore.session.create_loader


def _loader(search_path_string: str | None = None) -> botocore.loaders.Loader:
    """botocore's ``create_loader``, but the process's one loader while a ``Cli`` run is
    under way."""
    with _SHARING_LOCK:
        if not _SHARING[0]:
            return _create_loader(search_path_string)
        if search_path_string not in _LOADERS:
            _LOADERS[search_path_string] = _create_loader(search_path_string)
        return _LOADERS[search_path_string]


botocore.session.create_loader = _loader


@contextmanager
def _shared_loaders() -> Iterator[None]:
    with _SHARING_LOCK:
        _SHARING[0] += 1
    try:
        yield
    finally:
        with _SHARING_LOCK:
            _SHARING[0] -= 1


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in UNSET_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in FAST_ENV.items():
        monkeypatch.setenv(name, value)
    # no AWS credentials anywhere: --endpoint-url alone must be enough (dummy credentials)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    return tmp_path


WriteDesired = Callable[[Mapping[str, str]], Path]


@pytest.fixture
def write_desired(workdir: Path) -> WriteDesired:
    def write(files: Mapping[str, str]) -> Path:
        root = workdir / DESIRED
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return root

    return write


@pytest.fixture
def seed(emulator: EmulatorServer) -> Callable[..., EmulatorServer]:
    def reset(**kwargs: Any) -> EmulatorServer:
        emulator.reset(seed_doc(**kwargs))
        return emulator

    return reset


@pytest.fixture
def calls(emulator: EmulatorServer) -> Callable[[], dict[str, int]]:
    def get() -> dict[str, int]:
        with urllib.request.urlopen(f"{emulator.url}/_emulator/calls", timeout=5) as resp:
            counts: dict[str, int] = json.load(resp)
        return counts

    return get


@pytest.fixture
def members(emulator: EmulatorServer) -> Callable[[str], dict[str, str]]:
    def of(room: str) -> dict[str, str]:
        return emulator.backend.room_members(ACCOUNT, f"room-{room}")

    return of


class CliChild:
    """``python -m reconciler ARGV`` in a child process, from ``workdir`` (stdin /dev/null,
    output unbuffered); stdout read line by line as it comes, ``seen`` set at the first
    line ``marker`` accepts (the plan's last line, a watch's first stamped line).
    ``group``: the child leads a process group of its own (setsid), to whose every
    process a signal can be sent, as CI and systemd send it; ``sigint_ignored``: it
    starts with SIGINT ignored, as a non-interactive shell starts a background job."""

    def __init__(
        self,
        argv: Sequence[str],
        workdir: Path,
        marker: Callable[[str], bool],
        *,
        group: bool = False,
        sigint_ignored: bool = False,
    ) -> None:
        def ignore_sigint() -> None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)

        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reconciler", *argv],
            start_new_session=group,
            preexec_fn=ignore_sigint if sigint_ignored else None,
            cwd=workdir,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.marker = marker
        self.lines: list[str] = []
        self.seen = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if self.marker(line):
                self.seen.set()

    def signal(self, signum: int, group: bool = False) -> float:
        """Send ``signum`` to the child (``group``: to its whole process group); when."""
        if group:
            os.killpg(self.proc.pid, signum)
        else:
            self.proc.send_signal(signum)
        return time.monotonic()

    def finish(self, timeout: float = 30) -> tuple[int, list[str], str]:
        """Its exit code, stdout's lines and stderr, once it ends (killed after
        ``timeout`` seconds)."""
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        self.reader.join(5)
        assert self.proc.stderr is not None
        return code, self.lines, self.proc.stderr.read()


class Cli:
    """Runs the command line against one endpoint, from ``workdir``."""

    def __init__(self, endpoint_url: str, workdir: Path) -> None:
        self.endpoint_url = endpoint_url
        self.workdir = workdir

    def argv(self, args: Sequence[str]) -> list[str]:
        return ["--endpoint-url", self.endpoint_url, "--desired", DESIRED, *args]

    def __call__(self, *args: str) -> Run:
        """In-process (click's CliRunner); stdin is not a terminal. An exception escaping
        the command fails the test with its traceback."""
        return self.raw(*self.argv(args))

    def raw(self, *args: str) -> Run:
        """Like calling, without the ``--endpoint-url`` and ``--desired`` options."""
        with _shared_loaders():
            result = CliRunner().invoke(
                root_command, list(args), catch_exceptions=False, prog_name="chime-reconciler"
            )
        return Run(result.exit_code, result.stdout, result.stderr)

    def subprocess(self, *args: str, raw: bool = False) -> Run:
        """``python -m reconciler ARGS`` in a child process, stdin /dev/null."""
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", *(args if raw else self.argv(args))],
            cwd=self.workdir,
            env=os.environ.copy(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    def on_terminal(self, *args: str, answer: str) -> Run:
        """``python -m reconciler ARGS`` with stdin on a pseudo-terminal into which
        ``answer`` and a newline are typed; stdout and stderr are pipes (no colour)."""
        master, slave = pty.openpty()
        try:
            child = subprocess.Popen(
                [sys.executable, "-m", "reconciler", *self.argv(args)],
                cwd=self.workdir,
                env=os.environ.copy(),
                stdin=slave,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            # The terminal's line discipline holds the line until the prompt reads it.
            os.write(master, answer.encode() + b"\n")
            try:
                out, err = child.communicate(timeout=SUBPROCESS_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                child.communicate()
                raise
        finally:
            os.close(slave)
            os.close(master)
        return Run(child.returncode, out, err)


@pytest.fixture
def cli(emulator: EmulatorServer, workdir: Path) -> Cli:
    return Cli(emulator.url, workdir)


# --- the "ops" scenario: three rooms, every kind of change, one unchanged room ------------

OPS_SEED = seed_doc(
    users=("alice", "bob", "carol", "dave", "erin", "frank"),
    bots=("PagerBot",),
    webhooks=("Alerts",),
    rooms={
        "incident": [
            ("alice", "Member"),
            ("bob", "Administrator"),
            ("carol", "Member"),
            ("webhook:Alerts", "Member"),
        ],
        "releases": [("dave", "Administrator"), ("erin", "Member")],
        "quiet": [("frank", "Administrator")],
    },
)

OPS_DESIRED = {
    "settings.yaml": f"""
        account: {ACCOUNT}
        protected: [bob@example.com]
        """,
    "rooms.yaml": """
        rooms:
          incident:
            prune: true
            administrators: [alice@example.com]
            members: [dave@example.com, "bot:PagerBot"]
          releases:
            administrators: [dave@example.com]
            members: [frank@example.com]
          quiet:
            administrators: [frank@example.com]
        """,
}


DRIFT_LINES = [  # erin is in releases (prune off) and in no file: drift (issue 15)
    "Not in the desired state: 1 member in 1 room.",
    "Resolve with `import --adopt` (into the files) or `prune: true` (removes them).",
]


@dataclass(frozen=True)
class Scenario:
    emulator: EmulatorServer
    plan: list[str]  # what `plan` prints
    no_changes: list[str]  # what `plan` prints once applied
    drift: tuple[str, ...] = tuple(DRIFT_LINES)  # what no file declares (erin, in releases)
    # `plan --detailed-exitcode` once applied: 2, erin is drift (issue 15; it was 0)
    converged_exit: int = 2


@pytest.fixture
def ops(emulator: EmulatorServer, write_desired: WriteDesired) -> Scenario:
    """incident (pruned): a bot and a user added, a promotion, a removal, a webhook and a
    protected administrator left alone; releases: one added, one unmanaged; quiet: as
    declared."""
    emulator.reset(OPS_SEED)
    write_desired(OPS_DESIRED)
    return Scenario(
        emulator,
        plan=[
            f"# room incident (account {ACCOUNT}, id room-incident)",
            "  + bot:PagerBot (Member)",
            "  + dave@example.com (Member)",
            "  ~ alice@example.com: Member -> Administrator",
            "  - carol@example.com (Member)",
            "    unmanaged: webhook:Alerts (Member)",
            "    protected: bob@example.com (Administrator), left unchanged",
            "",
            f"# room releases (account {ACCOUNT}, id room-releases)",
            "  + frank@example.com (Member)",
            "    not in the desired state: erin@example.com (Member)",
            "",
            "1 room unchanged.",
            "",
            *DRIFT_LINES,
            "",
            "Plan: 3 to add, 1 to change, 1 to remove.",
        ],
        no_changes=[
            f"# room incident (account {ACCOUNT}, id room-incident)",
            "    unmanaged: webhook:Alerts (Member)",
            "    protected: bob@example.com (Administrator), left unchanged",
            "",
            f"# room releases (account {ACCOUNT}, id room-releases)",
            "    not in the desired state: erin@example.com (Member)",
            "",
            "1 room unchanged.",
            "",
            *DRIFT_LINES,
            "",
            "No changes, but Chime has 1 member the desired state does not declare.",
        ],
    )


@contextmanager
def local_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A server of ``handler`` on a free port of 127.0.0.1, in a thread, for as long as the
    block: its URL (a fake endpoint that answers as AWS or a proxy would not)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for the serving loop's next look: every 10 ms, not socketserver's 0.5 s
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
