"""Retries with capped exponential backoff and full jitter, done by us and not by botocore.

botocore's client is built with ``total_max_attempts=1`` (see ``aws.py``), so every HTTP
request the tool makes is one of the attempts counted here: API-call counts are
predictable and each retry is logged (logger ``reconciler``, debug level).

Retried: HTTP 429 (``ThrottledClientException``, ``ThrottlingException``, ...), HTTP 5xx
(``ServiceUnavailableException``, ``ServiceFailureException``, ...) and connection errors
(refused, reset, timed out; a failed TLS handshake gets as few attempts as a refused
connection, its message saying what it means: ``tls_failure``). An answer's
``Retry-After`` (chime-sdk-meetings' 503, ``RetryAfterSeconds``) is waited for at least,
within ``RetryPolicy.longest_asked``; a longer one gives up at once, saying so. Every other
``ClientError`` becomes ``AwsError`` at once, as does any other error of botocore's
during the call (credentials that could not be refreshed: ``setup_errors.call_problem``;
a role STS did not let assume again is a ``ClientError`` of AssumeRole's, not the call's
answer: ``setup_errors.getting_credentials``) but ``ParamValidationError``: a request the
model refuses is the tool's bug, an internal error (tests/e2e/test_internal_error_redacted.py).
A write (``is_write``) an attempt of which lost its answer after sending (``ANSWER_LOST``),
or was answered with a 5xx (the service or a gateway failed: it may have done so once the
write was made), and that fails for good says it may have been made
(``AwsError.may_have_been_made``, and its message), whatever the last attempt's error:
never as a call that was not made; one that ends otherwise (a batch's items answered
``Conflict``) is told to the callers watching it (``reconciler.providers.lost_answers``).

The policy itself (attempts, backoff, which codes are transient) is pure and lives in
``reconciler.retry_policy``; this module applies it to botocore calls.

An error's message is one line (``error_message``): an endpoint that answers an HTML page
(a typo in --endpoint-url, a proxy) is said as ``Not Found: the endpoint answered an HTML
page (text/html, title: Error response), not the Chime API; check --endpoint-url``, not
the page; once the same endpoint has answered a call of the run with the API (the
caller's ``answered``), a page is a gateway's or a proxy's on the way, and said so. A 2xx
answer that is a page or other text, not JSON, is such an error too (``NotApiAnswer``,
``awsclient/not_api.py``). Any other message of several lines is its first, capped at
``MAX_MESSAGE``.
"""

from __future__ import annotations

import html
import http
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    ParamValidationError,
    ReadTimeoutError,
    SSLError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from reconciler import interrupt
from reconciler.awsclient.not_api import NotApiAnswer
from reconciler.awsclient.setup_errors import call_problem, getting_credentials
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
    SERVER_ERROR_CODES,
    THROTTLE_FACTOR,
    THROTTLING_CODES,
    TRANSIENT_CODES,
    RetryPolicy,
    answer_lost,
    asked_too_long,
    gave_up,
    is_write,
    item_attempts,
    log_retry,
    not_tried_again,
    retry_after,
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
_endpoint_given_as = "--endpoint-url"  # what an HTML page's error says to check


def name_endpoint(given_as: str) -> None:
    """Where this run's endpoint URL came from (``--endpoint-url``, or
    ``CHIME_RECONCILER_ENDPOINT_URL`` when that variable gave it), for the error of an
    endpoint that answers HTML pages to name what the user set (Q-EZ-2)."""
    global _endpoint_given_as
    _endpoint_given_as = given_as


def _message(exc: ClientError) -> str:
    err = exc.response.get("Error", {})
    return str(err.get("Message") or exc.response.get("message") or "")


def _content_type(exc: ClientError) -> str:
    headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders") or {}
    return str(headers.get("content-type", ""))


def is_html(exc: ClientError) -> bool:
    """Whether the answer was an HTML page (a proxy's, a gateway's), not the API's."""
    return "html" in _content_type(exc).lower() or bool(_HTML.match(_message(exc)))


def status_of(exc: BaseException) -> int:
    """The HTTP status of a ``ClientError`` (0: none, or not one)."""
    if not isinstance(exc, ClientError):
        return 0
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def error_message(exc: ClientError, answered: bool = False) -> str:
    """The error's message, on one line (an HTML page summarised: ``_html_answer``;
    ``answered``: the endpoint answered other calls with the API)."""
    message = _message(exc)
    if is_html(exc):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return _html_answer(status, _content_type(exc), message, answered)
    if isinstance(exc, NotApiAnswer):
        return _not_json_answer(_content_type(exc), message, answered)
    return _one_line(message)


def _not_json_answer(kind: str, body: str, answered: bool = False) -> str:
    """A 2xx answer that is neither JSON nor a page (``NotApiAnswer``, QA-HD Q-HD-3):
    ``the endpoint answered text that is not the Chime API's JSON (application/json:
    'a.a.a…'); check --endpoint-url``."""
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    kind = _cap(" ".join(kind.split()), 80)
    if not first:  # no body, or white space only (QA-HI Q-HI-4)
        blank = "an empty body" if not body else "a body of white space only"
        blank += f" ({kind})" if kind else ""
        if answered:
            return (
                f"{blank} came instead of the Chime API's answer (a gateway or proxy on the "
                "way: the endpoint answered this run's other calls)"
            )
        said = f"the endpoint answered {blank}, not the Chime API's JSON"
        return f"{said}; check {_endpoint_given_as}"
    about = ", ".join(x for x in (kind, repr(_cap(first, 60))) if x)
    if answered:
        return (
            f"text that is not the Chime API's JSON ({about}) came instead of its answer (a "
            "gateway or proxy on the way: the endpoint answered this run's other calls)"
        )
    return (
        f"the endpoint answered text that is not the Chime API's JSON ({about}); check "
        f"{_endpoint_given_as}"
    )


def _html_answer(status: object, kind: str, page: str, answered: bool = False) -> str:
    """``Not Found: the endpoint answered an HTML page (text/html, title: Error
    response), not the Chime API; check --endpoint-url`` (or the variable that gave it,
    ``name_endpoint``); once the endpoint answered
    other calls with the API (``answered``), not a wrong URL: ``Bad Gateway: an HTML page
    (text/html) came instead of the Chime API's answer (a gateway or proxy on the way:
    the endpoint answered this run's other calls)``."""
    try:
        phrase = http.HTTPStatus(int(str(status))).phrase + ": "
    except ValueError:
        phrase = ""
    found = _TITLE.search(page[:100_000])
    title = " ".join(html.unescape(found[1]).split()) if found else ""
    named = (_cap(" ".join(kind.split()), 80), f"title: {_cap(title, 80)}" if title else "")
    about = ", ".join(x for x in named if x)
    if answered:
        return (
            f"{phrase}an HTML page{f' ({about})' if about else ''} came instead of the "
            "Chime API's answer (a gateway or proxy on the way: the endpoint answered this "
            "run's other calls)"
        )
    return (
        f"{phrase}the endpoint answered an HTML page{f' ({about})' if about else ''}, "
        f"not the Chime API; check {_endpoint_given_as}"
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
    return status_of(exc) == 429 or error_code(exc) in THROTTLING_CODES


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
    answered: threading.Event | None = None,
    **params: Any,
) -> T:
    """Call ``fn(**params)``; retry transient failures; raise ``AwsError`` for the rest.

    ``operation`` (``"ListRooms"``) and ``context`` (``"account 1111, room abc"``) name the
    call in logs and in the error a user sees. With a ``pacer``, every attempt first waits
    for a start from the buckets of ``keys`` (the quotas the call counts against), and a
    429 slows them as well as being retried. ``answered`` is set once the endpoint answers
    with the API (shared by the calls of a run to one endpoint): an HTML page after that is
    not a wrong --endpoint-url.
    """
    retry = 0  # failed attempts
    errors = 0  # of which not throttling
    failed: AwsError | None = None  # the last attempt's failure, while it is retried
    lost = False  # a write's answer was lost after it was sent: it may have been made
    # or the statuses of its 5xx answers (in the order met): the same
    answered_5xx: list[int] = []
    writes = is_write(operation)

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
            if getting_credentials(exc, operation):
                # botocore's own call for the credentials (STS's AssumeRole, refreshed
                # near their expiry) failed: this call was not sent (QA-DL Q-DL-2)
                code, message = call_problem(exc)
                raise _failure(operation, code, message, context, lost, answered_5xx) from exc
            if pacer is not None and ticket is not None:
                if is_throttling(exc):
                    pacer.throttled(ticket)
                elif isinstance(exc, ClientError):
                    pacer.served(ticket)
            transient = is_transient(exc)
            if isinstance(exc, ClientError):
                html = is_html(exc) or isinstance(exc, NotApiAnswer)  # not the API's
                if answered is not None and not html:
                    answered.set()  # the API's own error
                api = answered is not None and answered.is_set()
                # AWS may echo the signed request (SignatureDoesNotMatch): no credential
                code, message = error_code(exc), redact(error_message(exc, api))
            else:  # botocore quotes the URL, credentials and all
                code, message = type(exc).__name__, redact(str(exc))
                if isinstance(exc, SSLError):
                    message = tls_failure.explained(message)
            retry += 1
            status = status_of(exc)
            if isinstance(exc, ClientError) and error_code(exc) in SERVER_ERROR_CODES:
                status = max(status, 500)
            if writes and (isinstance(exc, ANSWER_LOST) or status >= 500):
                # a write whose answer was lost, or was a 5xx (the service, or a gateway
                # in front of it, may have failed once it was made), may have been made;
                # a read changes nothing, whatever its answer (QA-FB Q-FB-3)
                if isinstance(exc, ANSWER_LOST):
                    lost = True
                elif status not in answered_5xx:  # each said: the error shown is the
                    answered_5xx.append(status)  # last's, not the first's (QA-GA Q-GA-2)
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
            asked = asked_wait(exc) if transient else None
            too_long = asked is not None and asked > policy.longest_asked
            if too_long:  # not coming back soon: no retry sooner than told
                assert asked is not None
                message = asked_too_long(message, asked, policy.longest_asked)
            if not transient or too_long or count >= limit or retry >= policy.throttle_limit:
                if transient:
                    message = gave_up(message, retry)
                raise _failure(operation, code, message, context, lost, answered_5xx) from exc
            delay = policy.wait(retry, asked)
            log_retry(operation, context, code, message, count, limit, delay)
            again = not_tried_again(message, retry)
            failed = _failure(operation, code, again, context, lost, answered_5xx)
            policy.sleep(delay)
        except ParamValidationError:
            raise  # a request the API's model refuses: the tool's bug, said as one
        except BotoCoreError as exc:
            # raised by botocore before the request went: credentials that could not be
            # refreshed (an SSO session, a credential_process that stopped answering),
            # ...: a failed call like any other, not tried again (QA-CZ Q-CZ-1)
            code, message = call_problem(exc)
            raise _failure(operation, code, message, context, lost, answered_5xx) from exc
        else:
            if pacer is not None and ticket is not None:
                pacer.served(ticket)
            if answered is not None:
                answered.set()
            return result


def asked_wait(exc: Exception) -> float | None:
    """The seconds an error answer's ``Retry-After`` header asks to wait (None: none)."""
    if not isinstance(exc, ClientError):
        return None
    headers = exc.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    value = headers.get("retry-after")  # botocore gives the names in lower case
    return retry_after(value if isinstance(value, str) else None, time.time())


def _failure(
    operation: str,
    code: str,
    message: str,
    context: str,
    lost: bool,
    statuses: Sequence[int] = (),
) -> AwsError:
    """The call's failure; a write an attempt of which lost its answer (or was answered
    with a 5xx: ``statuses``) says it may have been made (``answer_lost``)."""
    if not lost and not statuses:
        return AwsError(operation, code, message, context)
    message = answer_lost(message, None if lost else statuses)
    return AwsError(operation, code, message, context, may_have_been_made=True)
