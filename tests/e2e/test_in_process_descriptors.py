"""A run of the command line in a process of yours (``reconciler.cli.main()``, click's
``CliRunner``, as the suite runs it) leaves no file descriptor open once it returns.

Each run left the sockets of its API clients' connections open until the process ended
(QA-LE Q-LE-11): a botocore client is a cycle only the garbage collector frees, and the
run moves what exists while it loads the desired state out of its reach (``gc.freeze``),
so nothing ever closed them. A test worker of the suite reached 1,024 descriptors. The
run now closes its clients when it ends (``AppContext.close``).

The commands here stand for the others: each reads Chime (plan, audit, explain, import),
writes it (apply, a saved plan applied), or makes its calls from a second process
(``--api-process on``).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import ACCOUNT, local_server

from reconciler.emulator.errors import ServiceFailureError

GHOST_ROOM = """
    rooms:
      ghost:
        account: "999999999999"
        members: [alice@example.com]
    """
SETTLE_S = 3.0  # the emulator's side of a closed connection is closed by its own thread


def descriptors() -> dict[int, str]:
    """This process's open file descriptors: number -> what it is (``socket:[...]``)."""
    found = {}
    for name in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # the listing's own, closed since
            found[int(name)] = os.readlink(f"/proc/self/fd/{name}")
    return found


def opened_since(before: dict[int, str]) -> dict[int, str]:
    """The descriptors open now and not in ``before``, once any still closing have (at
    most ``SETTLE_S``)."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        now = descriptors()
        new = {fd: what for fd, what in now.items() if before.get(fd) != what}
        if not new or time.monotonic() >= deadline:
            return new
        time.sleep(0.02)


def test_runs_in_this_process_leave_no_descriptor_open(
    ops: Any, cli: Any, workdir: Path, write_desired: Any
) -> None:
    def plan_with_an_api_error(*options: str) -> Any:
        """A plan whose call failed: the error keeps the answer, and its connection."""
        write_desired({"elsewhere.yaml": GHOST_ROOM})
        return cli(*options, "plan")

    runs: list[Callable[[], Any]] = [
        lambda: cli("plan"),
        lambda: cli("--api-process", "on", "plan"),
        lambda: cli("audit", "carol@example.com"),
        lambda: cli("explain", "alice@example.com"),
        lambda: cli("plan", "--out", "saved.plan"),
        lambda: cli("apply", "saved.plan"),
        lambda: cli("apply", "--auto-approve"),
        lambda: cli("import", "--out", str(workdir / "imported")),
        plan_with_an_api_error,
        lambda: plan_with_an_api_error("--api-process", "on"),
    ]
    runs[0]()  # what a first run opens for the process's life (its imports), opened
    before = descriptors()
    finished = [run() for run in runs]
    assert [r.exit_code for r in finished] == [0] * (len(runs) - 2) + [1, 1]
    assert "(ListRooms answered NotFoundException)" in finished[-1].stdout
    assert finished[-1].stdout == finished[-2].stdout
    assert finished[5].lines[-1] == "Apply complete! Memberships: 3 added, 1 changed, 1 removed."
    assert opened_since(before) == {}


def test_a_directory_where_a_file_is_read_leaves_no_descriptor_open(
    emulator: Any, cli: Any, workdir: Path
) -> None:
    # the directory was opened, found no file, and refused, its descriptor left open
    settings = workdir / "desired-state" / "settings.yaml"
    settings.mkdir(parents=True)
    before = descriptors()
    run = cli("import")
    assert (run.exit_code, run.stdout) == (1, "")
    assert "desired-state/settings.yaml:1: cannot read file: Is a directory" in run.stderr
    assert opened_since(before) == {}


def test_the_demo_leaves_no_descriptor_open(cli: Any) -> None:
    # its clients are its own (for its own emulator): they were never closed
    example = Path(__file__).resolve().parents[2] / "desired-state"
    before = descriptors()
    run = cli.raw("--desired", str(example), "demo")
    assert (run.exit_code, run.stderr) == (0, "")
    assert opened_since(before) == {}


class InstanceMetadata(BaseHTTPRequestHandler):
    """An instance metadata service (IMDSv2) that gives a role's credentials."""

    protocol_version = "HTTP/1.1"  # connections kept open, as the real one keeps them
    ROLES = "/latest/meta-data/iam/security-credentials/"
    CREDENTIALS = {
        "Code": "Success",
        "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
        "SecretAccessKey": "instance-secret",
        "Token": "instance-token",
        "Expiration": "2099-01-01T00:00:00Z",
    }

    def answer(self, status: int, body: str = "") -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self) -> None:  # the session token
        self.answer(200, "imds-token")

    def do_GET(self) -> None:
        if self.path == self.ROLES:
            self.answer(200, "reconciler-role")
        elif self.path == self.ROLES + "reconciler-role":
            self.answer(200, json.dumps(self.CREDENTIALS))
        else:
            self.answer(404)

    def log_message(self, *args: Any) -> None:  # no line per request on stderr
        pass


def test_credentials_from_the_instance_leave_no_descriptor_open(
    ops: Any, cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the credential chain's connection to the instance metadata service stayed open
    with local_server(InstanceMetadata) as url:
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "false")
        monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", f"{url}/")
        cli("plan")  # what a first run opens for the process's life, opened
        before = descriptors()
        runs = [cli("plan") for _ in range(2)]
        assert [r.exit_code for r in runs] == [0, 0]
        assert opened_since(before) == {}


class HeldReads:
    """The emulator's ``ListRoomMemberships``, held: the room ``bad``'s read fails (500,
    every attempt) once the other rooms' reads are all in flight, and those are answered
    only when ``release`` is called, or ``HOLD_S`` after they arrived. So one parallel read
    fails for good while the others' requests are under way, whatever the machine's load;
    ``in_flight`` counts the requests not answered yet."""

    HOLD_S = 0.5  # well within what a failed read waits for (parallel.STRAGGLERS_S)

    def __init__(self, emulator: Any, others: int) -> None:
        self.app = emulator.app
        self.handle = self.app.handle
        self.others = others
        self.lock = threading.Condition()
        self.arrived = 0
        self.in_flight = 0
        self.released = threading.Event()

    def __call__(self, method: str, target: str, *args: Any) -> Any:
        if method != "GET" or not target.split("?")[0].endswith("/memberships"):
            return self.handle(method, target, *args)
        if "/rooms/room-bad/" in target:
            with self.lock:
                self.lock.wait_for(lambda: self.arrived >= self.others, timeout=5)
            return self.app.error(ServiceFailureError("The service failed."))
        with self.lock:
            self.arrived += 1
            self.in_flight += 1
            self.lock.notify_all()
        try:
            self.released.wait(self.HOLD_S)
            return self.handle(method, target, *args)
        finally:
            with self.lock:
                self.in_flight -= 1

    def release(self) -> None:
        self.released.set()


@pytest.mark.parametrize(
    "command",
    [["explain", "alice@example.com"], ["import", "--out", "imported"], ["plan"]],
    ids=["explain", "import", "plan"],
)
def test_a_parallel_read_failing_waits_for_the_others_and_leaves_no_descriptor_open(
    command: list[str],
    seed: Any,
    cli: Any,
    write_desired: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # QA-GU Q-GU-1: the run ended (and closed its clients) with the other reads under way;
    # one that had passed its last check then connected anew: a socket nobody closed
    names = ["bad", "r1", "r2", "r3"]
    emulator = seed(users=["alice"], rooms={n: [("alice", "Member")] for n in names})
    rooms = "".join(
        f"  {n}:\n    account: '{ACCOUNT}'\n    members: [alice@example.com]\n" for n in names
    )
    write_desired({"rooms.yaml": "rooms:\n" + rooms})
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    cli("validate")  # what a first run opens for the process's life (its imports), opened
    before = descriptors()
    held = HeldReads(emulator, others=len(names) - 1)
    monkeypatch.setattr(emulator.app, "handle", held)
    try:
        run = cli("--parallelism", "4", *command)
        in_flight_at_return = held.in_flight
    finally:
        held.release()
    assert run.exit_code == 1
    assert "Error: ListRoomMemberships failed" in run.stderr + run.stdout
    assert "ServiceFailureException" in run.stderr + run.stdout
    # the other reads were waited for: none of the run's requests outlives it
    assert in_flight_at_return == 0
    assert not [t.name for t in threading.enumerate() if t.name.startswith("pmap_")]
    assert opened_since(before) == {}


def test_a_client_closed_at_the_run_s_end_opens_no_connection(
    seed: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a reader not waited for (its request never answered, a Ctrl-C) that tried a call
    # once the run had closed its clients opened a connection nobody closed (Q-GU-1)
    from botocore.exceptions import HTTPClientError

    from reconciler.cli.context import AppContext

    emulator = seed(users=["alice"])
    for name, value in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}.items():
        monkeypatch.setenv(name, value)
    app = AppContext(Path("."), emulator.url, None, "us-east-1", 1, True, 0)
    client = app.client()
    assert client.list_accounts()["Accounts"]
    accepted = emulator.connections_accepted
    before = descriptors()
    app.close()
    with pytest.raises(HTTPClientError, match="closed when the run ended"):
        client.list_accounts()
    assert emulator.connections_accepted == accepted
    assert opened_since(before) == {}
