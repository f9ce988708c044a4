"""The retry policy: how often and how long to retry, and which error codes are worth it.
Pure (no botocore): the applier retries batch items with it, and the botocore call wrapper
(``reconciler.providers.retry``) retries whole calls with it.

Throttling says "slow down", not "failed": under a requests-per-second quota shared by the
parallel threads, one call can be throttled many times in a row while the others get
through. So a call gives up after ``attempts`` failures other than throttling (3 for an
endpoint that cannot be reached), or after ``throttle_limit`` attempts in all (three times
``attempts`` unless set).

An answer that says when to try again (a ``Retry-After`` header: chime-sdk-meetings models
it on ServiceUnavailableException, ``RetryAfterSeconds``) is waited for at least that long
(``RetryPolicy.wait``), up to ``RetryPolicy.longest_asked`` (``MAX_RETRY_AFTER``, or the
backoff's cap when that is longer); asked to wait longer, the call gives up at once and
says so (``asked_too_long``) rather than come back sooner than told.
"""

from __future__ import annotations

import logging
import math
import os
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from reconciler import interrupt
from reconciler.desired.written import IT_READS, misread_words
from reconciler.errors import UsageError
from reconciler.logs import LOGGER
from reconciler.prose import listed
from reconciler.quoted import quoted
from reconciler.retry_after import MAX_RETRY_AFTER
from reconciler.retry_after import retry_after as retry_after  # the providers', too
from reconciler.typed_number import number_text

log = logging.getLogger(LOGGER)

ENV_BASE_MS = "CHIME_RECONCILER_RETRY_BASE_MS"
ENV_CAP_MS = "CHIME_RECONCILER_RETRY_CAP_MS"
ENV_ATTEMPTS = "CHIME_RECONCILER_RETRY_ATTEMPTS"

DEFAULT_ATTEMPTS = 10
DEFAULT_BASE = 0.2  # seconds
DEFAULT_CAP = 20.0  # seconds
# An endpoint that refuses connections or never answers is most often a wrong
# --endpoint-url or region: a few tries, not ten backed-off ones (each timeout is long).
DEFAULT_CONNECT_ATTEMPTS = 3

# The largest values the environment may set: an hour's backoff, a thousand attempts.
# Beyond them a run would wait days (or for ever) on one call; a typo, not a policy.
MAX_DELAY_MS = 3_600_000
MAX_ATTEMPTS = 1000
MAX_DOUBLINGS = 64  # ceiling(): base * 2**64 is past any cap


THROTTLE_FACTOR = 3  # attempts in all, against ``attempts`` for other transient errors
THROTTLING_CODES = frozenset(
    {
        "ThrottledClientException",
        "ThrottlingException",
        "TooManyRequestsException",
        "Throttled",
        "Throttling",
    }
)

# A whole call's failure on the service's side (a 5xx, whatever its status says)
SERVER_ERROR_CODES = frozenset(
    {
        "ServiceUnavailableException",
        "ServiceFailureException",
        "InternalServerError",
        "InternalFailure",
    }
)
# Error codes worth another attempt: whole-call exception codes and per-item batch codes.
TRANSIENT_CODES = (
    THROTTLING_CODES
    | SERVER_ERROR_CODES
    | frozenset(
        {
            # per-item codes (ErrorCode enum of the batch responses)
            "ServiceUnavailable",
            "ServiceFailure",
        }
    )
)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry. ``attempts`` counts the first try.

    The delay before retry ``n`` (1-based) is uniform in ``[0, min(cap, base * 2**(n-1))]``
    ("full jitter"). ``sleep`` and ``rng`` are injectable so tests need not wait.
    """

    attempts: int = DEFAULT_ATTEMPTS
    base: float = DEFAULT_BASE
    cap: float = DEFAULT_CAP
    connect_attempts: int = DEFAULT_CONNECT_ATTEMPTS  # when the endpoint cannot be reached
    throttle_attempts: int | None = None  # attempts in all when throttled; None: 3 x attempts
    # a Ctrl-C cuts a backoff short (reconciler.interrupt)
    sleep: Callable[[float], None] = field(default=interrupt.sleep, compare=False, repr=False)
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base < 0 or self.cap < 0:
            raise ValueError("base and cap must not be negative")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetryPolicy:
        """Defaults, overridden by CHIME_RECONCILER_RETRY_BASE_MS / _CAP_MS / _ATTEMPTS.
        A bad value is a ``UsageError`` naming the variable (raised before any call):
        the ms values are finite numbers from 0 to ``MAX_DELAY_MS``, attempts a whole
        number from 1 to ``MAX_ATTEMPTS``."""
        env = os.environ if environ is None else environ
        base_ms = _setting(env, ENV_BASE_MS, float, 0, MAX_DELAY_MS)
        cap_ms = _setting(env, ENV_CAP_MS, float, 0, MAX_DELAY_MS)
        base = DEFAULT_BASE if base_ms is None else base_ms / 1000
        cap = max(DEFAULT_CAP, base) if cap_ms is None else cap_ms / 1000
        given = _setting(env, ENV_ATTEMPTS, int, 1, MAX_ATTEMPTS)
        attempts = DEFAULT_ATTEMPTS if given is None else int(given)
        return cls(
            attempts=attempts,
            base=base,
            cap=cap,
            connect_attempts=min(attempts, DEFAULT_CONNECT_ATTEMPTS),
        )

    @property
    def throttle_limit(self) -> int:
        """Attempts in all before a throttled call gives up."""
        return self.throttle_attempts or THROTTLE_FACTOR * self.attempts

    def ceiling(self, retry: int) -> float:
        """Upper bound of the delay before retry number ``retry`` (1-based). The doubling
        stops at 2**MAX_DOUBLINGS: past it ``2 ** n`` would not fit a float."""
        return float(min(self.cap, self.base * (2 ** min(retry - 1, MAX_DOUBLINGS))))

    def delay(self, retry: int) -> float:
        return self.rng.uniform(0.0, self.ceiling(retry))

    @property
    def longest_asked(self) -> float:
        """The longest wait an answer's ``Retry-After`` may ask for and get."""
        return max(MAX_RETRY_AFTER, self.cap)

    def wait(self, retry: int, asked: float | None = None) -> float:
        """The delay before retry ``retry``: the backoff's (``delay``), or the
        ``Retry-After`` the failed answer ``asked`` for (seconds) when that is longer.
        ``asked`` beyond ``longest_asked`` is the caller's to refuse (``asked_too_long``)."""
        delay = self.delay(retry)
        return delay if asked is None else max(delay, asked)

    def backoff(self, retry: int) -> None:
        self.sleep(self.delay(retry))


def _setting(
    env: Mapping[str, str], name: str, parse: Callable[[str], float], least: int, most: int
) -> float | None:
    """The value of the variable ``name`` (None if unset or blank), checked: ``parse``
    takes it (``int`` refuses ``2.5``) and it lies from ``least`` to ``most``; a ``nan``
    or ``inf`` never does (no comparison with nan holds)."""
    text = env.get(name, "").strip()
    if not text:
        return None
    words = ""
    try:
        value = parse(number_text(text))  # not 1_0, nor ٨ (QA-LE Q-LE-4)
        words = misread_words(text, value, IT_READS)  # 1e400 and 1e-400: said why
        words = "" if words == "not finite" else words  # `inf`, `nan`: they say so
    except ValueError:  # 4,301 digits too: int() refuses them
        value = math.nan
    if words or not least <= value <= most:  # 1e-400: not 0 (QA-GV Q-GV-6), nor infinity
        what = "a whole number" if parse is int else "a number of milliseconds"
        got = f"{quoted(text)} ({words})" if words else quoted(text)  # cut (Q-GV-5)
        raise UsageError(f"{name} must be {what} from {least} to {most}, got {got}")
    return value


def asked_too_long(message: str, asked: float, longest: float) -> str:
    """``message`` of an answer whose ``Retry-After`` asks for longer than this tool waits:
    ``... (the service asks to retry after 300 s, more than the 60 s this tool waits)``."""
    return (
        f"{message} (the service asks to retry after {asked:,.0f} s, more than the "
        f"{longest:,.0f} s this tool waits)"
    )


def item_attempts(policy: RetryPolicy, code: str) -> int:
    """Attempts in all for a batch item answered with the transient ``code``: the same
    budgets as whole calls (throttling gets ``throttle_limit``, the rest ``attempts``)."""
    return policy.throttle_limit if code in THROTTLING_CODES else policy.attempts


def gave_up(message: str, attempts: int) -> str:
    """``message`` of the last failure, with how many attempts were made in all:
    ``Rate exceeded. (gave up after 3 attempts)``, ``... (gave up after 1 attempt)``."""
    return f"{message} (gave up after {attempts} attempt{'' if attempts == 1 else 's'})"


def log_retry(
    operation: str,
    context: str,
    code: str,
    message: str,
    count: int,
    limit: int,
    delay: float,
    items: str = "",
) -> None:
    """The -vv line for one retry, of a whole call or (``items``) of a batch's items."""
    log.debug(
        "%s%s: %s (%s)%s; retry %d of %d in %.3fs",
        operation,
        f" ({context})" if context else "",
        code,
        message,
        f" for {items}" if items else "",
        count,
        limit - 1,
        delay,
    )


# Operations that only read: a failed one changed nothing, whatever its answer. Every
# other operation writes (Create..., BatchCreate..., Update..., Delete...).
READ_PREFIXES = ("List", "Get", "Describe", "Search")


def is_write(operation: str) -> bool:
    """Whether ``operation`` (``"DeleteRoomMembership"``) changes something."""
    return not operation.startswith(READ_PREFIXES)


def answer_lost(message: str, statuses: Sequence[int] | None = None) -> str:
    """``message`` of a write an attempt of which lost its answer after it was sent: ``...
    (an answer was lost: the call may have been made; plan shows)``; or was
    answered with a 5xx (the service or a gateway failed, perhaps once the write was
    made): ``... (answered 502: the call may have been made; plan shows)``, each status
    its attempts met, in that order: ``(answered 500 and 503: ...)`` (QA-GA Q-GA-2: the
    first's status said with the last's error)."""
    if statuses is None:
        why = "an answer was lost"
    else:
        why = f"answered {listed([str(s) for s in statuses])}"
    return f"{message} ({why}: the call may have been made; plan shows)"


def not_tried_again(message: str, attempts: int) -> str:
    """``message`` of the last failure of a call an interrupt stopped retrying:
    ``... (not tried again: interrupted after 1 attempt)``."""
    plural = "" if attempts == 1 else "s"
    return f"{message} (not tried again: interrupted after {attempts} attempt{plural})"
