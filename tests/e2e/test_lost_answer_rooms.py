"""A room's write whose answer was lost after Chime made it (QA-U): the CLI in process, the
real boto3 client, the emulator over HTTP behind a TCP proxy that forwards every request
and throws away the answer to chosen ones (the connection closed instead: the call was
made, its answer lost).

Q-U-1: a bot's role change is a delete then a create; its delete made, the answer lost (and
a retry's too), the bot is out of the room: it was said `left_absent: false` (still there,
with its old role), with nothing in the text about its absence.

Q-U-2: a create and a removal made, their answers lost, tried again and met by `Conflict` /
`NotFound`: they were said `already present` / `already gone` (someone else's doing), and
`0 added, 0 removed`, though this apply made both."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator, Mapping

import pytest
from conftest import ACCOUNT, Cli, WriteDesired

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

SETTINGS = f"account: {ACCOUNT}\n"


class DroppingProxy:
    """Forwards to ``target``; the answer to a request whose method is in ``drops`` is
    thrown away (its connection closed) as many times as given there (None: always)."""

    def __init__(self, target: int, drops: Mapping[bytes, int | None]) -> None:
        self.target, self.drops = target, dict(drops)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        self.lock = threading.Lock()
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
            method: list[bytes] = [b""]  # of the request being answered
            threading.Thread(target=self._up, args=(client, upstream, method), daemon=True).start()
            threading.Thread(
                target=self._down, args=(upstream, client, method), daemon=True
            ).start()

    def _up(self, client: socket.socket, upstream: socket.socket, method: list[bytes]) -> None:
        try:
            while data := client.recv(65536):
                first = data.split(b" ", 1)[0]
                if first.isalpha() and first.isupper():  # a request line, not a body
                    method[0] = first
                upstream.sendall(data)
        except OSError:
            pass

    def _down(self, upstream: socket.socket, client: socket.socket, method: list[bytes]) -> None:
        try:
            while data := upstream.recv(65536):
                with self.lock:
                    left = self.drops.get(method[0], 0)
                    if left is None or left > 0:
                        if left is not None:
                            self.drops[method[0]] = left - 1
                        break  # made; its answer lost
                client.sendall(data)
        except OSError:
            pass
        for s in (client, upstream):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


@contextlib.contextmanager
def dropping(emulator: EmulatorServer, drops: Mapping[bytes, int | None]) -> Iterator[int]:
    port = int(emulator.url.rsplit(":", 1)[1].rstrip("/"))
    proxy = DroppingProxy(port, drops)
    try:
        yield proxy.port
    finally:
        proxy.close()


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")


def _room(emulator: EmulatorServer) -> dict[str, str]:
    return dict(emulator.backend.room_members(ACCOUNT, "room-small"))


def test_a_bot_whose_delete_answer_was_lost_may_be_absent(
    emulator: EmulatorServer, seed, write_desired: WriteDesired, cli: Cli
) -> None:
    seed(
        users=("u0",),
        bots=("B0",),
        rooms={"small": [("u0", "Administrator"), ("bot:B0", "Member")]},
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms.yaml": "rooms:\n  small:\n    administrators: [u0@example.com, bot:B0]\n",
        }
    )
    with dropping(emulator, {b"DELETE": None}) as port:
        run = Cli(f"http://127.0.0.1:{port}", cli.workdir)(
            "apply", "--auto-approve", "--out", "result.json"
        )
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "bid-B0" not in _room(emulator)  # the delete was made: the bot is out
    (failed,) = [line for line in run.lines if line.startswith("  ! ~ bot:B0: ")]
    assert failed.startswith(
        "  ! ~ bot:B0: Member -> Administrator (replace: bots cannot be updated in place) "
        "in small: removed as Member or not, not added back as Administrator "
        "(may be absent now): "
    ), failed
    assert failed.endswith("(an answer was lost: the call may have been made; plan shows)")
    (change,) = json.loads((cli.workdir / "result.json").read_text())["changes"]
    assert (change["outcome"], change["left_absent"]) == ("failed", None)
    # the endpoint back, apply adds it back
    again = cli("apply", "--auto-approve")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert _room(emulator)["bid-B0"] == "Administrator"


def test_a_bot_delete_that_failed_without_a_lost_answer_is_still_there(
    emulator: EmulatorServer,
    seed,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other side: a delete refused every time (throttled past the budget: no answer
    lost) left it there. (A 5xx is no refusal: it may have been made,
    test_write_answered_5xx.) A budget of 2 attempts: with the default 10, the pacer's
    slowing after each 429 (down to its floor, a call every 5 s) made this test 106 s."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    seed(
        users=("u0",),
        bots=("B0",),
        rooms={"small": [("u0", "Administrator"), ("bot:B0", "Member")]},
    )
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms.yaml": "rooms:\n  small:\n    administrators: [u0@example.com, bot:B0]\n",
        }
    )
    emulator.set_faults(throttle_rate=1.0, operations=["DeleteRoomMembership"])
    run = cli("apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert _room(emulator)["bid-B0"] == "Member"
    (change,) = json.loads((cli.workdir / "result.json").read_text())["changes"]
    assert (change["outcome"], change["left_absent"]) == ("failed", False)
    assert "may be absent" not in run.stdout
    assert "may have been made" not in run.stdout


def test_a_create_and_a_removal_whose_answers_were_lost_are_this_applys(
    emulator: EmulatorServer, seed, write_desired: WriteDesired, cli: Cli
) -> None:
    seed(users=("u0", "u5", "u6"), rooms={"small": [("u0", "Administrator"), ("u5", "Member")]})
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms.yaml": "rooms:\n  small:\n    prune: true\n"
            "    administrators: [u0@example.com]\n    members: [u6@example.com]\n",
        }
    )
    with dropping(emulator, {b"DELETE": 1, b"POST": 1}) as port:
        run = Cli(f"http://127.0.0.1:{port}", cli.workdir)(
            "apply", "--auto-approve", "--out", "result.json"
        )
    assert run.exit_code == 0, run.stdout + run.stderr
    assert _room(emulator) == {"uid-u0": "Administrator", "uid-u6": "Member"}
    assert run.lines[-1] == (
        "Apply complete! Memberships: 1 added, 0 changed, 1 removed "
        "(2 found made when tried again after a lost answer)."
    )
    result = json.loads((cli.workdir / "result.json").read_text())
    summary = result["summary"]
    assert (summary["ok"], summary["already"], summary["added"], summary["removed"]) == (2, 0, 1, 1)
    assert [(c["member"], c["outcome"], c["answer_lost"]) for c in result["changes"]] == [
        ("u6@example.com", "ok", True),
        ("u5@example.com", "ok", True),
    ]
