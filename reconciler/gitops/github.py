"""A small GitHub REST API client over urllib: JSON in and out, Link-header pagination,
retries of throttled and failed-gateway calls. Configured from the variables a workflow
has: GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_API_URL (default https://api.github.com).
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler import __version__
from reconciler.errors import ReconcilerError, UsageError
from reconciler.gitops.rate_limits import UNAVAILABLE, rate_limit, server_retry_after
from reconciler.redact import redact_url

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PAGE_SIZE = 100  # the largest page GitHub's list endpoints serve

JsonObject = dict[str, Any]

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')
_RETRY_ANY = frozenset({429})  # not processed by GitHub: safe to send again
_RETRY_IDEMPOTENT = frozenset({500, 502, 503, 504})  # may have been processed
_REPEATED_WRITE = frozenset({301, 302, 307, 308})  # a 303 is a GET of its answer


class GitHubConfigError(UsageError):
    """The environment lacks what the GitHub API needs (token, repository)."""


class OffSiteRedirect(Exception):
    """The API answered a redirect to another origin (scheme, host or port): not followed,
    so the token goes nowhere but the configured API (QA-AA Q-AA-3)."""

    def __init__(self, status: int, location: str) -> None:
        self.status = status
        self.location = location
        super().__init__(location)


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """urllib's redirect handling, except that a redirect leaving ``origin`` is refused
    (urllib would copy the Authorization header to any host, https to http included), and
    that a write (POST, PATCH) redirected with 301, 302, 307 or 308 is sent again as it was,
    its method and body kept, where urllib refuses a 307/308 and turns a 301/302 into a GET
    without the body: GitHub says such a request "should be repeated verbatim" to the new
    URL, and answers a write to a renamed or transferred repository with a 307 (Q-DV-2)."""

    def __init__(self, origin: str) -> None:
        self.origin = _origin(origin)

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if self.origin is None or _origin(newurl) != self.origin:
            raise OffSiteRedirect(code, newurl)
        method = req.get_method()
        if method not in ("GET", "HEAD") and code in _REPEATED_WRITE:
            return urllib.request.Request(
                newurl,
                data=req.data,
                headers=req.headers,
                origin_req_host=req.origin_req_host,
                unverifiable=True,
                method=method,
            )
        if code == 303:  # "see other": its answer is a GET, whatever the method (PATCH too)
            kept = {
                k: v
                for k, v in req.headers.items()
                if k.lower() not in ("content-type", "content-length")
            }
            return urllib.request.Request(
                newurl,
                headers=kept,
                origin_req_host=req.origin_req_host,
                unverifiable=True,
                method="GET",
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> tuple[str, str | None, int | None] | None:
    """The scheme, host and port of ``url`` (the scheme's port when none is written);
    None when it has none to tell (a malformed host or port): never the API's."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    return scheme, parts.hostname, port


class GitHubError(ReconcilerError):
    """A GitHub API call failed for good, with the HTTP status and GitHub's message."""

    def __init__(
        self,
        method: str,
        path: str,
        status: int | None,
        message: str,
        rate_limited: str | None = None,
        label: str = "rate limited",
    ) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message
        self.rate_limited = rate_limited  # when to try again: no permission is missing
        self.label = label  # what made GitHub ask to wait: "rate limited", "unavailable"
        super().__init__(str(self))

    def __str__(self) -> str:
        status = f"HTTP {self.status}" if self.status is not None else "no response"
        hint = ""
        if self.rate_limited is not None:
            hint = f" ({self.label}: {self.rate_limited})"
        elif self.status in (401, 403, 404):
            hint = (
                " (check the job's `permissions:` — pull-requests: write for PR comments, "
                "issues: write for drift issues, actions: read for workflow runs — and that "
                "GITHUB_TOKEN is passed)"
            )
        return f"GitHub API {self.method} {self.path} failed: {status}: {self.message}{hint}"


@dataclass(frozen=True)
class Response:
    status: int
    data: Any
    next_url: str | None = None


def parse_link_next(header: str | None) -> str | None:
    """The ``rel="next"`` URL of a Link header, or None on the last page."""
    for url, rel in _LINK.findall(header or ""):
        if "next" in rel.split():
            return str(url)
    return None


def _error_message(raw: bytes) -> str:
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        text = raw.decode("utf-8", "replace").strip()
        return text[:200] or "(empty response)"
    if not isinstance(body, dict):
        return str(body)[:200]
    message = str(body.get("message", "(no message)"))
    details = []
    for error in body.get("errors") or ():
        if isinstance(error, dict):
            details.append(
                str(
                    error.get("message")
                    or " ".join(str(error[k]) for k in ("resource", "field", "code") if k in error)
                )
            )
        else:
            details.append(str(error))
    return f"{message} ({'; '.join(details)})" if details else message


def check_api_url(url: str) -> str:
    """``url`` if requests can be sent under it (QA4 R9, as ``--endpoint-url`` is checked):
    http(s), a host, a usable port, no user or password (QA-HD Q-HD-2: urllib sends none,
    it looks ``user:password@host`` up as a host name), no query string or fragment (each
    request's path and query are appended to it: ``/x?y/repos/...``); else
    GitHubConfigError, the URL shown without user, password or query values."""
    shown = repr(redact_url(url))
    if not url.lower().startswith(("http://", "https://")):
        raise GitHubConfigError(
            f"GITHUB_API_URL must be an http:// or https:// URL such as {DEFAULT_API_URL}, "
            f"got {shown}"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError when out of range or not a number
    except ValueError:
        raise GitHubConfigError(f"GITHUB_API_URL has a bad port: {shown}") from None
    if "@" in parts.netloc:  # urllib would look ``user:password@host`` up as the host
        raise GitHubConfigError(
            f"GITHUB_API_URL {shown}: an API URL cannot hold a user or password: GitHub is "
            "authenticated with GITHUB_TOKEN; give the URL without them"
        )
    if not parts.hostname:
        raise GitHubConfigError(f"GITHUB_API_URL has no host: {shown}")
    if port == 0:
        raise GitHubConfigError(f"GITHUB_API_URL has a bad port: {shown}")
    if parts.query or parts.fragment or url.rstrip().endswith(("?", "#")):
        raise GitHubConfigError(
            f"GITHUB_API_URL {shown}: an API URL cannot have a query string ('?...') or a "
            "fragment ('#...'): each request's path is appended to it; give the URL without them"
        )
    return url


@dataclass
class GitHub:
    """One repository's REST API. ``sleep`` and ``backoff`` are injectable for tests."""

    repository: str  # "owner/name"
    token: str
    api_url: str = DEFAULT_API_URL
    timeout: float = 30.0
    attempts: int = 4
    backoff: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    _opener: urllib.request.OpenerDirector = field(init=False, repr=False)

    def __post_init__(self) -> None:
        owner, _, name = self.repository.partition("/")
        if not owner or not name or "/" in name:
            raise GitHubConfigError(
                f"GITHUB_REPOSITORY must be OWNER/NAME, got {self.repository!r}"
            )
        self.api_url = self.api_url.rstrip("/")
        self._opener = urllib.request.build_opener(_SameOriginRedirects(self.api_url))

    @classmethod
    def from_env(cls, env: Mapping[str, str], **options: Any) -> GitHub:
        token = env.get("GITHUB_TOKEN", "")
        repository = env.get("GITHUB_REPOSITORY", "")
        if not token:
            raise GitHubConfigError(
                "GITHUB_TOKEN is not set: pass it to the step "
                "(env: GITHUB_TOKEN: ${{ github.token }})"
            )
        if not repository:
            raise GitHubConfigError("GITHUB_REPOSITORY is not set (OWNER/NAME)")
        api_url = check_api_url(env.get("GITHUB_API_URL") or DEFAULT_API_URL)
        return cls(repository=repository, token=token, api_url=api_url, **options)

    def repo_path(self, suffix: str) -> str:
        owner, name = self.repository.split("/")
        quoted = f"/repos/{urllib.parse.quote(owner)}/{urllib.parse.quote(name)}"
        return quoted + suffix

    # -- requests -------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, str | int] | None = None) -> Any:
        return self.request("GET", path, params=params).data

    def post(self, path: str, body: JsonObject) -> JsonObject:
        return _object("POST", path, self.request("POST", path, body=body))

    def patch(self, path: str, body: JsonObject) -> JsonObject:
        return _object("PATCH", path, self.request("PATCH", path, body=body))

    def paginate(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> Iterator[JsonObject]:
        """Every item of a list endpoint, page by page (following Link: rel="next")."""
        query: dict[str, str | int] = {"per_page": PAGE_SIZE, **(params or {})}
        url: str | None = self._url(path, query)
        while url is not None:
            response = self._send("GET", url, path, None)
            if not isinstance(response.data, list):
                raise GitHubError("GET", path, response.status, "expected a JSON list")
            yield from (item for item in response.data if isinstance(item, dict))
            url = response.next_url
            if url is not None and not self._same_origin(url):
                # Never send the token anywhere but the configured API.
                raise GitHubError("GET", path, response.status, f"next page off-site: {url}")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: JsonObject | None = None,
    ) -> Response:
        return self._send(method, self._url(path, params), path, body)

    # -- internals ------------------------------------------------------------------------

    def _url(self, path: str, params: Mapping[str, str | int] | None) -> str:
        query = f"?{urllib.parse.urlencode(dict(params))}" if params else ""
        return f"{self.api_url}{path}{query}"

    def _same_origin(self, url: str) -> bool:
        here = _origin(self.api_url)
        return here is not None and _origin(url) == here

    def _send(self, method: str, url: str, path: str, body: JsonObject | None) -> Response:
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {self.token}",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": f"chime-reconciler/{__version__}",
        }
        if data is not None:
            headers["Content-Type"] = "application/json"
        retryable = _RETRY_ANY | (_RETRY_IDEMPOTENT if method in ("GET", "PATCH") else set())
        attempt = 0
        skew_waited = False  # a reset already past waited for once (Q-DZ-5)
        while True:
            attempt += 1
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                with self._opener.open(request, timeout=self.timeout) as reply:
                    raw = reply.read()
                    status = int(reply.status)
                    link = reply.headers.get("Link")
                    content_type = reply.headers.get("Content-Type")
            except urllib.error.HTTPError as exc:
                try:
                    raw = exc.read()
                except http.client.HTTPException:  # an error answer cut short
                    raw = b""
                limit = rate_limit(exc.code, exc.headers, _error_message(raw), time.time())
                if limit is None and exc.code in retryable:
                    # a 503's Retry-After (RFC 9110), honoured where the call is sent again
                    limit = server_retry_after(exc.code, exc.headers, time.time())
                wait = None if limit is None else limit.wait
                if limit is not None and limit.once and skew_waited:
                    raise GitHubError(
                        method,
                        path,
                        exc.code,
                        _error_message(raw),
                        f"{limit.asked}: try again later",
                    ) from None
                skew_waited = skew_waited or (limit is not None and limit.once)
                if limit is not None and limit.too_long():
                    # GitHub telling us to give up: asking again meanwhile risks a ban
                    raise GitHubError(
                        method,
                        path,
                        exc.code,
                        _error_message(raw),
                        limit.given_up(),
                        limit.label,
                    ) from None
                if (exc.code in retryable or wait is not None) and attempt < self.attempts:
                    self.sleep(wait if wait is not None else self._delay(attempt))
                    continue
                # a server error still failing after its waits has no "try again after"
                advise = limit is not None and limit.label != UNAVAILABLE
                limited = limit.advice() if advise and limit is not None else None
                said = _error_message(raw)
                if "infinite loop" in str(exc.msg):  # urllib's words for a redirect loop
                    said = (
                        "redirected in a loop (the same redirects again and again): "
                        "not followed further"
                    )
                raise GitHubError(method, path, exc.code, said, limited) from None
            except OffSiteRedirect as exc:
                raise GitHubError(
                    method,
                    path,
                    exc.status,
                    f"redirected off-site to {redact_url(exc.location)}: not followed "
                    "(the token is sent only to GITHUB_API_URL; set it to the API's own URL)",
                ) from None
            except (
                urllib.error.URLError,
                TimeoutError,
                ConnectionError,
                http.client.HTTPException,  # an answer cut short or not HTTP (Q-DZ-3)
            ) as exc:
                reason: object = getattr(exc, "reason", exc)
                if isinstance(exc, http.client.HTTPException):
                    reason = f"{type(exc).__name__}: {exc}"
                if method in ("GET", "PATCH") and attempt < self.attempts:
                    self.sleep(self._delay(attempt))
                    continue
                raise GitHubError(method, path, None, str(reason)) from None
            parsed = _parsed(method, path, status, raw, content_type)
            return Response(status=status, data=parsed, next_url=parse_link_next(link))

    def _delay(self, attempt: int) -> float:
        return float(self.backoff * 2 ** (attempt - 1))


def _parsed(method: str, path: str, status: int, raw: bytes, content_type: str | None) -> Any:
    """The JSON of a 2xx answer (None when empty); a web page (a proxy's or a sign-in page,
    a GITHUB_API_URL that is the web UI's) is an API error, as any other failed call."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:  # JSONDecodeError and UnicodeDecodeError both
        kind = f"Content-Type: {content_type}" if content_type else "no Content-Type"
        raise GitHubError(
            method,
            path,
            status,
            f"the answer is not JSON ({kind}): is GITHUB_API_URL the API's URL?",
        ) from None


def _object(method: str, path: str, response: Response) -> JsonObject:
    if not isinstance(response.data, dict):
        raise GitHubError(method, path, response.status, "expected a JSON object")
    return response.data
