"""Secrets in an endpoint URL are never echoed; per-item retries are logged at -vv like
call retries; the retry budgets the README documents are the ones used."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reconciler.providers.retry import (
    DEFAULT_ATTEMPTS,
    DEFAULT_BASE,
    DEFAULT_CAP,
    DEFAULT_CONNECT_ATTEMPTS,
    THROTTLE_FACTOR,
    RetryPolicy,
)
from reconciler.redact import redact, redact_url

pytestmark = pytest.mark.e2e

ACCOUNT = "11111111-2222-3333-4444-555555555555"
ROOMS = f"rooms: {{ops: {{account: '{ACCOUNT}', members: [alice@example.com]}}}}\n"
SECRETS = ("AKIAEXAMPLEUSER", "s3cr3t-Pa55")
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port that refuses connections, held for the test (bound, never listening): a port
    closed again at once could be taken meanwhile by another test's emulator (-n 2)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])


def secret_url(host_port: str) -> str:
    # no ?token=: an endpoint URL with a query is refused before any call
    # (test_endpoint_url_query.py); the refusal masks it too
    return f"http://{SECRETS[0]}:{SECRETS[1]}@{host_port}/"


def test_credentials_in_an_unreachable_endpoint_url_are_never_echoed(
    write_desired: Any, cli: Any, closed_port: int
) -> None:
    write_desired({"rooms.yaml": ROOMS})
    url = secret_url(f"127.0.0.1:{closed_port}")
    run = cli.raw("--endpoint-url", url, "--desired", "desired-state", "-vv", "plan")
    assert run.exit_code == 1
    assert "EndpointConnectionError" in run.stderr  # the error is there, redacted
    assert "http://***@127.0.0.1:" in run.stderr
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr


def test_credentials_in_a_working_endpoint_url_are_never_echoed(
    seed: Any, write_desired: Any, cli: Any, emulator: Any
) -> None:
    seed(users=("alice",), rooms={"ops": []})
    write_desired({"rooms.yaml": ROOMS})
    url = f"http://{SECRETS[0]}:{SECRETS[1]}@{emulator.url.removeprefix('http://')}"
    run = cli.raw(
        "--endpoint-url", url, "--desired", "desired-state", "-vv", "apply", "--auto-approve"
    )
    assert run.exit_code == 0, run.stdout
    assert "Apply complete! Memberships: 1 added, 0 changed, 0 removed." in run.stdout
    for secret in SECRETS:
        assert secret not in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "http://user:s3cr3t-Pa55@127.0.0.1:99999",
            "http://***@127.0.0.1:99999: Port out of range 0-65535",
        ),
        ("http://user:s3cr3t-Pa55@[::1", "http://***@[::1: Invalid IPv6 URL"),
        (
            "http://user:s3cr3t-Pa55@127.0.0.1:port",
            "http://***@127.0.0.1:port: Port could not be cast to integer value as 'port'",
        ),
        ("http://user:s3cr3t-Pa55@/x", "http://***@/x: no host"),
        (  # Q-AN-5: refused up front, not a connection failure after retries
            "http://user:s3cr3t-Pa55@127.0.0.1:0",
            "http://***@127.0.0.1:0: port 0 is not a port to connect to",
        ),
    ],
)
def test_a_malformed_endpoint_url_is_a_usage_error_that_hides_its_credentials(
    write_desired: Any, cli: Any, url: str, message: str
) -> None:
    write_desired({"rooms.yaml": ROOMS})
    run = cli.raw("--endpoint-url", url, "--desired", "desired-state", "plan")
    assert (run.exit_code, run.err_lines) == (1, [f"Error: --endpoint-url {message}"])


SPACED = "white space or a control character: give the URL without it"


@pytest.mark.parametrize(
    ("tail", "shown", "found"),
    [
        ("\n/", "\\n/", "'\\n'"),
        ("/\x1b[2J", "/\\x1b[2J", "'\\x1b'"),
        ("/ ", "/ ", "' '"),
        ("\t", "\\t", "'\\t'"),
        ("/\u2028x", "/\\u2028x", "'\\u2028'"),
    ],
)
def test_an_endpoint_url_with_white_space_or_a_control_character_is_refused_before_any_call(
    write_desired: Any, cli: Any, emulator: Any, tail: str, shown: str, found: str
) -> None:
    """QA-CF Q-CF-7: a newline split the error into two `Error:` lines (botocore's
    `Invalid endpoint`), after the client was being built."""
    write_desired({"rooms.yaml": ROOMS})
    url = f"http://user:s3cr3t-Pa55@{emulator.url.removeprefix('http://')}"
    before = emulator.calls()
    run = cli.raw("--endpoint-url", url + tail, "--desired", "desired-state", "plan")
    masked = f"http://***@{emulator.url.removeprefix('http://')}{shown}"
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.err_lines == [f"Error: --endpoint-url {masked}: it holds {found}, {SPACED}"]
    assert emulator.calls() == before


def test_an_endpoint_url_without_http_is_refused_without_echoing_it(
    write_desired: Any, cli: Any
) -> None:
    write_desired({"rooms.yaml": ROOMS})
    run = cli.raw("--endpoint-url", "user:s3cr3t-Pa55@host", "--desired", "desired-state", "plan")
    assert (run.exit_code, run.err_lines) == (
        1,
        ["Error: --endpoint-url must start with http:// or https://"],
    )


@pytest.mark.parametrize(
    ("userinfo", "parts"),
    [
        ("a@b.io", ("a@b.io", "b.io")),  # QA-AZ: shown as http://***@b.io@127.0.0.1:…
        ("a@b.io:pw1", ("a@b.io", "b.io", "pw1")),  # a short user with a password
        ("ab%40cd@x.io", ("ab%40cd", "ab@cd", "x.io")),  # credential-long, one "@" encoded
    ],
)
def test_a_user_holding_an_at_sign_is_masked_whole(
    write_desired: Any, cli: Any, closed_port: int, userinfo: str, parts: tuple[str, ...]
) -> None:
    """Q-BE-2: a URL's user info ends at the last "@" before the host (RFC 3986, as
    urlsplit reads it); the part of the user after its first "@" was shown."""
    write_desired({"rooms.yaml": ROOMS})
    port = closed_port
    url = f"http://{userinfo}@127.0.0.1:{port}/"
    run = cli.raw("--endpoint-url", url, "--desired", "desired-state", "-vv", "plan")
    assert run.exit_code == 1
    assert f'endpoint URL: "http://***@127.0.0.1:{port}/accounts/' in run.stderr
    for part in parts:
        assert part not in run.stdout + run.stderr


def test_an_endpoint_url_without_a_user_is_shown_as_it_is(
    write_desired: Any, cli: Any, closed_port: int
) -> None:
    write_desired({"rooms.yaml": ROOMS})
    port = closed_port
    url = f"http://127.0.0.1:{port}/"
    run = cli.raw("--endpoint-url", url, "--desired", "desired-state", "plan")
    assert run.exit_code == 1
    assert f'endpoint URL: "http://127.0.0.1:{port}/accounts/{ACCOUNT}/rooms' in run.stderr
    assert "***" not in run.stderr


def test_redact_hides_userinfo_of_any_url_in_a_message() -> None:
    assert redact('Could not connect to "https://a:b@h.example:1/p" or ftp://x@y') == (
        'Could not connect to "https://***@h.example:1/p" or ftp://***@y'
    )
    # Q-BE-2: the user info ends at the last "@" before the host; an "@" after it
    # (in the path or query) or outside a URL is no user info
    assert redact("at http://x@y.io:p@h.example:1/p") == "at http://***@h.example:1/p"
    shown = "http://h.example/a@b?c=d@e and bob@example.com, https://h.example:1/#x@y"
    assert redact(shown) == shown
    assert redact_url("https://a:b@h.example/p?k=v&flag") == "https://***@h.example/p?k=***&flag"


# -- per-item retries -------------------------------------------------------------------


def test_per_item_retries_are_logged_at_double_verbose_like_call_retries(
    seed: Any, write_desired: Any, cli: Any, emulator: Any
) -> None:
    seed(users=("alice", "bob", "carol"), rooms={"ops": []})
    write_desired(
        {
            "rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', "
            "members: [alice@example.com, bob@example.com, carol@example.com]}}\n"
        }
    )
    emulator.set_faults(item_error_rate=0.7, seed=1)
    run = cli("-vv", "apply", "--auto-approve")
    assert run.exit_code == 0, run.stderr
    retries = [line for line in run.err_lines if line.startswith("DEBUG: batch create")]
    assert retries, run.stderr
    pattern = re.compile(
        r"DEBUG: batch create \(room ops, id room-ops\): Throttled \(.+\) for \d members? "
        r"\((uid-\w+(, )?)+\); retry \d+ of 29 in \d+\.\d{3}s"
    )
    assert all(pattern.fullmatch(line) for line in retries), retries


def test_per_item_retries_are_quiet_without_double_verbose(
    seed: Any, write_desired: Any, cli: Any, emulator: Any
) -> None:
    seed(users=("alice", "bob"), rooms={"ops": []})
    write_desired(
        {
            "rooms.yaml": f"rooms: {{ops: {{account: '{ACCOUNT}', "
            "members: [alice@example.com, bob@example.com]}}\n"
        }
    )
    emulator.set_faults(item_error_rate=0.7, seed=1)
    run = cli("apply", "--auto-approve")
    assert run.exit_code == 0
    assert "DEBUG" not in run.stderr


def test_the_retry_budgets_in_the_readme_are_the_ones_used() -> None:
    text = " ".join(README.read_text(encoding="utf-8").split())
    documented = re.search(
        r"`CHIME_RECONCILER_RETRY_BASE_MS` \(default (\d+)\), `CHIME_RECONCILER_RETRY_CAP_MS` "
        r"\((\d+)\), `CHIME_RECONCILER_RETRY_ATTEMPTS` \((\d+) for 5xx; throttling gets "
        r"(three) times as many.*? gets (\d+)\)",
        text,
    )
    assert documented, "the README's retry sentence moved: update this test with it"
    base_ms, cap_ms, attempts, factor, connect = documented.groups()
    policy = RetryPolicy.from_env({})
    assert int(base_ms) / 1000 == policy.base == DEFAULT_BASE
    assert int(cap_ms) / 1000 == policy.cap == DEFAULT_CAP
    assert int(attempts) == policy.attempts == DEFAULT_ATTEMPTS
    assert {"three": 3}[factor] * policy.attempts == policy.throttle_limit
    assert THROTTLE_FACTOR == 3
    assert int(connect) == policy.connect_attempts == DEFAULT_CONNECT_ATTEMPTS
