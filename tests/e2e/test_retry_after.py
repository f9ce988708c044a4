"""Q-FM-3: chime-sdk-meetings models a ``Retry-After`` header on its 503
ServiceUnavailableException (``RetryAfterSeconds``). A call answered so waits at least
that long before its next attempt (not the backoff's fraction of a second), and one asked
to wait longer than the tool waits gives up at once, saying so.

The real boto3 client against the emulator over HTTP (``retry_after`` makes its 503s
carry the header), through the tool's retry wrapper with its sleeps recorded; then the
CLI."""

from __future__ import annotations

import random
import re
from typing import Any

import boto3
import pytest
from botocore.config import Config
from conftest import ACCOUNT, UNPACED, Cli, WriteDesired

from reconciler.emulator import EmulatorServer
from reconciler.emulator.faults import FaultConfig, FaultInjector
from reconciler.errors import AwsError
from reconciler.providers.retry import RetryPolicy, call_with_retry

pytestmark = pytest.mark.e2e

MEETING = "6f1c2a9e-0000-4000-8000-000000000011"


def unavailable_seed(calls: int) -> int:
    """A fault seed whose first ``calls`` ListAttendees (error_rate 1) are all 503s."""
    for seed in range(1000):
        injector = FaultInjector(FaultConfig(error_rate=1.0, seed=seed))
        fates = [injector.decide("ListAttendees").error for _ in range(calls)]
        if all(f is not None and f.status == 503 for f in fates):
            return seed
    raise AssertionError("no such seed")


def meeting(emulator: EmulatorServer, retry_after: int, calls: int) -> None:
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [{"id": MEETING, "external_meeting_id": "bridge-1", "attendees": []}],
        }
    )
    emulator.set_faults(
        error_rate=1.0,
        operations=["ListAttendees"],
        seed=unavailable_seed(calls),
        retry_after=retry_after,
    )


def client(emulator: EmulatorServer) -> Any:
    return boto3.client(
        "chime-sdk-meetings",
        endpoint_url=emulator.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}),  # as the tool's clients: ours only
    )


def test_a_503_s_retry_after_is_waited_for_not_the_shorter_backoff(
    emulator: EmulatorServer,
) -> None:
    meeting(emulator, retry_after=7, calls=3)
    slept: list[float] = []
    policy = RetryPolicy(3, 0.01, 0.04, sleep=slept.append, rng=random.Random(7))
    with pytest.raises(AwsError) as info:
        call_with_retry(policy, "ListAttendees", client(emulator).list_attendees, MeetingId=MEETING)
    assert info.value.code == "ServiceUnavailableException"
    assert info.value.message.endswith("(gave up after 3 attempts)")
    assert slept == [7.0, 7.0]  # the backoff alone: at most 0.01 then 0.02


def test_a_retry_after_longer_than_the_tool_waits_gives_up_at_once_saying_so(
    emulator: EmulatorServer,
) -> None:
    meeting(emulator, retry_after=600, calls=1)
    slept: list[float] = []
    policy = RetryPolicy(3, 0.01, 0.04, sleep=slept.append)
    with pytest.raises(AwsError) as info:
        call_with_retry(policy, "ListAttendees", client(emulator).list_attendees, MeetingId=MEETING)
    assert slept == []
    assert info.value.message == (
        "The service is unavailable (injected fault). (the service asks to retry after 600 s, "
        "more than the 60 s this tool waits) (gave up after 1 attempt)"
    )


def test_plan_says_when_aws_asks_for_a_longer_wait_than_it_makes(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    meeting(emulator, retry_after=600, calls=1)
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n"
            "    attendees: {bob@example.com: presenter}\n",
        }
    )
    planned = cli(*UNPACED, "plan")
    assert planned.exit_code == 1, planned.stdout + planned.stderr
    assert re.search(
        r"^Error: ListAttendees failed \(meeting [^)]*\): ServiceUnavailableException: .* "
        r"\(the service asks to retry after 600 s, more than the 60 s this tool waits\) "
        r"\(gave up after 1 attempt\)$",
        planned.stderr,
        re.M,
    ), planned.stderr


def statuses_seed(operation: str, statuses: list[int]) -> int:
    """A fault seed whose first ``operation`` calls (error_rate 1) answer ``statuses``."""
    for seed in range(1000):
        injector = FaultInjector(FaultConfig(error_rate=1.0, seed=seed))
        fates = [injector.decide(operation).error for _ in statuses]
        if [f.status if f is not None else None for f in fates] == statuses:
            return seed
    raise AssertionError("no such seed")


def test_a_write_answered_500_then_503_says_both_statuses_with_the_503s_error(
    emulator: EmulatorServer, write_desired: WriteDesired, cli: Cli
) -> None:
    """QA-GA Q-GA-2: a removal answered 500, then 503 with a Retry-After longer than the
    tool waits, said ``ServiceUnavailableException: ... (answered 500: ...)``: the last
    answer's error with the first's status. Each status is said."""
    emulator.reset(
        {
            "accounts": [{"id": ACCOUNT, "name": "X"}],
            "meetings": [
                {
                    "id": MEETING,
                    "external_meeting_id": "bridge-1",
                    "attendees": [{"external_user_id": "x0"}],
                }
            ],
        }
    )
    emulator.set_faults(
        error_rate=1.0,
        operations=["DeleteAttendee"],
        seed=statuses_seed("DeleteAttendee", [500, 503]),
        retry_after=600,
    )
    write_desired(
        {
            "settings.yaml": f"account: {ACCOUNT}\n",
            "m.yaml": f"meetings:\n  bridge:\n    meeting_id: {MEETING}\n    prune: true\n"
            "    attendees: {}\n",
        }
    )
    applied = cli(*UNPACED, "apply", "--auto-approve")
    assert applied.exit_code == 1, applied.stdout + applied.stderr
    failed = [line for line in applied.lines if line.startswith("  ! - x0 ")]
    assert len(failed) == 1, applied.lines
    assert failed[0].endswith(
        ": ServiceUnavailableException: The service is unavailable (injected fault). (the "
        "service asks to retry after 600 s, more than the 60 s this tool waits) (gave up after "
        "2 attempts) (answered 500 and 503: the call may have been made; plan shows)"
    ), failed[0]
