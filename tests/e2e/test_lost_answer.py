"""A call whose answer was lost after it was sent (the connection closed before the
answer; the endpoint gone then) may have been made: apply says so, and never says a member
is absent without having read it (QA-O Q-O-2). It said `removed as DEFAULT, not added back
as HIDDEN (absent now: apply again adds it): EndpointConnectionError: Could not connect`,
JSON `left_absent: true`, though Chime had made the membership HIDDEN.

The CLI in process, the real boto3 client, the emulator over HTTP behind a TCP proxy that
drops the answer to the first batch create (carried out) and then refuses every
connection: the endpoint died mid-call."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator

import pytest
from conftest import Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
C2 = f"{INSTANCE}/channel/c2"


class DyingProxy:
    """Forwards to ``target``; the answer to the first request whose request line holds
    ``match`` is thrown away, and from then on no connection is served."""

    def __init__(self, target: int, match: bytes) -> None:
        self.target, self.match = target, match
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.dead = threading.Event()
        self.sockets: list[socket.socket] = [self.listener]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.dead.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target))
            with self.lock:
                self.sockets += [client, upstream]
            hit = threading.Event()
            threading.Thread(target=self._up, args=(client, upstream, hit), daemon=True).start()
            threading.Thread(target=self._down, args=(upstream, client, hit), daemon=True).start()

    def _up(self, client: socket.socket, upstream: socket.socket, hit: threading.Event) -> None:
        try:
            while data := client.recv(65536):
                if self.match in data.split(b"\r\n", 1)[0]:
                    hit.set()
                upstream.sendall(data)
        except OSError:
            pass

    def _down(self, upstream: socket.socket, client: socket.socket, hit: threading.Event) -> None:
        try:
            while data := upstream.recv(65536):
                if hit.is_set():  # carried out; its answer is lost, and the endpoint dies
                    self.close()
                    return
                client.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.dead.set()
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


@pytest.fixture
def proxy(emulator: EmulatorServer) -> Iterator[DyingProxy]:
    port = int(emulator.url.rsplit(":", 1)[1].rstrip("/"))
    p = DyingProxy(port, b"operation=batch-create")
    yield p
    p.close()


def test_a_type_change_whose_create_answer_was_lost_is_not_said_absent(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    proxy: DyingProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["r0"],
                    "users": [{"id": "r0"}, {"id": "u050"}, {"id": "u051"}],
                    "channels": [
                        {
                            "name": "c2",
                            "id": "c2",
                            "privacy": "PRIVATE",
                            "mode": "RESTRICTED",
                            "members": ["u050", "u051"],
                            "moderators": ["u050"],
                        }
                    ],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:r0\n",
            "chat.yaml": "channels:\n  c2:\n    members: [user:u050]\n"
            "    hidden: [user:u051]\n    moderators: [user:u050]\n",
        }
    )
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")
    dying = Cli(f"http://127.0.0.1:{proxy.port}", cli.workdir)
    run = dying("apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 1, run.stdout + run.stderr
    failed = [line for line in run.lines if line.startswith("  ! ~ user:u051: ")]
    assert len(failed) == 1, run.stdout
    assert failed[0].startswith(
        "  ! ~ user:u051: DEFAULT -> HIDDEN (replace: a membership type changes by delete "
        "and create) in c2: removed as DEFAULT, added back as HIDDEN or not: "
    )
    assert failed[0].endswith("(an answer was lost: the call may have been made; plan shows)")
    assert "absent now" not in run.stdout
    (change,) = json.loads((cli.workdir / "result.json").read_text())["changes"]
    assert (change["outcome"], change["left_absent"]) == ("failed", None)
    assert "may have been made" in change["error"]["message"]
    # it was made: the live state has it, and the plan (the endpoint back) is clean
    assert emulator.messaging.channel_members(C2)[f"{INSTANCE}/user/u051"] == "HIDDEN"
    plan = cli("plan", "--detailed-exitcode")
    assert plan.exit_code == 0, plan.stdout + plan.stderr


def test_a_read_whose_answer_was_lost_does_not_say_it_may_have_been_made(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """QA-FB Q-FB-3: a plan whose ListChannelMemberships lost its answer failed with `(an
    answer was lost: the call may have been made; plan shows)`, a note about writes: a
    read changes nothing. It fails as a read answered 5xx does: `(gave up after 1
    attempt)`, and nothing more."""
    emulator.reset(
        {
            "app_instances": [
                {
                    "arn": INSTANCE,
                    "name": "chat",
                    "admins": ["r0"],
                    "users": [{"id": "r0"}, {"id": "u050"}],
                    "channels": [{"name": "c2", "id": "c2", "members": ["u050"]}],
                }
            ]
        }
    )
    write_desired(
        {
            "settings.yaml": f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:r0\n",
            "chat.yaml": "channels:\n  c2:\n    members: [user:u050]\n",
        }
    )
    port = int(emulator.url.rsplit(":", 1)[1].rstrip("/"))
    proxy = DyingProxy(port, b"/memberships?")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    try:
        run = Cli(f"http://127.0.0.1:{proxy.port}", cli.workdir)("plan")
    finally:
        proxy.close()
    assert run.exit_code == 1, run.stdout + run.stderr
    (error,) = [line for line in run.err_lines if line.startswith("Error: ")]
    assert error.startswith(
        f"Error: ListChannelMemberships failed (channel {C2}): ConnectionClosedError: "
    ), error
    assert error.endswith(". (gave up after 1 attempt)"), error
    assert "may have been made" not in run.stdout + run.stderr
