"""Retries with capped exponential backoff and full jitter, done by us and not by botocore.

botocore's client is built with ``total_max_attempts=1`` (see ``aws.py``), so every HTTP
request the tool makes is one of the attempts counted here: API-call counts are
predictable and each retry is logged (logger ``reconciler``, debug level).

Retried: HTTP 429 (``ThrottledClientException``, ``ThrottlingException``, ...), HTTP 5xx
(``ServiceUnavailableException``, ``ServiceFailureException``, ...) and connection errors
(refused, reset, timed out; a failed TLS handshake gets as few attempts as a refused
connection, its message saying what it means: ``tls_failure``). Every other
``ClientError`` becomes ``AwsError`` at once.
A call an attempt of which lost its answer after sending (``ANSWER_LOST``) and that fails
for good says it may have been made (``AwsError.may_have_been_made``, and its message),
whatever the last attempt's error: never as a call that was not made; one that ends
otherwise (a batch's items answered ``Conflict``) is told to the callers watching it
(``reconciler.providers.lost_answers``).

The policy itself (attempts, backoff, which codes are transient) is pure and lives in
``reconciler.retry_policy``; this module applies it to botocore calls.

An error's message is one line (``error_message``): an endpoint that answers an HTML page
(a typo in --endpoint-url, a proxy) is said as ``Not Found: the endpoint answered an HTML
page (text/html, title: Error response), not the Chime API; check --endpoint-url``, not
the page; any other message of several lines is its first, capped at ``MAX_MESSAGE``.
"""

from __future__ import annotations

import html
import http
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    ReadTimeoutError,
    SSLError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from reconciler import interrupt
from reconciler.errors import AwsError
from reconciler.logs import LOGGER
from reconciler.pacing import Pacer, QuotaKey, Stopped
from reconciler.providers import lost_answers, tls_failure
from reconciler.redact import redact
from reconciler.retry_policy import (  # the pure policy, re-exported for the providers
    DEFAULT_ATTEMPTS,
    DEFAULT_BASE,
    DEFAULT_CAP,
    DEFAULT_CONNECT_ATTEMPTS,
    ENV_ATTEMPTS,
    ENV_BASE_MS,
    ENV_CAP_MS,
    THROTTLE_FACTOR,
    THROTTLING_CODES,
    TRANSIENT_CODES,
    RetryPolicy,
    answer_lost,
    gave_up,
    item_attempts,
    log_retry,
    not_tried_again,
)

__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_BASE",
    "DEFAULT_CAP",
    "DEFAULT_CONNECT_ATTEMPTS",
    "ENV_ATTEMPTS",
    "ENV_BASE_MS",
    "ENV_CAP_MS",
    "THROTTLE_FACTOR",
    "THROTTLING_CODES",
    "TRANSIENT_CODES",
    "RetryPolicy",
    "call_with_retry",
    "gave_up",
    "is_throttling",
    "is_transient",
    "item_attempts",
    "log_retry",
]

log = logging.getLogger(LOGGER)

T = TypeVar("T")

# the connect budget (3 attempts): an endpoint that refuses, never answers, or fails the
# TLS handshake (plain HTTP behind https://, a certificate that fails verification): none
# is a passing fault that ten attempts over 20-45 s would outlast
UNREACHABLE = (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, SSLError)
# the request was sent (or being sent) when the connection failed: the connection closed
# before the answer, the read timed out: the call may have been carried out (a
# ``BotoConnectionError``, no connection made, was not)
ANSWER_LOST = HTTPClientError


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "Unknown"))


MAX_MESSAGE = 300  # characters of an error's message shown; AWS's are far shorter
_HTML = re.compile(r"\s*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)


def error_message(exc: ClientError) -> str:
    """The error's message, on one line (an HTML page summarised: ``_html_answer``)."""
    err = exc.response.get("Error", {})
    message = str(err.get("Message") or exc.response.get("message") or "")
    meta = exc.response.get("ResponseMetadata", {})
    headers = meta.get("HTTPHeaders") or {}
    kind = str(headers.get("content-type", ""))
    if "html" in kind.lower() or _HTML.match(message):
        return _html_answer(meta.get("HTTPStatusCode"), kind, message)
    return _one_line(message)


def _html_answer(status: object, kind: str, page: str) -> str:
    """``Not Found: the endpoint answered an HTML page (text/html, title: Error
    response), not the Chime API; check --endpoint-url``."""
    try:
        phrase = http.HTTPStatus(int(str(status))).phrase + ": "
    except ValueError:
        phrase = ""
    found = _TITLE.search(page[:100_000])
    title = " ".join(html.unescape(found[1]).split()) if found else ""
    named = (_cap(" ".join(kind.split()), 80), f"title: {_cap(title, 80)}" if title else "")
    about = ", ".join(x for x in named if x)
    return (
        f"{phrase}the endpoint answered an HTML page{f' ({about})' if about else ''}, "
        "not the Chime API; check --endpoint-url"
    )


def _one_line(message: str) -> str:
    """The first non-blank line, with how many more there were, capped at MAX_MESSAGE."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    if len(lines) <= 1:
        return _cap(lines[0] if lines else message.strip(), MAX_MESSAGE)
    more = len(lines) - 1
    return f"{_cap(lines[0], MAX_MESSAGE)} ({more:,} more line{'' if more == 1 else 's'})"


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_throttling(exc: BaseException) -> bool:
    """HTTP 429, or a throttling code (some services answer 400 ThrottlingException)."""
    if not isinstance(exc, ClientError):
        return False
    status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return status == 429 or error_code(exc) in THROTTLING_CODES


def is_transient(exc: BaseException) -> bool:
    """Worth another attempt: throttled, a 5xx, or the connection failed."""
    if isinstance(exc, ClientError):
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return error_code(exc) in TRANSIENT_CODES or status == 429 or status >= 500
    return isinstance(exc, HTTPClientError | BotoConnectionError)


def call_with_retry(
    policy: RetryPolicy,
    operation: str,
    fn: Callable[..., T],
    /,
    context: str = "",
    pacer: Pacer | None = None,
    keys: Sequence[QuotaKey] = (),
    **params: Any,
) -> T:
    """Call ``fn(**params)``; retry transient failures; raise ``AwsError`` for the rest.

    ``operation`` (``"ListRooms"``) and ``context`` (``"account 1111, room abc"``) name the
    call in logs and in the error a user sees. With a ``pacer``, every attempt first waits
    for a start from the buckets of ``keys`` (the quotas the call counts against), and a
    429 slows them as well as being retried.
    """
    retry = 0  # failed attempts
    errors = 0  # of which not throttling
    failed: AwsError | None = None  # the last attempt's failure, while it is retried
    lost = False  # an attempt's answer was lost after it was sent: it may have been made

    def stopped() -> AwsError:
        """What a stop before an attempt makes of the call: never started; or, when an
        interrupt (Ctrl-C, SIGTERM) comes once an attempt was made and failed, that
        failure (a connection lost mid-call may even have been made): not a call never
        started. (A thread's own stop, a read ahead no longer wanted, is never started:
        the reads' error is the one that failed for good.)"""
        if failed is None or not interrupt.requested():
            return interrupt.NotStarted(operation, context)
        return failed

    while True:
        if interrupt.stopped():  # after a Ctrl-C, no new call starts, nor a retry
            raise stopped()
        try:
            ticket = pacer.acquire(*keys) if pacer is not None else None
        except Stopped:  # stopped waiting for the quota (a throttled one waits seconds)
            raise stopped() from None
        try:
            try:
                if interrupt.stopped():  # ... not even after waiting for the quota
                    raise stopped()
                result = fn(**params)
            finally:
                if pacer is not None and ticket is not None:
                    pacer.release(ticket)  # the next call on a shallow quota may go
        except NoCredentialsError as exc:
            hint = (
                f"{exc}: use --profile (or AWS_PROFILE), or set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY; with --endpoint-url no credentials are needed"
            )
            raise AwsError(operation, "NoCredentials", hint, context) from exc
        except (ClientError, HTTPClientError, BotoConnectionError) as exc:
            if pacer is not None and ticket is not None:
                if is_throttling(exc):
                    pacer.throttled(ticket)
                elif isinstance(exc, ClientError):
                    pacer.served(ticket)
            transient = is_transient(exc)
            if isinstance(exc, ClientError):
                # AWS may echo the signed request (SignatureDoesNotMatch): no credential
                code, message = error_code(exc), redact(error_message(exc))
            else:  # botocore quotes the URL, credentials and all
                code, message = type(exc).__name__, redact(str(exc))
                if isinstance(exc, SSLError):
                    message = tls_failure.explained(message)
            retry += 1
            if isinstance(exc, ANSWER_LOST):
                lost = True
                lost_answers.noted()  # a success or a Conflict after it may be its doing
            if is_throttling(exc):
                count, limit = retry, policy.throttle_limit
            else:
                errors += 1
                count = errors
                limit = (
                    min(policy.attempts, policy.connect_attempts)
                    if isinstance(exc, UNREACHABLE)
                    else policy.attempts
                )
            if not transient or count >= limit or retry >= policy.throttle_limit:
                if transient:
                    message = gave_up(message, retry)
                raise _failure(operation, code, message, context, lost) from exc
            delay = policy.delay(retry)
            log_retry(operation, context, code, message, count, limit, delay)
            failed = _failure(operation, code, not_tried_again(message, retry), context, lost)
            policy.sleep(delay)
        else:
            if pacer is not None and ticket is not None:
                pacer.served(ticket)
            return result


def _failure(operation: str, code: str, message: str, context: str, lost: bool) -> AwsError:
    """The call's failure; one an attempt of which lost its answer says it may have been
    made (``answer_lost``)."""
    if lost:
        message = answer_lost(message)
    return AwsError(operation, code, message, context, may_have_been_made=lost)
