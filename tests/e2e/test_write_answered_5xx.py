"""A write that Chime made but that was answered 5xx on its way back (a gateway's 502 HTML
page, QA-CG Q-CG-2): the CLI in process, the real boto3 client, the emulator over HTTP
behind a reverse proxy that forwards every request and replaces the answer to chosen ones
with a gateway's ``502 Bad Gateway`` page.

Such an answer does not say the write was not made, as a lost answer does not: a failure
says it may have been made (``left_absent`` null), and a retry that meets ``Conflict`` or
``NotFound`` is this apply's own doing (``answer_lost``), not someone else's. The same
endpoint answered the run's other calls, so the failure does not tell to check
--endpoint-url."""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler

import pytest
from conftest import ACCOUNT, Cli, WriteDesired, local_server

from reconciler.emulator import EmulatorServer

pytestmark = pytest.mark.e2e

SETTINGS = f"account: {ACCOUNT}\n"
PAGE = b"<html><head><title>502 Bad Gateway</title></head><body>502</body></html>"


@contextlib.contextmanager
def gateway(emulator: EmulatorServer, fails: Mapping[str, int | None]) -> Iterator[str]:
    """A proxy to the emulator; the answer to a request whose method is in ``fails`` is a
    502 HTML page, after the emulator made it, as many times as given (None: always)."""
    port = int(emulator.url.rsplit(":", 1)[1].rstrip("/"))
    left = dict(fails)
    lock = threading.Lock()

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            upstream = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            upstream.request(self.command, self.path, body, dict(self.headers.items()))
            answer = upstream.getresponse()
            data = answer.read()
            upstream.close()
            with lock:
                n = left.get(self.command, 0)
                fail = n is None or n > 0
                if fail and n is not None:
                    left[self.command] = n - 1
            if fail:  # made; a gateway's page instead of its answer
                status, headers, data = 502, [("Content-Type", "text/html")], PAGE
            else:
                status = answer.status
                skip = ("content-length", "transfer-encoding", "connection")
                headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in skip]
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, *args: object) -> None:
            pass

    with local_server(Proxy) as url:
        yield url


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_BASE_MS", "1")


def _room(emulator: EmulatorServer) -> dict[str, str]:
    return dict(emulator.backend.room_members(ACCOUNT, "room-small"))


def test_a_bot_whose_delete_was_answered_502_may_be_absent(
    emulator: EmulatorServer,
    seed,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
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
    with gateway(emulator, {"DELETE": None}) as url:
        run = Cli(url, cli.workdir)("apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 1, run.stdout + run.stderr
    assert "bid-B0" not in _room(emulator)  # the delete was made: the bot is out
    (failed,) = [line for line in run.lines if line.startswith("  ! ~ bot:B0: ")]
    assert failed.startswith(
        "  ! ~ bot:B0: Member -> Administrator (replace: bots cannot be updated in place) "
        "in small: removed as Member or not, not added back as Administrator "
        "(may be absent now): 502: Bad Gateway: "
    ), failed
    assert failed.endswith(
        "(gave up after 1 attempt) (answered 502: the call may have been made; plan shows)"
    ), failed
    assert "check --endpoint-url" not in failed  # it answered the plan's reads
    (change,) = json.loads((cli.workdir / "result.json").read_text())["changes"]
    assert (change["outcome"], change["left_absent"]) == ("failed", None)
    again = cli("apply", "--auto-approve")
    assert again.exit_code == 0, again.stdout + again.stderr
    assert _room(emulator)["bid-B0"] == "Administrator"


def test_a_create_and_a_removal_answered_502_then_conflict_are_this_applys(
    emulator: EmulatorServer,
    seed,
    write_desired: WriteDesired,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "2")
    seed(users=("u0", "u5", "u6"), rooms={"small": [("u0", "Administrator"), ("u5", "Member")]})
    write_desired(
        {
            "settings.yaml": SETTINGS,
            "rooms.yaml": "rooms:\n  small:\n    prune: true\n"
            "    administrators: [u0@example.com]\n    members: [u6@example.com]\n",
        }
    )
    with gateway(emulator, {"DELETE": 1, "POST": 1}) as url:
        run = Cli(url, cli.workdir)("apply", "--auto-approve", "--out", "result.json")
    assert run.exit_code == 0, run.stdout + run.stderr
    assert _room(emulator) == {"uid-u0": "Administrator", "uid-u6": "Member"}
    assert run.lines[-1] == (
        "Apply complete! Memberships: 1 added, 0 changed, 1 removed "
        "(2 found made when tried again after a lost answer)."
    )
    result = json.loads((cli.workdir / "result.json").read_text())
    assert [(c["member"], c["outcome"], c["answer_lost"]) for c in result["changes"]] == [
        ("u6@example.com", "ok", True),
        ("u5@example.com", "ok", True),
    ]
