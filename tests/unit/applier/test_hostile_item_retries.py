"""Per-item batch errors get the same retry budgets as whole calls (the ones the README
documents): a throttled item three times the attempts of one that failed with a 5xx."""

from __future__ import annotations

import logging
import random

import pytest
from test_applier_order_and_errors import A, FakeRooms, M, create, plan_of

from reconciler.applier import apply
from reconciler.providers.retry import DEFAULT_ATTEMPTS, RetryPolicy


def policy() -> RetryPolicy:
    return RetryPolicy(sleep=lambda _: None, rng=random.Random(0))


@pytest.mark.parametrize(
    ("code", "attempts"),
    [("Throttled", 3 * DEFAULT_ATTEMPTS), ("ServiceUnavailable", DEFAULT_ATTEMPTS)],
)
def test_a_batch_item_gives_up_after_the_documented_budget_for_its_code(
    code: str, attempts: int
) -> None:
    fake = FakeRooms({"ops": {}})
    fake.item_errors = {"a@x.io": [code] * attempts}
    result = apply(plan_of(create("a@x.io")), fake, retry=policy())  # type: ignore[arg-type]
    assert len(fake.log) == attempts
    assert [(r.error_code, r.error_message) for r in result.failed] == [
        (code, f"item says {code} (gave up after {attempts} attempts)")
    ]


def test_a_batch_item_given_one_attempt_says_so_in_the_singular() -> None:
    fake = FakeRooms({"ops": {}})
    fake.item_errors = {"a@x.io": ["ServiceUnavailable"]}
    one = RetryPolicy(attempts=1, sleep=lambda _: None)
    result = apply(plan_of(create("a@x.io")), fake, retry=one)  # type: ignore[arg-type]
    assert len(fake.log) == 1
    assert [(r.error_code, r.error_message) for r in result.failed] == [
        ("ServiceUnavailable", "item says ServiceUnavailable (gave up after 1 attempt)")
    ]


@pytest.mark.parametrize(
    ("code", "attempts"),
    [("Throttled", 3 * DEFAULT_ATTEMPTS), ("ServiceUnavailable", DEFAULT_ATTEMPTS)],
)
def test_a_batch_item_that_succeeds_on_its_last_attempt_is_added(code: str, attempts: int) -> None:
    fake = FakeRooms({"ops": {}})
    fake.item_errors = {"a@x.io": [code] * (attempts - 1)}
    result = apply(plan_of(create("a@x.io")), fake, retry=policy())  # type: ignore[arg-type]
    assert result.ok and result.added == 1
    assert len(fake.log) == attempts


def test_each_per_item_retry_is_logged_at_debug_with_code_members_and_delay(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeRooms({"ops": {}})
    fake.item_errors = {"a@x.io": ["Throttled"], "b@x.io": ["Throttled", "ServiceFailure"]}
    with caplog.at_level(logging.DEBUG, logger="reconciler"):
        result = apply(
            plan_of(create("a@x.io"), create("b@x.io"), create("c@x.io")),
            fake,  # type: ignore[arg-type]
            retry=RetryPolicy(base=0.0, cap=0.0, sleep=lambda _: None),
        )
    assert result.ok
    assert [r.getMessage() for r in caplog.records] == [
        "batch create (room ops, id ops): Throttled (item says Throttled) for 2 members "
        "(a@x.io, b@x.io); retry 1 of 29 in 0.000s",
        "batch create (room ops, id ops): ServiceFailure (item says ServiceFailure) for 1 "
        "member (b@x.io); retry 2 of 9 in 0.000s",
    ]


def test_a_create_settling_a_conflict_backs_off_as_the_policy_says() -> None:
    """The bot was there as Member (another apply): re-created as Administrator, its create
    is throttled twice, each retried after the policy's delay (not at once)."""
    fake = FakeRooms({"ops": {"bot:Pager": M}})
    fake.item_errors = {"bot:Pager": ["Conflict", "Throttled", "Throttled"]}
    slept: list[float] = []
    waits = RetryPolicy(sleep=slept.append, rng=random.Random(7))
    result = apply(plan_of(create("bot:Pager", A)), fake, retry=waits)  # type: ignore[arg-type]
    assert result.ok and fake.rooms["ops"] == {"bot:Pager": A}
    same = RetryPolicy(rng=random.Random(7))
    assert slept == [same.delay(1), same.delay(2)] and all(s > 0 for s in slept)


@pytest.mark.parametrize(
    ("code", "attempts"),
    [("Throttled", 3 * DEFAULT_ATTEMPTS), ("ServiceUnavailable", DEFAULT_ATTEMPTS)],
)
def test_a_create_settling_a_conflict_gets_the_items_budget_not_the_conflict_rounds(
    code: str, attempts: int
) -> None:
    fake = FakeRooms({"ops": {"bot:Pager": M}})
    fake.item_errors = {"bot:Pager": ["Conflict"] + [code] * attempts}
    result = apply(plan_of(create("bot:Pager", A)), fake, retry=policy())  # type: ignore[arg-type]
    assert [op for op, _, _ in fake.log].count("create") == 1 + attempts
    assert [(r.error_code, r.error_message) for r in result.failed] == [
        (code, f"item says {code} (gave up after {attempts} attempts)")
    ]
