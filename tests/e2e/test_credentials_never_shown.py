"""AWS credentials never reach a terminal, a log or a file: an AWS error that echoes the
signed request (SignatureDoesNotMatch quotes the canonical request, the session token's
header among them; IncompleteSignature quotes the Authorization header, the access key id
in it) is shown with them masked, on stderr, in -vv lines and in the saved plan."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, local_server

pytestmark = pytest.mark.e2e

KEY_ID = "AKIAQAQAQAQAQAEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue/+=="


class _EchoesTheRequest(BaseHTTPRequestHandler):
    """Answers every call as AWS answers a request it cannot verify: 403, with the
    request's credential headers (as it received them) in the message."""

    def _refuse(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        token = self.headers.get("X-Amz-Security-Token", "")
        authorization = self.headers.get("Authorization", "")[:80]
        body = json.dumps(
            {
                "message": "The request signature we calculated does not match the signature "
                f"you provided: x-amz-security-token:{token} Authorization={authorization}"
            }
        ).encode()
        self.send_response(403, "Forbidden")
        self.send_header("Content-Type", "application/json")
        self.send_header("x-amzn-ErrorType", "InvalidSignatureException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _refuse

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def echoing_endpoint() -> Iterator[str]:
    with local_server(_EchoesTheRequest) as url:
        yield url


@pytest.mark.parametrize(
    "command", [("plan", "--out", "plan.json"), ("audit", "alice@example.com")]
)
def test_credentials_echoed_by_aws_are_never_shown(
    ops: Any,
    workdir: Path,
    echoing_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    """Before, the session token and the access key id were printed as AWS echoed them
    (`Error: ListRooms failed ...: x-amz-security-token:IQoJ...`), and kept in plan.json."""
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    run = Cli(echoing_endpoint, workdir).subprocess("-vv", *command)
    assert run.exit_code == 1, run.stderr
    assert "InvalidSignatureException" in run.stderr  # the error is shown...
    assert "x-amz-security-token:***" in run.stderr  # ... masked
    assert "Credential=***/" in run.stderr
    saved = workdir / "plan.json"
    written = saved.read_text() if saved.exists() else ""
    for secret in (KEY_ID, SECRET, TOKEN):
        assert secret not in run.stdout + run.stderr + written
