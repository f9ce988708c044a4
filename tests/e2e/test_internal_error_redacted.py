"""An internal error (a bug: an exception nothing expected) is said with its message and,
at -vv, its traceback; neither shows a credential (Q-BE-1: both were printed as they
were: the message unredacted, the traceback by Python itself).

The error is a real one: an endpoint that answers a meeting's attendees with a NextToken
that is a JSON object, not the string the API's model says (here one that echoes the
request's session token, the endpoint's password and a proxy URL with its user and
password), is not an answer the tool expects: passing it back as the next page's token,
botocore refuses it. (An unknown role was the error until it became a clear one, QA-DB
L-DB-1: tests/e2e/test_unknown_live_values.py.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, local_server
from test_create_retries_e2e import MEETING

pytestmark = pytest.mark.e2e

KEY_ID = "AKIAQBQBQBQBQBEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYBUGSECRETKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEBUGSESSIONTOKENvalue"
ENDPOINT_PASSWORD = "endpoint-Pa55w0rd"
PROXY = "http://proxyuser:proxy-Pa55w0rd@proxy.example:3128/"
SECRETS = (KEY_ID, SECRET, TOKEN, ENDPOINT_PASSWORD, "proxyuser", "proxy-Pa55w0rd")
BUG = "Internal error (this is a bug in chime-reconciler, please report it): ParamValidationError: "
TOKEN_SHOWN = "{'Token': 'x-amz-security-token:*** *** via http://***@proxy.example:3128/'}"
INVALID = (
    f"Invalid type for parameter NextToken, value: {TOKEN_SHOWN}, type: <class 'dict'>, "
    "valid types: <class 'str'>"
)
FAILED = "Parameter validation failed:"
SHOWN = f"{FAILED}\\n{INVALID}"  # the line break shown escaped


class _AnswersATokenObject(BaseHTTPRequestHandler):
    """Meeting ``MEETING``, whose attendees' listing answers a NextToken that is an
    object quoting the request's session token, the endpoint's password and a proxy's
    URL."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        token = self.headers.get("X-Amz-Security-Token", "")
        text = f"x-amz-security-token:{token} {ENDPOINT_PASSWORD} via {PROXY}"
        document: dict[str, Any]
        if "/attendees" in self.path:
            document = {"Attendees": [], "NextToken": {"Token": text}}
        else:
            document = {"Meeting": {"MeetingId": MEETING, "MediaRegion": "us-east-1"}}
        body = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def buggy_answers(
    workdir: Path, write_desired: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cli]:
    write_desired({"meetings.yaml": f"meetings: {{bridge: {{meeting_id: {MEETING}}}}}\n"})
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    with local_server(_AnswersATokenObject) as url:
        endpoint = url.replace("http://", f"http://svc:{ENDPOINT_PASSWORD}@")
        yield Cli(endpoint, workdir)


def test_an_internal_error_shows_no_credential(buggy_answers: Cli) -> None:
    run = buggy_answers.subprocess("plan")
    assert (run.exit_code, run.err_lines) == (1, [BUG + SHOWN])
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr


@pytest.mark.parametrize(
    "verbose", [("-vv",), ("-v", "-v"), ("--verbose", "--verbose")], ids=" ".join
)
def test_an_internal_errors_traceback_at_double_verbose_shows_no_credential(
    buggy_answers: Cli, verbose: tuple[str, ...]
) -> None:
    """At -vv however it is written (Q-CA-2: `-v -v` showed no traceback)."""
    run = buggy_answers.subprocess(*verbose, "plan")
    assert run.exit_code == 1
    lines = run.err_lines
    assert BUG + SHOWN in lines
    traceback = lines[lines.index(BUG + SHOWN) + 1 :]
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-2:] == ["botocore.exceptions.ParamValidationError: " + FAILED, INVALID]
    assert any(line.startswith('  File "') for line in traceback)
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr
