"""QA-HD Q-HD-3: an endpoint that answers 200 with a page (a proxy's sign-in page) or any
text that is not JSON is an error naming the endpoint, not an empty Chime ("no Chime room
named ...", "unknown member"); a write so answered is a failed change, not one made."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, local_server

pytestmark = pytest.mark.e2e

PAGE = b"<!doctype html><html><head><title>Sign in to the proxy</title></head><body>x</body></html>"
HTML = "text/html; charset=utf-8"


def answering(status: int, kind: str, body: bytes) -> type[BaseHTTPRequestHandler]:
    class Answer(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, *args: Any) -> None:
            pass

    return Answer


@pytest.fixture
def sign_in_page() -> Iterator[str]:
    with local_server(answering(200, HTML, PAGE)) as url:
        yield url


@pytest.fixture
def not_json() -> Iterator[str]:
    with local_server(answering(200, "application/json", b"a.a.a.a.a")) as url:
        yield url


@pytest.mark.parametrize("command", [("plan",), ("audit", "alice@example.com")])
def test_a_sign_in_page_answered_200_is_one_error_naming_the_endpoint(
    ops: Any, workdir: Path, sign_in_page: str, command: tuple[str, ...]
) -> None:
    run = Cli(sign_in_page, workdir)(*command)
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].endswith(
        ": 200: OK: the endpoint answered an HTML page (text/html; charset=utf-8, title: Sign "
        "in to the proxy), not the Chime API; check --endpoint-url"
    ), errors[0]
    assert "No changes" not in run.stdout + run.stderr
    assert "unchanged" not in run.stdout


def test_text_that_is_not_json_answered_200_names_the_endpoint(
    ops: Any, workdir: Path, not_json: str
) -> None:
    run = Cli(not_json, workdir)("plan")
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].endswith(
        ": 200: the endpoint answered text that is not the Chime API's JSON "
        "(application/json, 'a.a.a.a.a'); check --endpoint-url"
    ), errors[0]


@pytest.mark.parametrize(
    ("body", "said"), [(b"\n", "a body of white space only"), (b"", "an empty body")]
)
def test_a_blank_answer_200_names_the_endpoint_not_an_empty_chime(
    ops: Any, workdir: Path, body: bytes, said: str
) -> None:
    # QA-HI Q-HI-4: botocore reads it as {}: "no Chime room named ..." for every room
    with local_server(answering(200, "text/plain", body)) as url:
        run = Cli(url, workdir)("plan")
    assert run.exit_code == 1
    errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].endswith(
        f": 200: the endpoint answered {said} (text/plain), not the Chime API's JSON; "
        "check --endpoint-url"
    ), errors[0]
    assert "No changes" not in run.stdout + run.stderr


def writes_answered_with_a_page(
    upstream: str, kind: str = HTML, page: bytes = PAGE
) -> type[BaseHTTPRequestHandler]:
    """A proxy: reads passed to ``upstream``, every write answered 200 with a page."""

    class Proxy(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            status, answer_kind, data = 200, kind, page
            if self.command == "GET":
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length")
                }
                request = urllib.request.Request(upstream + self.path, body, headers, method="GET")
                try:
                    with urllib.request.urlopen(request, timeout=10) as answer:
                        status, data = answer.status, answer.read()
                        answer_kind = answer.headers.get("Content-Type", "application/json")
                except urllib.error.HTTPError as exc:
                    status, data = exc.code, exc.read()
                    answer_kind = exc.headers.get("Content-Type", "application/json")
            self.send_response(status)
            self.send_header("Content-Type", answer_kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, *args: Any) -> None:
            pass

    return Proxy


def test_writes_answered_200_with_a_page_are_failed_changes_not_made(
    ops: Any, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    with local_server(writes_answered_with_a_page(ops.emulator.url)) as proxy:
        run = Cli(proxy, workdir)("apply", "--auto-approve")
    assert run.exit_code == 1, run.stderr
    failed = [line for line in run.stdout.splitlines() if line.startswith("  ! ")]
    assert len(failed) == 5, run.stdout
    assert all(
        line.endswith(
            ": 200: OK: an HTML page (text/html; charset=utf-8, title: Sign in to the proxy) "
            "came instead of the Chime API's answer (a gateway or proxy on the way: the "
            "endpoint answered this run's other calls)"
        )
        for line in failed
    ), failed
    assert "0 applied: 0 added, 0 changed, 0 removed" in run.stdout
    assert "Verification" not in run.stdout
    assert not any(name.startswith(("Create", "Update", "Delete", "Batch")) for name in calls())


def test_writes_answered_200_with_no_body_are_failed_changes_not_made(
    ops: Any, workdir: Path, calls: Callable[[], dict[str, int]]
) -> None:
    # QA-HI Q-HI-4: botocore read the empty answer as {}: every change counted as made
    with local_server(writes_answered_with_a_page(ops.emulator.url, "text/plain", b"")) as proxy:
        run = Cli(proxy, workdir)("apply", "--auto-approve")
    assert run.exit_code == 1, run.stderr
    failed = [line for line in run.stdout.splitlines() if line.startswith("  ! ")]
    assert len(failed) >= 4, run.stdout  # the adds and the change (their answers are JSON)
    assert all(
        line.endswith(
            ": 200: an empty body (text/plain) came instead of the Chime API's answer (a "
            "gateway or proxy on the way: the endpoint answered this run's other calls)"
        )
        for line in failed
    ), failed
    assert "0 added, 0 changed" in run.stdout
    assert not any(name.startswith(("Create", "Update", "Batch")) for name in calls())
