"""Retries of whole AWS calls: what is retried, how long we wait, what a user finally sees."""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    CredentialRetrievalError,
    EndpointConnectionError,
    ReadTimeoutError,
    UnauthorizedSSOTokenError,
)

from reconciler import interrupt
from reconciler.errors import AwsError, UsageError
from reconciler.pacing import Stopped
from reconciler.providers import lost_answers
from reconciler.providers.retry import RetryPolicy, call_with_retry
from reconciler.redact import register_credentials
from reconciler.retry_policy import retry_after


def client_error(
    code: str, status: int, message: str = "boom", op: str = "ListRooms"
) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        op,
    )


class Flaky:
    """Raises the given exceptions in turn, then returns ``result``."""

    def __init__(self, *failures: Exception, result: Any = "ok") -> None:
        self.failures = list(failures)
        self.calls: list[dict[str, Any]] = []
        self.result = result

    def __call__(self, **params: Any) -> Any:
        self.calls.append(params)
        if self.failures:
            raise self.failures.pop(0)
        return self.result


def policy(
    attempts: int = 5, base: float = 0.01, cap: float = 0.04
) -> tuple[RetryPolicy, list[float]]:
    slept: list[float] = []
    return RetryPolicy(attempts, base, cap, sleep=slept.append, rng=random.Random(7)), slept


def test_throttled_call_is_retried_until_it_succeeds() -> None:
    p, slept = policy()
    fn = Flaky(
        client_error("ThrottledClientException", 429), client_error("ThrottledClientException", 429)
    )
    assert call_with_retry(p, "ListRooms", fn, AccountId="a") == "ok"
    assert fn.calls == [{"AccountId": "a"}] * 3
    assert len(slept) == 2


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 429),
        ("ServiceUnavailableException", 503),
        ("ServiceFailureException", 500),
        ("SomethingNew", 502),
        ("InternalError", 500),  # a code not listed: retried by its status alone (QA-AC)
    ],
)
def test_throttling_and_server_errors_are_retried(code: str, status: int) -> None:
    p, _ = policy()
    fn = Flaky(client_error(code, status))
    assert call_with_retry(p, "ListUsers", fn) == "ok"
    assert len(fn.calls) == 2


@pytest.mark.parametrize("code", ["TooManyRequests", "SlowDown"])
def test_a_429_under_a_code_not_known_as_throttling_is_retried(code: str) -> None:
    # Q-EG-6: a gateway or proxy in front of the API answers 429 with its own code
    p, slept = policy()
    fn = Flaky(client_error(code, 429), client_error(code, 429))
    assert call_with_retry(p, "ListRooms", fn) == "ok"
    assert len(fn.calls) == 3
    assert len(slept) == 2


def test_throttles_and_server_errors_mixed_stop_at_the_attempts_in_all() -> None:
    # Q-EG-6: 3 attempts, so 9 in all (THROTTLE_FACTOR): 8 throttles then 503s, the
    # call gives up at the 9th attempt though only 1 of its 3 other failures was reached
    p, slept = policy(attempts=3)
    throttled = client_error("ThrottlingException", 429)
    fn = Flaky(*[throttled] * 8, *[client_error("ServiceUnavailableException", 503, "later")] * 5)
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", fn)
    assert str(info.value) == (
        "ListRooms failed: ServiceUnavailableException: later (gave up after 9 attempts)"
    )
    assert len(fn.calls) == 9
    assert len(slept) == 8


def test_connection_errors_are_retried() -> None:
    p, _ = policy()
    fn = Flaky(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert call_with_retry(p, "ListBots", fn) == "ok"
    assert len(fn.calls) == 2


def test_client_error_is_not_retried_and_names_operation_code_and_context() -> None:
    p, slept = policy()
    fn = Flaky(client_error("NotFoundException", 404, "Room not found"))
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRoomMemberships", fn, context="account 1111, room r1")
    assert str(info.value) == (
        "ListRoomMemberships failed (account 1111, room r1): NotFoundException: Room not found"
    )
    assert (info.value.operation, info.value.code) == ("ListRoomMemberships", "NotFoundException")
    assert len(fn.calls) == 1
    assert slept == []


def test_gives_up_after_the_policy_attempts_with_the_last_code() -> None:
    p, slept = policy(attempts=3)
    fn = Flaky(*[client_error("ServiceUnavailableException", 503, "try later")] * 5)
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", fn)
    assert str(info.value) == (
        "ListRooms failed: ServiceUnavailableException: try later (gave up after 3 attempts)"
    )
    assert len(fn.calls) == 3
    assert len(slept) == 2


def test_one_attempt_is_said_in_the_singular() -> None:
    p, slept = policy(attempts=1)
    fn = Flaky(client_error("ServiceFailureException", 500, "failed"))
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", fn)
    assert str(info.value) == (
        "ListRooms failed: ServiceFailureException: failed (gave up after 1 attempt)"
    )
    assert (len(fn.calls), slept) == (1, [])


def test_throttling_gets_three_times_the_attempts_of_other_errors() -> None:
    # a quota (tps) shared by parallel threads throttles a call many times in a row: it is
    # told to slow down, not failing, so 10 attempts are too few (apply gave up mid-way)
    p, _ = policy(attempts=3)
    throttled = client_error("ThrottledClientException", 429, "Rate exceeded")
    fn = Flaky(*[throttled] * 5, client_error("ServiceFailureException", 500), throttled)
    assert call_with_retry(p, "ListRooms", fn) == "ok"
    assert len(fn.calls) == 8
    fn = Flaky(*[throttled] * 20)
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", fn)
    assert str(info.value) == (
        "ListRooms failed: ThrottledClientException: Rate exceeded (gave up after 9 attempts)"
    )
    assert (
        p.throttle_limit == 9 and RetryPolicy(attempts=3, throttle_attempts=4).throttle_limit == 4
    )


def test_server_errors_are_counted_apart_from_throttling() -> None:
    p, _ = policy(attempts=3)
    throttled = client_error("ThrottlingException", 400, "Rate exceeded")
    failed = client_error("ServiceUnavailableException", 503, "try later")
    fn = Flaky(failed, throttled, failed, throttled, throttled, failed, throttled)
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", fn)
    assert str(info.value) == (
        "ListRooms failed: ServiceUnavailableException: try later (gave up after 6 attempts)"
    )


def test_backoff_is_exponential_capped_and_fully_jittered() -> None:
    p = RetryPolicy(attempts=10, base=0.1, cap=1.0, rng=random.Random(1))
    assert [p.ceiling(n) for n in range(1, 7)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    delays = [p.delay(5) for _ in range(2000)]
    assert all(0.0 <= d <= 1.0 for d in delays)
    assert min(delays) < 0.05 and max(delays) > 0.95  # spread over the whole interval


def test_sleeps_stay_under_the_cap() -> None:
    p, slept = policy(attempts=8, base=0.01, cap=0.02)
    fn = Flaky(*[client_error("ThrottledClientException", 429)] * 7)
    call_with_retry(p, "ListRooms", fn)
    assert len(slept) == 7
    assert all(0 <= s <= 0.02 for s in slept)


def test_policy_from_environment_in_milliseconds() -> None:
    p = RetryPolicy.from_env(
        {
            "CHIME_RECONCILER_RETRY_BASE_MS": "2",
            "CHIME_RECONCILER_RETRY_CAP_MS": "50",
            "CHIME_RECONCILER_RETRY_ATTEMPTS": "4",
        }
    )
    assert (p.attempts, p.base, p.cap) == (4, 0.002, 0.05)
    assert RetryPolicy.from_env({}) == RetryPolicy()


MILLISECONDS = "must be a number of milliseconds from 0 to 3600000"
WHOLE = "must be a whole number from 1 to 1000"


def test_the_largest_settings_are_taken_as_given() -> None:
    p = RetryPolicy.from_env(
        {
            "CHIME_RECONCILER_RETRY_BASE_MS": "0.5",
            "CHIME_RECONCILER_RETRY_CAP_MS": "3600000",
            "CHIME_RECONCILER_RETRY_ATTEMPTS": " 1000 ",
        }
    )
    assert (p.attempts, p.base, p.cap, p.throttle_limit) == (1000, 0.0005, 3600.0, 3000)


def test_the_backoff_ceiling_of_a_late_retry_is_the_cap_not_an_overflow() -> None:
    # 2 ** 3000 is past any float: the doubling stops well before it
    p = RetryPolicy(attempts=1000, base=0.0, cap=0.0)
    assert p.ceiling(3000) == 0.0
    assert RetryPolicy(attempts=1000, base=0.001, cap=5.0).ceiling(3000) == 5.0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CHIME_RECONCILER_RETRY_BASE_MS", "fast", f"{MILLISECONDS}, got 'fast'"),
        ("CHIME_RECONCILER_RETRY_CAP_MS", "-5", f"{MILLISECONDS}, got '-5'"),
        ("CHIME_RECONCILER_RETRY_CAP_MS", "nan", f"{MILLISECONDS}, got 'nan'"),
        ("CHIME_RECONCILER_RETRY_BASE_MS", "inf", f"{MILLISECONDS}, got 'inf'"),
        ("CHIME_RECONCILER_RETRY_BASE_MS", "3600001", f"{MILLISECONDS}, got '3600001'"),
        ("CHIME_RECONCILER_RETRY_ATTEMPTS", "0", f"{WHOLE}, got '0'"),
        ("CHIME_RECONCILER_RETRY_ATTEMPTS", "2.5", f"{WHOLE}, got '2.5'"),
        ("CHIME_RECONCILER_RETRY_ATTEMPTS", "inf", f"{WHOLE}, got 'inf'"),
        ("CHIME_RECONCILER_RETRY_ATTEMPTS", "1001", f"{WHOLE}, got '1001'"),
        # cut by the one rule (QA-GV Q-GV-5); said why as --rate says it (QA-GV Q-GV-6)
        (
            "CHIME_RECONCILER_RETRY_CAP_MS",
            "x" * 300,
            f"{MILLISECONDS}, got '{'x' * 80}'…(300 characters)",
        ),
        (
            "CHIME_RECONCILER_RETRY_ATTEMPTS",
            "9" * 4301,
            f"{WHOLE}, got '{'9' * 80}'…(4,301 characters)",
        ),
        (
            "CHIME_RECONCILER_RETRY_BASE_MS",
            "1e400",
            f"{MILLISECONDS}, got '1e400' (too large: it reads as infinity)",
        ),
        (
            "CHIME_RECONCILER_RETRY_BASE_MS",
            "1e-400",
            f"{MILLISECONDS}, got '1e-400' (too small: it reads as 0)",
        ),
    ],
)
def test_bad_retry_settings_in_the_environment_are_a_usage_error(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(UsageError) as info:
        RetryPolicy.from_env({name: value})
    assert str(info.value) == f"{name} {message}"


def test_retries_are_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    p, _ = policy()
    fn = Flaky(client_error("ThrottledClientException", 429, "Rate exceeded"))
    with caplog.at_level(logging.DEBUG, logger="reconciler"):
        call_with_retry(p, "ListRooms", fn, context="account 1111")
    assert [r.levelno for r in caplog.records] == [logging.DEBUG]
    assert (
        caplog.records[0]
        .getMessage()
        .startswith(
            "ListRooms (account 1111): ThrottledClientException (Rate exceeded); retry 1 of 14 in "
        )
    )


def test_an_unreachable_endpoint_is_given_up_after_three_attempts_not_ten() -> None:
    slept: list[float] = []
    p = RetryPolicy(attempts=10, base=0.01, cap=0.04, sleep=slept.append, rng=random.Random(7))
    fn = Flaky(*[EndpointConnectionError(endpoint_url="http://127.0.0.1:1")] * 10)
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", fn)
    assert len(fn.calls) == 3
    assert info.value.message.endswith("(gave up after 3 attempts)")


def test_an_endpoint_that_never_answers_is_given_up_after_three_attempts() -> None:
    slept: list[float] = []
    p = RetryPolicy(attempts=10, base=0.01, cap=0.04, sleep=slept.append, rng=random.Random(7))
    fn = Flaky(*[ReadTimeoutError(endpoint_url="http://127.0.0.1:1")] * 10)
    with pytest.raises(AwsError):
        call_with_retry(p, "ListRooms", fn)
    assert len(fn.calls) == 3


@pytest.mark.parametrize(
    ("first", "made"),
    [
        (ConnectionClosedError(endpoint_url="http://127.0.0.1:1"), True),  # sent, no answer
        (ReadTimeoutError(endpoint_url="http://127.0.0.1:1"), True),
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), False),  # never sent
    ],
)
def test_a_call_whose_answer_was_lost_says_it_may_have_been_made(
    first: Exception, made: bool
) -> None:
    """QA-O Q-O-2: the answer to the first attempt lost, the retry unable to connect: the
    failure is the last attempt's (Could not connect), and says the call may have been
    made; a call never sent does not."""
    p, _ = policy(attempts=2)
    fn = Flaky(first, EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "BatchCreateChannelMembership", fn)
    assert info.value.code == "EndpointConnectionError"
    assert info.value.may_have_been_made is made
    note = "(an answer was lost: the call may have been made; plan shows)"
    assert info.value.message.endswith(note) is made


@pytest.mark.parametrize("operation", ["ListChannelMemberships", "DescribeAppInstanceUser"])
def test_a_read_whose_answer_was_lost_does_not_say_it_may_have_been_made(operation: str) -> None:
    """QA-FB Q-FB-3: a read changes nothing: its lost answer fails as its 5xx does, and
    tells no watcher (a Conflict after it is no write's doing)."""
    p, _ = policy(attempts=1)
    lost = ConnectionClosedError(endpoint_url="http://127.0.0.1:1")
    with lost_answers.watching() as watch, pytest.raises(AwsError) as info:
        call_with_retry(p, operation, Flaky(lost))
    assert not info.value.may_have_been_made
    assert info.value.message.endswith("(gave up after 1 attempt)"), info.value.message
    assert not watch.lost


@pytest.mark.parametrize(
    ("operation", "code", "status", "made"),
    [
        ("DeleteRoomMembership", "ServiceFailureException", 500, True),
        ("BatchCreateAttendee", "ServiceUnavailableException", 503, True),
        ("CreateChannelModerator", "502", 502, True),  # a gateway's page
        ("UpdateRoomMembership", "ThrottledClientException", 429, False),
        ("ListRoomMemberships", "ServiceFailureException", 500, False),  # a read
        ("DescribeChannel", "504", 504, False),
    ],
)
def test_a_write_answered_5xx_says_it_may_have_been_made(
    operation: str, code: str, status: int, made: bool
) -> None:
    """QA-CG Q-CG-2: a 5xx does not say a write was not made (a gateway may fail once it
    was): it fails as one whose answer was lost does; a read, or a 429, does not."""
    p, _ = policy(attempts=1)
    with pytest.raises(AwsError) as info:
        failing = [client_error(code, status, op=operation)] * 3  # a 429 gets 3 attempts
        call_with_retry(p, operation, Flaky(*failing))
    assert info.value.may_have_been_made is made
    note = f"(answered {status}: the call may have been made; plan shows)"
    assert info.value.message.endswith(note) is made


def test_a_write_answered_5xx_then_met_by_conflict_tells_its_watchers() -> None:
    """A batch answered 502 that succeeds when tried again: its items' ``Conflict`` is
    most likely the first attempt's doing, as after a lost answer."""
    p, _ = policy(attempts=2)
    first = client_error("ServiceFailureException", 500, op="BatchCreateRoomMembership")
    with lost_answers.watching() as watch:
        assert call_with_retry(p, "BatchCreateRoomMembership", Flaky(first)) == "ok"
    assert watch.lost
    with lost_answers.watching() as read:
        assert call_with_retry(p, "ListRooms", Flaky(client_error("X", 500))) == "ok"
    assert not read.lost


def test_an_html_page_from_an_endpoint_that_answered_before_is_not_a_wrong_url() -> None:
    """QA-CG Q-CG-2: an endpoint that answered the run's other calls with the API and then
    a gateway's page is not told to check --endpoint-url."""
    p, _ = policy(attempts=1)
    page = "<html><head><title>502 Bad Gateway</title></head></html>"
    answered = threading.Event()
    call_with_retry(p, "ListRooms", Flaky(), answered=answered)
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", Flaky(client_error("502", 502, page)), answered=answered)
    assert str(info.value) == (
        "ListRooms failed: 502: Bad Gateway: an HTML page (title: 502 Bad Gateway) came "
        "instead of the Chime API's answer (a gateway or proxy on the way: the endpoint "
        "answered this run's other calls) (gave up after 1 attempt)"
    )


@pytest.mark.parametrize(
    ("first", "lost"),
    [
        (ConnectionClosedError(endpoint_url="http://127.0.0.1:1"), True),  # sent, no answer
        (EndpointConnectionError(endpoint_url="http://127.0.0.1:1"), False),  # never sent
    ],
)
def test_a_call_that_succeeds_after_a_lost_answer_tells_its_watchers(
    first: Exception, lost: bool
) -> None:
    """QA-U Q-U-2: a batch whose first answer was lost succeeds when tried again (its items
    answered Conflict: most likely the first attempt's doing); the caller watching it is
    told an answer was lost, as a failure would say (``may_have_been_made``)."""
    p, _ = policy(attempts=2)
    with lost_answers.watching() as outer, lost_answers.watching() as watch:
        assert call_with_retry(p, "BatchCreateRoomMembership", Flaky(first)) == "ok"
    assert (watch.lost, outer.lost) == (lost, lost)
    with lost_answers.watching() as after:  # a watch sees only its own calls
        call_with_retry(p, "BatchCreateRoomMembership", Flaky())
    assert not after.lost


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("line one\n\n  line two\nline three\n", "line one (2 more lines)"),
        ("x" * 5000, "x" * 299 + "…"),
        ("<html><head><title>Bad &amp; gone</title></head></html>", None),
    ],
)
def test_a_message_of_many_lines_or_a_page_is_one_short_line(
    message: str, shown: str | None
) -> None:
    """QA4 R12: a proxy's page or a long text body is one line, never the whole body."""
    p, _ = policy()
    with pytest.raises(AwsError) as info:
        call_with_retry(p, "ListRooms", Flaky(client_error("403", 403, message)))
    said = shown or (
        "Forbidden: the endpoint answered an HTML page (title: Bad & gone), not the Chime "
        "API; check --endpoint-url"
    )
    assert str(info.value) == f"ListRooms failed: 403: {said}"


def test_a_call_whose_retry_an_interrupt_stops_failed_it_was_not_never_started() -> None:
    """QA-C Q-C-2: a call lost mid-way (a closed connection: it may have been made), whose
    backoff an interrupt cut short, is its own failure, not "not started": the interrupt's
    report must not list as never made a call that reached Chime."""
    attempts: list[int] = []

    def lost(**_: Any) -> None:
        attempts.append(1)
        raise ConnectionClosedError(endpoint_url="http://chime.example")

    def interrupted_sleep(_: float) -> None:
        interrupt.STOP.set()  # the Ctrl-C comes during the backoff

    try:
        with pytest.raises(AwsError) as raised:
            call_with_retry(
                RetryPolicy(attempts=5, sleep=interrupted_sleep),
                "DeleteRoomMembership",
                lost,
                context="room r1",
            )
    finally:
        interrupt.STOP.clear()
    assert not isinstance(raised.value, interrupt.NotStarted)
    assert len(attempts) == 1  # and no other attempt started after the interrupt
    assert raised.value.code == "ConnectionClosedError"
    assert str(raised.value).endswith(
        "(not tried again: interrupted after 1 attempt) "
        "(an answer was lost: the call may have been made; plan shows)"
    )


def test_a_call_an_interrupt_stops_before_its_first_attempt_is_not_started() -> None:
    interrupt.STOP.set()
    try:
        with pytest.raises(interrupt.NotStarted):
            call_with_retry(policy()[0], "DeleteRoomMembership", lambda: None)
    finally:
        interrupt.STOP.clear()


class WaitingPacer:
    """A pacer whose second start is a long wait (a throttled quota) that an interrupt
    ends: ``Stopped`` (gave up waiting), or a start granted just as the interrupt came."""

    def __init__(self, gives_up: bool) -> None:
        self.gives_up = gives_up
        self.acquired = 0

    def acquire(self, *_: Any) -> object:
        self.acquired += 1
        if self.acquired > 1:
            interrupt.STOP.set()
            if self.gives_up:
                raise Stopped()
        return object()

    def release(self, _: object) -> None: ...

    def served(self, _: object) -> None: ...

    def throttled(self, _: object) -> None: ...


@pytest.mark.parametrize("gives_up", [True, False], ids=["stopped-waiting", "granted-then-stopped"])
def test_a_retry_an_interrupt_stops_at_the_pacer_is_the_calls_failure(gives_up: bool) -> None:
    """QA-D Q-D-2: a throttled channel batch waits seconds for its slowed quota before its
    retry; a Ctrl-C then is not "not started": the call was made (and throttled)."""
    throttled = Flaky(client_error("ThrottledClientException", 429, "Rate exceeded."))
    pacer = WaitingPacer(gives_up)
    try:
        with pytest.raises(AwsError) as raised:
            call_with_retry(
                policy()[0],
                "BatchCreateChannelMembership",
                throttled,
                pacer=pacer,  # type: ignore[arg-type]
                keys=(),
            )
    finally:
        interrupt.STOP.clear()
    assert not isinstance(raised.value, interrupt.NotStarted)
    assert len(throttled.calls) == 1
    assert raised.value.code == "ThrottledClientException"
    assert str(raised.value).endswith(
        "Rate exceeded. (not tried again: interrupted after 1 attempt)"
    )


def test_an_aws_error_quoting_a_credential_is_shown_masked() -> None:
    """SignatureDoesNotMatch quotes the canonical request, session token header and all:
    the error a user sees (stderr, CI logs, ``apply --out``) shows ``***`` for it."""
    token = "unit-retry-session-token-echoed-0004"
    register_credentials("AKIAUNITRETRYKEY0004", "unit/retry/secret/0004", token)
    fn = Flaky(
        client_error(
            "SignatureDoesNotMatch", 403, f"canonical request: x-amz-security-token:{token}"
        )
    )
    with pytest.raises(AwsError) as info:
        call_with_retry(policy()[0], "ListRooms", fn)
    assert token not in str(info.value)
    assert "x-amz-security-token:***" in info.value.message


@pytest.mark.parametrize(
    "error",
    [
        CredentialRetrievalError(provider="custom-process", error_msg="token expired\n"),
        UnauthorizedSSOTokenError(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_credentials_that_cannot_be_refreshed_fail_the_call_at_once(error: Exception) -> None:
    """QA-CZ Q-CZ-1: botocore refreshes credentials near their expiry inside the call; one
    that fails is the call's failure (the applier reports it), not tried again."""
    fn = Flaky(error)
    with pytest.raises(AwsError) as info:
        call_with_retry(policy()[0], "CreateChannelMembership", fn, context="channel c")
    assert len(fn.calls) == 1
    assert info.value.code == "Credentials"
    assert not info.value.may_have_been_made
    assert str(info.value).startswith("CreateChannelMembership failed (channel c): Credentials: ")
    assert str(info.value).endswith(" (renew the credentials, then run again)")
    assert "\n" not in str(info.value)


def test_credentials_failing_after_a_lost_answer_say_the_call_may_have_been_made() -> None:
    fn = Flaky(
        ConnectionClosedError(endpoint_url="http://chime.example"),
        CredentialRetrievalError(provider="custom-process", error_msg="token expired"),
    )
    with pytest.raises(AwsError) as info:
        call_with_retry(policy()[0], "CreateChannelMembership", fn)
    assert len(fn.calls) == 2
    assert info.value.may_have_been_made


@pytest.mark.parametrize(
    ("value", "asked"),
    [
        ("10", 10.0),
        (" 0 ", 0.0),
        ("Thu, 01 Jan 1970 00:00:30 GMT", 20.0),  # an HTTP date, 20 s after "now" (10)
        ("Thu, 01 Jan 1970 00:00:05 GMT", 0.0),  # past: no wait
        (None, None),
        ("", None),
        ("-3", 0.0),
        ("1.5", 1.5),  # Q-FQ-3: decimal seconds, as the GitHub client reads them
        ("Thursday, 01-Jan-70 00:00:30 GMT", 20.0),  # RFC 850
        ("Thu Jan  1 00:00:30 1970", 20.0),  # asctime: no zone, GMT (RFC 9110 5.6.7)
        ("Thu, 01 Jan 1970 00:00:30 -0000", 20.0),  # no zone given: GMT
        ("soon", None),
        ("nan", None),
    ],
)
def test_a_retry_after_header_is_read_as_seconds_or_a_date(
    value: str | None, asked: float | None
) -> None:
    assert retry_after(value, 10.0) == asked


def test_a_retry_after_is_waited_for_when_longer_than_the_backoff() -> None:
    p, _ = policy()
    assert p.wait(1, 3.0) == 3.0
    assert 0.0 <= p.wait(1, 0.0) <= p.ceiling(1)  # shorter than the backoff: the backoff
    assert p.longest_asked == 60.0
