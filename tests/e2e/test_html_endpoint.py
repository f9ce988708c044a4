"""QA4 R12: an endpoint that answers an HTML page (a typo in --endpoint-url, a corporate
proxy) is one error line naming the status and what answered, not the page printed one
``Error:`` line per HTML line."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, local_server

pytestmark = pytest.mark.e2e

PAGE = b"""<!DOCTYPE HTML>
<html lang="en">
    <head>
        <meta charset="utf-8">
        <title>Error response</title>
    </head>
    <body>
        <h1>Error response</h1>
        <p>Error code: 404</p>
        <p>Message: File not found.</p>
    </body>
</html>
"""


class _Html(BaseHTTPRequestHandler):
    def _page(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(404, "Not Found")
        self.send_header("Content-Type", "text/html;charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    do_GET = do_POST = do_PUT = do_DELETE = _page

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def html_endpoint() -> Iterator[str]:
    with local_server(_Html) as url:
        yield url


@pytest.mark.parametrize("command", [("plan",), ("audit", "alice@example.com")])
def test_an_endpoint_answering_html_is_one_line(
    ops: Any,
    workdir: Path,
    html_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    run = Cli(html_endpoint, workdir)(*command)
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.stderr
    assert "<" not in errors[0]
    assert errors[0].endswith(
        ": 404: Not Found: the endpoint answered an HTML page (text/html;charset=utf-8, "
        "title: Error response), not the Chime API; check --endpoint-url"
    ), errors[0]


@pytest.mark.parametrize("command", [("plan",), ("audit", "alice@example.com")])
def test_an_endpoint_from_the_variable_names_the_variable(
    ops: Any,
    workdir: Path,
    html_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:
    # Q-EZ-2: the URL came from CHIME_RECONCILER_ENDPOINT_URL, and the error said to check
    # an --endpoint-url the user never typed
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv("CHIME_RECONCILER_ENDPOINT_URL", html_endpoint)
    cli = Cli(html_endpoint, workdir)
    run = cli.subprocess("--desired", str(workdir / "desired-state"), *command, raw=True)
    assert run.exit_code == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].endswith(
        ": 404: Not Found: the endpoint answered an HTML page (text/html;charset=utf-8, "
        "title: Error response), not the Chime API; check CHIME_RECONCILER_ENDPOINT_URL"
    ), errors[0]


@pytest.mark.parametrize(
    "variable", ["AWS_ENDPOINT_URL_CHIME", "AWS_ENDPOINT_URL"], ids=["service", "global"]
)
def test_an_endpoint_botocore_took_from_its_variable_names_the_variable(
    ops: Any,
    workdir: Path,
    html_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    # QA-FQ Q-FQ-2: no --endpoint-url at all, botocore read AWS_ENDPOINT_URL_CHIME, and
    # the error said to check an --endpoint-url the user never gave
    monkeypatch.setenv("CHIME_RECONCILER_RETRY_ATTEMPTS", "1")
    monkeypatch.setenv(variable, html_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    cli = Cli(html_endpoint, workdir)
    run = cli.subprocess("--desired", str(workdir / "desired-state"), "plan", raw=True)
    assert run.exit_code == 1, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].endswith(f"not the Chime API; check {variable}"), errors[0]
