"""The GitHub REST client: what it sends, how it pages, retries and reports failures."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fake_github import NAME, OWNER, REPO_ID, TOKEN, FakeGitHub, Fault, recorded

from reconciler.gitops.github import GitHub, GitHubConfigError, GitHubError, parse_link_next

REPO = f"/repos/{OWNER}/{NAME}"


def test_requests_carry_token_api_version_and_json(fake: FakeGitHub, github: GitHub) -> None:
    number = fake.add_issue("x", "")["number"]

    github.post(github.repo_path(f"/issues/{number}/comments"), {"body": "hi"})

    headers = fake.requests[0].headers
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith("chime-reconciler/")


def test_paginate_follows_link_next_to_the_last_page() -> None:
    fake = FakeGitHub(max_page_size=3).start()
    try:
        github = GitHub.from_env(fake.env, sleep=lambda _: None)
        number = fake.add_issue("x", "")["number"]
        for i in range(7):
            fake.add_comment(number, f"c{i}")

        bodies = [
            c["body"] for c in github.paginate(github.repo_path(f"/issues/{number}/comments"))
        ]

        assert bodies == [f"c{i}" for i in range(7)]
        assert len(fake.requests) == 3
    finally:
        fake.stop()


def test_link_header_parsing() -> None:
    header = (
        '<https://api.github.com/repositories/1/issues?page=2>; rel="next", '
        '<https://api.github.com/repositories/1/issues?page=5>; rel="last"'
    )
    assert parse_link_next(header) == "https://api.github.com/repositories/1/issues?page=2"
    assert parse_link_next('<https://api.github.com/x?page=1>; rel="prev"') is None
    assert parse_link_next(None) is None


def test_a_next_page_on_another_host_is_refused(fake: FakeGitHub, github: GitHub) -> None:
    fake.faults.append(Fault(200, [], {"Link": '<https://evil.example/steal?page=2>; rel="next"'}))

    with pytest.raises(GitHubError) as raised:
        list(github.paginate(github.repo_path("/issues")))

    assert str(raised.value) == (
        f"GitHub API GET {REPO}/issues failed: HTTP 200: "
        "next page off-site: https://evil.example/steal?page=2"
    )
    assert len(fake.requests) == 1


@pytest.fixture
def elsewhere() -> Iterator[FakeGitHub]:
    server = FakeGitHub().start()
    yield server
    server.stop()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_origin_is_refused_and_gets_no_token(
    fake: FakeGitHub, github: GitHub, elsewhere: FakeGitHub, status: int
) -> None:
    # QA-AA Q-AA-3: urllib followed it and copied "Authorization: Bearer <token>" there
    target = f"{elsewhere.url}{REPO}/issues?user=u:p"
    fake.faults.append(Fault(status, {}, {"Location": target}))

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert elsewhere.requests == []
    assert str(raised.value) == (
        f"GitHub API GET {REPO}/issues failed: HTTP {status}: redirected off-site to "
        f"{elsewhere.url}{REPO}/issues?user=***: not followed (the token is sent only to "
        "GITHUB_API_URL; set it to the API's own URL)"
    )
    assert len(fake.requests) == 1  # not retried


def test_a_redirected_post_is_refused_off_site(
    fake: FakeGitHub, github: GitHub, elsewhere: FakeGitHub
) -> None:
    fake.faults.append(Fault(302, {}, {"Location": f"{elsewhere.url}/x"}))

    with pytest.raises(GitHubError, match="HTTP 302: redirected off-site"):
        github.post(github.repo_path("/issues/1/comments"), {"body": "hi"})

    assert elsewhere.requests == []


def test_a_redirect_to_another_scheme_on_the_same_host_is_refused(
    fake: FakeGitHub, github: GitHub
) -> None:
    fake.faults.append(Fault(302, {}, {"Location": fake.url.replace("http:", "https:")}))

    with pytest.raises(GitHubError, match="redirected off-site to https://"):
        github.get(github.repo_path("/issues"))


def test_a_redirect_within_the_api_is_followed_with_the_token(
    fake: FakeGitHub, github: GitHub
) -> None:
    fake.faults.append(Fault(301, {}, {"Location": f"{REPO}/issues?moved=1"}))

    assert github.get(github.repo_path("/issues")) == []

    assert [r.line for r in fake.requests] == [f"GET {REPO}/issues", f"GET {REPO}/issues?moved=1"]
    assert fake.requests[1].headers["authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_a_write_redirected_within_the_api_is_sent_again_as_it_was(
    fake: FakeGitHub, github: GitHub, status: int, method: str
) -> None:
    # Q-DV-2: a 307/308 was "HTTP 307: (no message)"; a 301/302 became a GET without the body.
    # GitHub answers a write to a renamed or transferred repository with 307 to its new home.
    number = fake.add_issue("x", "")["number"]
    moved = f"/repositories/{REPO_ID}/issues/{number}"
    path = github.repo_path(f"/issues/{number}")
    if method == "POST":
        moved, path = f"{moved}/comments", f"{path}/comments"
    fake.faults.append(Fault(status, {}, {"Location": moved}))

    answer = github.request(method, path, body={"body": "the plan"}).data

    assert [(r.method, r.path, r.body) for r in fake.requests] == [
        (method, path, {"body": "the plan"}),
        (method, moved, {"body": "the plan"}),
    ]
    assert fake.requests[1].headers["authorization"] == f"Bearer {TOKEN}"
    assert fake.requests[1].headers["content-type"] == "application/json"
    assert answer["body"] == "the plan"


def test_gateway_errors_on_reads_are_retried_with_backoff(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    fake.faults += [Fault(502, {"message": "Server Error"}), Fault(503, {"message": "x"})]

    assert github.get(github.repo_path("/issues")) == []

    assert len(fake.requests) == 3
    assert sleeps == [1.0, 2.0]


def test_a_read_waits_the_retry_after_a_503_asks_for_not_the_backoff(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    # RFC 9110: a 503 may say when to try again; the backoff (1, 2, 4 s) ignored it
    fake.faults += [
        Fault(503, {"message": "x"}, {"Retry-After": "3"}),
        Fault(502, {"message": "Server Error"}, {"Retry-After": "0"}),
    ]

    assert github.get(github.repo_path("/issues")) == []

    assert len(fake.requests) == 3
    assert sleeps == [3.0, 0.0]


def test_a_503_asking_for_more_than_a_minute_gives_up_at_once_and_says_so(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    fake.faults.append(Fault(503, {"message": "Unavailable"}, {"Retry-After": "3600"}))
    earliest = time.time() + 3600

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    latest = time.time() + 3600
    said, _, when = str(raised.value).rpartition(": try again after ")
    assert said == (
        f"GitHub API GET {REPO}/issues failed: HTTP 503: Unavailable (unavailable: GitHub "
        "asks to wait 3600 s, more than the 60 s this tool waits"
    )
    assert when in {utc(earliest), utc(latest)}
    assert len(fake.requests) == 1 and sleeps == []


def test_a_server_error_failing_after_its_retry_afters_says_no_when(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    fake.faults += [Fault(502, {"message": "Server Error"}, {"Retry-After": "0"})] * 4

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert str(raised.value) == f"GitHub API GET {REPO}/issues failed: HTTP 502: Server Error"
    assert len(fake.requests) == 4 and sleeps == [0.0, 0.0, 0.0]


def test_a_create_is_not_repeated_after_a_503_with_retry_after(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    # it may have been processed: a Retry-After does not make it safe to send again
    fake.faults.append(Fault(503, {"message": "x"}, {"Retry-After": "1"}))

    with pytest.raises(GitHubError) as raised:
        github.post(github.repo_path("/issues"), {"title": "t"})

    assert str(raised.value) == f"GitHub API POST {REPO}/issues failed: HTTP 503: x"
    assert len(fake.requests) == 1 and sleeps == []


def test_a_create_is_not_repeated_after_a_gateway_error(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    fake.faults.append(Fault(502, {"message": "Server Error"}))

    with pytest.raises(GitHubError) as raised:
        github.post(github.repo_path("/issues"), {"title": "t"})

    assert str(raised.value) == f"GitHub API POST {REPO}/issues failed: HTTP 502: Server Error"
    assert len(fake.requests) == 1 and sleeps == []


def test_rate_limited_create_waits_retry_after_and_is_sent_again(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    fake.faults.append(
        Fault(
            403,
            {"message": "You have exceeded a secondary rate limit."},
            {"Retry-After": "3"},
        )
    )

    created = github.post(github.repo_path("/issues"), {"title": "t"})

    assert created["number"] == 1
    assert sleeps == [3.0]
    assert [r.method for r in fake.requests] == ["POST", "POST"]


@pytest.mark.parametrize("status", [429, 403])
def test_a_retry_after_over_a_minute_gives_up_at_once_and_says_when(
    fake: FakeGitHub, github: GitHub, sleeps: list[float], status: int
) -> None:
    # Q-DV-5: it waited 60 s and asked again, 3 times, while GitHub said to wait an hour
    fake.faults.append(
        Fault(
            status,
            {"message": "You have exceeded a secondary rate limit."},
            {"Retry-After": "3600"},
        )
    )
    earliest = time.time() + 3600

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    latest = time.time() + 3600
    said, _, when = str(raised.value).rpartition(": try again after ")
    assert said == (
        f"GitHub API GET {REPO}/issues failed: HTTP {status}: You have exceeded a secondary "
        "rate limit. (rate limited: GitHub asks to wait 3600 s, more than the 60 s this tool "
        "waits"
    )
    assert when in {utc(earliest), utc(latest)}
    assert len(fake.requests) == 1 and sleeps == []


PRIMARY_LIMIT = {"message": "API rate limit exceeded for installation ID 1."}


@pytest.mark.parametrize("status", [403, 429])
def test_a_used_up_rate_limit_says_when_it_resets_not_to_check_permissions(
    fake: FakeGitHub, github: GitHub, sleeps: list[float], status: int
) -> None:
    # Q-DV-3: "HTTP 403: API rate limit exceeded ... (check the job's `permissions:` ...)"
    reset = int(time.time()) + 3601
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    fake.faults.append(Fault(status, PRIMARY_LIMIT, headers))

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert re.fullmatch(
        re.escape(
            f"GitHub API GET {REPO}/issues failed: HTTP {status}: API rate limit exceeded for "
            "installation ID 1. (rate limited: GitHub's rate limit resets in "
        )
        + "360[01]"
        + re.escape(f" s, more than the 60 s this tool waits: try again after {utc(reset)}"),
        str(raised.value),
    )
    assert len(fake.requests) == 1 and sleeps == []


def test_a_rate_limit_that_resets_within_a_minute_is_waited_for(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    reset = int(time.time()) + 5
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    fake.faults.append(Fault(403, PRIMARY_LIMIT, headers))

    assert github.get(github.repo_path("/issues")) == []

    assert len(fake.requests) == 2
    assert len(sleeps) == 1 and 3 <= sleeps[0] <= 5


def utc(moment: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC)", time.gmtime(moment))


def test_reads_give_up_after_four_attempts(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    fake.faults += [Fault(503, {"message": "Service Unavailable"})] * 4

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert (
        str(raised.value) == f"GitHub API GET {REPO}/issues failed: HTTP 503: Service Unavailable"
    )
    assert sleeps == [1.0, 2.0, 4.0]


def test_validation_errors_carry_githubs_details(fake: FakeGitHub, github: GitHub) -> None:
    number = fake.add_issue("x", "")["number"]

    with pytest.raises(GitHubError) as raised:
        github.post(github.repo_path(f"/issues/{number}/comments"), {"body": "x" * 65_537})

    assert str(raised.value) == (
        f"GitHub API POST {REPO}/issues/{number}/comments failed: HTTP 422: Validation Failed "
        "(body is too long (maximum is 65536 characters))"
    )


@pytest.mark.parametrize("page", [b"<html>unicorn</html>", b"\xff\xfe not text"])
def test_an_answer_that_is_not_json_is_an_api_error(
    fake: FakeGitHub, github: GitHub, page: bytes
) -> None:
    # Q-DV-1: a proxy's or a sign-in page (200, HTML) was "Internal error: JSONDecodeError"
    fake.faults.append(Fault(200, page))

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert str(raised.value) == (
        f"GitHub API GET {REPO}/issues failed: HTTP 200: the answer is not JSON "
        "(Content-Type: text/html; charset=utf-8): is GITHUB_API_URL the API's URL?"
    )


def test_missing_permission_names_the_permissions_to_check(
    fake: FakeGitHub, github: GitHub
) -> None:
    fake.faults.append(Fault(403, recorded("error_not_accessible")))

    with pytest.raises(GitHubError) as raised:
        github.post(github.repo_path("/issues/1/comments"), {"body": "x"})

    assert str(raised.value) == (
        f"GitHub API POST {REPO}/issues/1/comments failed: HTTP 403: Resource not accessible "
        "by integration (check the job's `permissions:` — pull-requests: write for PR "
        "comments, issues: write for drift issues, actions: read for workflow runs — and that "
        "GITHUB_TOKEN is passed)"
    )


def test_wrong_token_is_reported_as_bad_credentials(fake: FakeGitHub) -> None:
    github = GitHub.from_env({**fake.env, "GITHUB_TOKEN": "expired"}, sleep=lambda _: None)

    with pytest.raises(GitHubError, match=r"HTTP 401: Bad credentials \(check the job's"):
        github.get(github.repo_path("/issues"))


def test_unreachable_api_is_reported_without_a_traceback(sleeps: list[float]) -> None:
    github = GitHub.from_env(
        {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": "http://127.0.0.1:9"},
        sleep=sleeps.append,
        backoff=0.0,
    )

    with pytest.raises(GitHubError, match=r"^GitHub API GET /repos/o/r/issues failed: no response"):
        github.get(github.repo_path("/issues"))
    assert len(sleeps) == 3


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"GITHUB_REPOSITORY": "o/r"},
            "GITHUB_TOKEN is not set: pass it to the step (env: GITHUB_TOKEN: ${{ github.token }})",
        ),
        ({"GITHUB_TOKEN": "t"}, "GITHUB_REPOSITORY is not set (OWNER/NAME)"),
        (
            {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "just-a-name"},
            "GITHUB_REPOSITORY must be OWNER/NAME, got 'just-a-name'",
        ),
    ],
)
def test_configuration_errors_say_what_is_missing(env: dict[str, str], message: str) -> None:
    with pytest.raises(GitHubConfigError) as raised:
        GitHub.from_env(env)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "api.github.com",
            "GITHUB_API_URL must be an http:// or https:// URL such as https://api.github.com, "
            "got 'api.github.com'",
        ),
        (
            "ftp://example.com/api",
            "GITHUB_API_URL must be an http:// or https:// URL such as https://api.github.com, "
            "got 'ftp://example.com/api'",
        ),
        ("https://", "GITHUB_API_URL has no host: 'https://'"),
        (
            "http://ghe.example.com/api/v3?x=y",
            "GITHUB_API_URL 'http://ghe.example.com/api/v3?x=***': an API URL cannot have a "
            "query string ('?...') or a fragment ('#...'): each request's path is appended "
            "to it; give the URL without them",
        ),
        (
            "http://ghe.example.com/api/v3#top",
            "GITHUB_API_URL 'http://ghe.example.com/api/v3': an API URL cannot have a "
            "query string ('?...') or a fragment ('#...'): each request's path is appended "
            "to it; give the URL without them",
        ),
        ("http://h:99999/", "GITHUB_API_URL has a bad port: 'http://h:99999/'"),
        (  # QA-HD Q-HD-2: urllib looked "apiuser:apipassw0rd@127.0.0.1" up as a host
            "http://apiuser:apipassw0rd@127.0.0.1:1/api",
            "GITHUB_API_URL 'http://***@127.0.0.1:1/api': an API URL cannot hold a user or "
            "password: GitHub is authenticated with GITHUB_TOKEN; give the URL without them",
        ),
        (
            "https://x-access-token@ghe.example.com/api/v3",
            "GITHUB_API_URL 'https://***@ghe.example.com/api/v3': an API URL cannot hold a "
            "user or password: GitHub is authenticated with GITHUB_TOKEN; give the URL "
            "without them",
        ),
    ],
)
def test_a_bad_api_url_is_a_configuration_error(url: str, message: str) -> None:
    # QA4 R9: checked as --endpoint-url is, before any request
    with pytest.raises(GitHubConfigError) as raised:
        GitHub.from_env({"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r", "GITHUB_API_URL": url})
    assert str(raised.value) == message


def test_an_enterprise_api_url_with_a_path_is_kept() -> None:
    env = {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r"}
    github = GitHub.from_env({**env, "GITHUB_API_URL": "https://ghe.example.com/api/v3/"})
    assert github.api_url == "https://ghe.example.com/api/v3"


def test_api_url_defaults_to_github_com() -> None:
    github = GitHub.from_env({"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r"})
    assert github.api_url == "https://api.github.com"


def raw_server(reply: bytes) -> int:
    """A port on 127.0.0.1 that answers every connection with ``reply`` and closes."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve() -> None:
        while True:
            conn, _ = listener.accept()
            conn.recv(65536)
            conn.sendall(reply)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return int(listener.getsockname()[1])


@pytest.mark.parametrize(
    ("reply", "said", "tries"),
    [
        (b"garbage\r\n\r\n", "no response: BadStatusLine: garbage", 4),
        (
            b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"a":',
            "no response: IncompleteRead: IncompleteRead(5 bytes read, 95 more expected)",
            4,
        ),
        (
            b'HTTP/1.1 403 Forbidden\r\nContent-Length: 100\r\n\r\n{"a":',
            "HTTP 403: (empty response)",
            1,
        ),
    ],
    ids=["not-http", "cut-short", "error-cut-short"],
)
def test_an_answer_cut_short_or_not_http_is_an_api_error(
    sleeps: list[float], reply: bytes, said: str, tries: int
) -> None:
    # Q-DZ-3: "Internal error (this is a bug ...): IncompleteRead" / BadStatusLine
    port = raw_server(reply)
    github = GitHub("o/r", "t", api_url=f"http://127.0.0.1:{port}", sleep=sleeps.append)

    with pytest.raises(GitHubError) as raised:
        github.get("/x")
    assert str(raised.value).startswith(f"GitHub API GET /x failed: {said}")
    assert len(sleeps) == tries - 1


@pytest.mark.parametrize("status", [403, 429])
def test_a_secondary_rate_limit_without_headers_gives_up_at_once_saying_so(
    fake: FakeGitHub, github: GitHub, sleeps: list[float], status: int
) -> None:
    # Q-DZ-1: "HTTP 403: You have exceeded a secondary rate limit. ... (check the job's
    # `permissions:` ...)"; GitHub asks to wait at least a minute then, more than 60 s
    message = "You have exceeded a secondary rate limit. Please wait a few minutes."
    fake.faults.append(Fault(status, {"message": message}))
    earliest = time.time() + 60

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    latest = time.time() + 60
    said, _, when = str(raised.value).rpartition(": try again after ")
    assert said == (
        f"GitHub API GET {REPO}/issues failed: HTTP {status}: {message} (rate limited: "
        "GitHub's secondary rate limit asks to wait at least 60 s, longer than this tool waits"
    )
    assert when in {utc(earliest), utc(latest)}
    assert len(fake.requests) == 1 and sleeps == []


def http_date(moment: float) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(moment))


def test_a_retry_after_date_within_a_minute_is_waited_for(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    # Q-DZ-2: a Retry-After date was ignored: a 403 said to check permissions
    headers = {"Retry-After": http_date(time.time() + 30)}
    fake.faults.append(Fault(403, {"message": "x"}, headers))

    assert github.get(github.repo_path("/issues")) == []

    assert len(fake.requests) == 2
    assert len(sleeps) == 1 and 28 <= sleeps[0] <= 30


def test_a_retry_after_date_an_hour_ahead_gives_up_at_once(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    # Q-DZ-2: a 429 was asked again after 1, 2 and 4 s when told to wait an hour
    until = int(time.time()) + 3600
    fake.faults.append(Fault(429, {"message": "x"}, {"Retry-After": http_date(until)}))

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert re.fullmatch(
        re.escape(f"GitHub API GET {REPO}/issues failed: HTTP 429: x (rate limited: ")
        + r"GitHub asks to wait 3[56]\d\d s"
        + re.escape(f", more than the 60 s this tool waits: try again after {utc(until)}"),
        str(raised.value),
    )
    assert len(fake.requests) == 1 and sleeps == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "inf"},
        {"Retry-After": "1e20"},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1e20"},
        {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "inf"},
    ],
    ids=["retry-after-inf", "retry-after-1e20", "reset-1e20", "reset-inf"],
)
def test_a_wait_too_long_to_tell_gives_up_at_once(
    fake: FakeGitHub, github: GitHub, sleeps: list[float], headers: dict[str, str]
) -> None:
    # Q-DZ-4: "Internal error ...: OverflowError: timestamp out of range", exit 1
    fake.faults.append(Fault(429, {"message": "x"}, headers))

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert str(raised.value).startswith(
        f"GitHub API GET {REPO}/issues failed: HTTP 429: x (rate limited: "
    )
    assert str(raised.value).endswith(
        " years, more than the 60 s this tool waits: try again much later)"
    )
    assert len(fake.requests) == 1 and sleeps == []


def test_a_rate_limit_reset_already_past_is_waited_for_once_then_said_later(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    # Q-DZ-5: asked 4 times back to back, then "try again after <ten minutes ago>"
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) - 600)}
    fake.faults += [Fault(403, PRIMARY_LIMIT, headers)] * 3

    with pytest.raises(GitHubError) as raised:
        github.get(github.repo_path("/issues"))

    assert str(raised.value) == (
        f"GitHub API GET {REPO}/issues failed: HTTP 403: API rate limit exceeded for "
        "installation ID 1. (rate limited: GitHub's rate limit for this token is used up, "
        "its reset time already past here (the clocks differ): try again later)"
    )
    assert len(fake.requests) == 2 and sleeps == [5.0]


def test_a_rate_limit_reset_already_past_is_asked_again_after_a_few_seconds(
    fake: FakeGitHub, github: GitHub, sleeps: list[float]
) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) - 600)}
    fake.faults.append(Fault(403, PRIMARY_LIMIT, headers))

    assert github.get(github.repo_path("/issues")) == []
    assert sleeps == [5.0]


@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_a_write_answered_303_gets_its_answer_with_a_get(
    fake: FakeGitHub, github: GitHub, method: str
) -> None:
    # Q-DZ-6: a PATCH answered 303 was "HTTP 303: (empty response)"
    number = fake.add_issue("x", "")["number"]
    answer = f"{REPO}/issues/{number}/comments"  # any page to GET
    fake.faults.append(Fault(303, {}, {"Location": answer}))

    got = github.request(method, github.repo_path(f"/issues/{number}"), body={"body": "b"}).data

    assert [(r.method, r.path, r.body) for r in fake.requests][1:] == [("GET", answer, None)]
    assert "content-type" not in fake.requests[1].headers
    assert fake.requests[1].headers["authorization"] == f"Bearer {TOKEN}"
    assert got == []


@pytest.mark.parametrize(("method", "status"), [("GET", 302), ("POST", 307)])
def test_a_redirect_loop_says_it_is_a_loop(
    fake: FakeGitHub, github: GitHub, method: str, status: int
) -> None:
    # Q-DZ-7: ended "HTTP 302: (empty response)"
    fake.faults += [Fault(status, {}, {"Location": f"{REPO}/{'ab'[i % 2]}"}) for i in range(20)]

    with pytest.raises(GitHubError) as raised:
        github.request(method, github.repo_path("/issues"), body={"title": "t"})

    assert str(raised.value) == (
        f"GitHub API {method} {REPO}/issues failed: HTTP {status}: redirected in a loop "
        "(the same redirects again and again): not followed further"
    )
    assert len(fake.requests) < 20
