"""Quota names, AWS's documented defaults per region, and the overrides users give."""

from __future__ import annotations

import pytest

from reconciler.errors import UsageError
from reconciler.pacing import QUOTAS, parse_rate_option, resolve_rates


def test_defaults_are_aws_documented_quotas_per_region() -> None:
    east = resolve_rates("us-east-1")
    frankfurt = resolve_rates("eu-central-1")
    assert east["messaging.bearer"] == 10.0
    assert frankfurt["messaging.bearer"] == 5.0
    assert east["messaging.channel-batch"] == frankfurt["messaging.channel-batch"] == 1.0
    assert east["messaging.channel-write"] == 15.0
    assert frankfurt["messaging.channel-write"] == 10.0
    assert east["meetings"] == 10.0
    assert east["chime"] is None  # no documented default: found from 429s


def test_later_overrides_win() -> None:
    rates = resolve_rates("us-east-1", {"chime": 5.0, "meetings": 3.0}, {"chime": 8.0})
    assert rates["chime"] == 8.0
    assert rates["meetings"] == 3.0
    assert resolve_rates("us-east-1", {"messaging.bearer": None})["messaging.bearer"] is None


def test_every_quota_is_resolved() -> None:
    assert set(resolve_rates(None)) == {q.name for q in QUOTAS}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("chime=10", ("chime", 10.0)),
        ("meetings = 2.5", ("meetings", 2.5)),
        ("chime=off", ("chime", None)),
        ("chime=0.001", ("chime", 0.001)),  # the minimum: one call every ~17 minutes
    ],
)
def test_rate_option(text: str, expected: tuple[str, float | None]) -> None:
    assert parse_rate_option(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("chime", "--rate takes QUOTA=N (requests per second) or QUOTA=off, not 'chime'"),
        ("chime=", "--rate takes QUOTA=N"),
        ("chim=3", "--rate chim=3: unknown quota 'chim' (did you mean 'chime'?)"),
        ("chime=fast", "--rate chime=fast: 'fast' is not a number of requests per second"),
        # an Arabic-Indic 8, which float() reads (QA-LE Q-LE-4)
        ("chime=\u0668", "--rate chime=\u0668: '\u0668' is not a number of requests per second"),
        ("chime=0", "--rate chime=0: a rate is a positive number of requests per second or off"),
        ("chime=-2", "--rate chime=-2: a rate is a positive number"),
        (  # in the words of a file's .inf (QA-LE Q-LE-2)
            "chime=inf",
            "--rate chime=inf: a rate is a positive number of requests per second or off, "
            "not inf (not finite)",
        ),
        # QA4 R15: so slow that the next call would wait for days: a typo, refused
        ("chime=0.0000001", "--rate chime=0.0000001: a rate is at least 0.001 requests"),
        ("chime=1e-300", "--rate chime=1e-300: a rate is at least 0.001 requests"),
        (  # as typed, not as :g rounds it: "at least 0.001 ..., not 0.001" (QA-GV Q-GV-4)
            "chime=0.00099999999",
            "--rate chime=0.00099999999: a rate is at least 0.001 requests per second (one "
            "call every ~17 minutes) or off, not 0.00099999999",
        ),
        (
            "chime=0.0001234567",
            "--rate chime=0.0001234567: a rate is at least 0.001 requests per second (one "
            "call every ~17 minutes) or off, not 0.0001234567",
        ),
        # QA-GE: 1e400 is infinity to float(): said as written, not as "inf"
        (
            "chime=1e400",
            "--rate chime=1e400: a rate is a positive number of requests per second or off, "
            "not 1e400 (too large: it reads as infinity)",
        ),
        (
            "chime=-1E+400",
            "--rate chime=-1E+400: a rate is a positive number of requests per second or "
            "off, not -1E+400 (too large: it reads as minus infinity)",
        ),
        (
            "chime=" + "1" * 400,
            f"--rate chime={'1' * 74}…(406 characters): a rate is a positive number of "
            f"requests per second or off, not {'1' * 80}…(400 characters) (too large: it "
            "reads as infinity)",
        ),
        (  # QA-GE Q-GE-6: zero to float(), said as written
            "chime=1e-400",
            "--rate chime=1e-400: a rate is a positive number of requests per second or "
            "off, not 1e-400 (too small: it reads as 0)",
        ),
        (
            "chime=0",
            "--rate chime=0: a rate is a positive number of requests per second or off, not 0",
        ),
    ],
)
def test_bad_rate_options_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_rate_option(text)
    assert str(info.value).startswith(message)
