"""A channel membership's type change (DEFAULT -> HIDDEN: a delete, then a create) that
fails, next to a moderator grant of the same member that succeeds (QA-CW): the CLI in
process, the real boto3 client, the emulator over HTTP.

Q-CW-1: the failure line said only `! b@example.com in c: ConflictException: ...` next to
`ok + b@example.com (Moderator) in c`: nothing told which of the two changes failed. It
names the change now, as the plan and the Applied lines do.

Q-CW-2: the delete half made, its answer lost, its retry answered ConflictException: it was
reported failed (`may be absent now`), and the member, declared hidden, stayed out of the
channel until the next apply, though the README says such a removal counts as made. Apply
reads the membership now: gone, the delete was made and the create follows; there still,
it was not, and the failure says nothing of an absence. Through a TCP proxy that loses the
answer to the first DeleteChannelMembership (carried out, or not sent on) and, before the
client sees the connection close, makes the emulator answer every later one with
ConflictException."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from conftest import UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat"
CHANNEL = f"{INSTANCE}/channel/c"
SETTINGS = (
    f"app_instances:\n  chat:\n    arn: {INSTANCE}\n    bearer: user:reconciler\n"
    "    user_id_from: email\nsafety: {min_moderators: 1}\n"
)
SEED = {
    "app_instances": [
        {
            "arn": INSTANCE,
            "name": "chat",
            "admins": ["reconciler"],
            "users": [{"id": "reconciler"}, {"id": "a@example.com"}, {"id": "b@example.com"}],
            "channels": [
                {
                    "name": "c",
                    "id": "c",
                    "privacy": "PRIVATE",
                    "mode": "RESTRICTED",
                    "members": ["a@example.com", "b@example.com"],
                    "moderators": ["a@example.com"],
                }
            ],
        }
    ]
}


def _desired(write_desired: WriteDesired, moderators: str) -> None:
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": "channels:\n  c:\n    prune: true\n    members: [a@example.com]\n"
            f"    hidden: [b@example.com]\n    moderators: [{moderators}]\n",
        }
    )


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")


def test_a_failed_type_change_says_which_change_failed(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    emulator.reset(SEED)
    _desired(write_desired, "a@example.com, b@example.com")
    emulator.set_faults(conflict_rate=1.0, operations=["DeleteChannelMembership"])
    run = cli(*UNPACED, "apply", "--auto-approve")
    assert run.exit_code == 1, run.stdout + run.stderr
    at = run.lines.index("Applied:")
    assert run.lines[at : at + 4] == [
        "Applied:",
        "  ok + b@example.com (Moderator) in c",
        "Failed:",
        "  ! ~ b@example.com: DEFAULT -> HIDDEN (replace: a membership type changes by "
        "delete and create) in c: ConflictException: The request could not be processed "
        "because of conflict in the current state of the resource (injected fault).",
    ]
    assert emulator.messaging.channel_members(CHANNEL)[f"{INSTANCE}/user/b@example.com"] == (
        "DEFAULT"
    )


class LosingProxy:
    """Forwards to ``target``. The first ``DELETE .../memberships/...`` request is carried
    out (``made``) or not sent on, and its answer lost: ``then()`` runs, and the client's
    connection is closed."""

    def __init__(self, target: int, made: bool, then: Callable[[], None]) -> None:
        self.target, self.made, self.then = target, made, then
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        self.lock = threading.Lock()
        self.lost = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
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

    def _take(self, data: bytes) -> bool:
        """Whether ``data`` starts the request whose answer is lost (the first one)."""
        line = data.split(b"\r\n", 1)[0]
        with self.lock:
            if self.lost or not (line.startswith(b"DELETE ") and b"/memberships/" in line):
                return False
            self.lost = True
            return True

    def _up(self, client: socket.socket, upstream: socket.socket, hit: threading.Event) -> None:
        try:
            while data := client.recv(65536):
                if self._take(data):
                    if not self.made:  # never sent on: lost on the way
                        self.then()
                        self._close(client, upstream)
                        return
                    hit.set()
                upstream.sendall(data)
        except OSError:
            pass

    def _down(self, upstream: socket.socket, client: socket.socket, hit: threading.Event) -> None:
        try:
            while data := upstream.recv(65536):
                if hit.is_set():  # carried out; its answer is lost
                    self.then()
                    break
                client.sendall(data)
        except OSError:
            pass
        self._close(client, upstream)

    @staticmethod
    def _close(*sockets: socket.socket) -> None:
        for s in sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        with self.lock:
            sockets = list(self.sockets)
        self._close(*sockets)


@contextlib.contextmanager
def losing(emulator: EmulatorServer, made: bool) -> Iterator[int]:
    """A proxy losing the first membership delete's answer; every later one is answered
    ConflictException by the emulator."""

    def conflicts() -> None:
        emulator.set_faults(conflict_rate=1.0, operations=["DeleteChannelMembership"])

    port = int(emulator.url.rsplit(":", 1)[1].rstrip("/"))
    proxy = LosingProxy(port, made, conflicts)
    try:
        yield proxy.port
    finally:
        proxy.close()


def _types(emulator: EmulatorServer) -> dict[str, str]:
    live = emulator.messaging.channel_members(CHANNEL)
    return {arn.rsplit("/", 1)[1]: kind for arn, kind in live.items()}


def test_a_type_change_whose_delete_was_made_and_answered_conflict_goes_on(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    calls: Callable[[], dict[str, int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    emulator.reset(SEED)
    _desired(write_desired, "a@example.com")
    emulator.reset_calls()
    with losing(emulator, made=True) as port:
        run = Cli(f"http://127.0.0.1:{port}", cli.workdir)(
            "apply", "--auto-approve", "--out", "result.json"
        )
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == "Apply complete! Memberships: 0 added, 1 changed, 0 removed."
    assert _types(emulator) == {"a@example.com": "DEFAULT", "b@example.com": "HIDDEN"}
    counted = calls()
    assert counted["DeleteChannelMembership"] == 2  # made (answer lost), then Conflict
    assert counted["BatchCreateChannelMembership"] == 1
    (change,) = json.loads((cli.workdir / "result.json").read_text())["changes"]
    assert (change["outcome"], change["left_absent"], change["verified"]) == ("ok", False, True)
    emulator.set_faults()
    assert cli(*UNPACED, "plan", "--detailed-exitcode").exit_code == 0


def test_a_type_change_whose_delete_was_not_made_and_answered_conflict_is_not_said_absent(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other side: the lost attempt never reached Chime; read, b is still there as
    DEFAULT: the change fails, and does not say b may be absent."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    emulator.reset(SEED)
    _desired(write_desired, "a@example.com")
    with losing(emulator, made=False) as port:
        run = Cli(f"http://127.0.0.1:{port}", cli.workdir)(
            "apply", "--auto-approve", "--out", "result.json"
        )
    assert run.exit_code == 1, run.stdout + run.stderr
    assert _types(emulator) == {"a@example.com": "DEFAULT", "b@example.com": "DEFAULT"}
    (failed,) = [line for line in run.lines if line.startswith("  ! ")]
    assert failed.startswith(
        "  ! ~ b@example.com: DEFAULT -> HIDDEN (replace: a membership type changes by delete "
        "and create) in c: ConflictException: "
    ), failed
    assert "absent" not in run.stdout
    (change,) = json.loads((cli.workdir / "result.json").read_text())["changes"]
    assert (change["outcome"], change["left_absent"]) == ("failed", False)


def test_a_removal_whose_delete_was_made_and_answered_conflict_is_this_applys(
    emulator: EmulatorServer,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the README says: `ok`, counted removed, found made after a lost answer."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    emulator.reset(SEED)
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "chat.yaml": "channels:\n  c:\n    prune: true\n    members: [a@example.com]\n"
            "    moderators: [a@example.com]\n",
        }
    )
    with losing(emulator, made=True) as port:
        run = Cli(f"http://127.0.0.1:{port}", cli.workdir)(
            "apply", "--auto-approve", "--out", "result.json"
        )
    assert run.exit_code == 0, run.stdout + run.stderr
    assert run.lines[-1] == (
        "Apply complete! Memberships: 0 added, 0 changed, 1 removed "
        "(1 found made when tried again after a lost answer)."
    )
    assert _types(emulator) == {"a@example.com": "DEFAULT"}
    (change,) = json.loads((cli.workdir / "result.json").read_text())["changes"]
    assert (change["outcome"], change["answer_lost"]) == ("ok", True)
