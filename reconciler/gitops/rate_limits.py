"""GitHub's rate limits, read from a 403 or 429 answer: how long GitHub asks to wait
(``Retry-After`` in seconds or as an HTTP date, ``x-ratelimit-reset``, a secondary limit's
message), and whether that is more than this tool waits (then it gives up at once, saying
when to try again); and the ``Retry-After`` of a server error (a 503 may carry one, RFC
9110 15.6.4). Pure: the client (``github.py``) asks, and waits or gives up."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from reconciler.retry_after import MAX_RETRY_AFTER, number, retry_after

SKEW_WAIT = 5.0  # seconds waited once for a rate limit whose reset is already past
SECONDARY_WAIT = 60.0  # the least wait GitHub asks for after a secondary limit, unsaid
UNAVAILABLE = "unavailable"  # the label of a server error's Retry-After


@dataclass(frozen=True)
class RateLimit:
    """A rate-limited answer: how long GitHub asks to wait (None: not said), in words."""

    wait: float | None
    until: float  # when the wait ends (epoch seconds)
    asked: str
    at_least: bool = False  # ``wait`` is the least GitHub asks for
    once: bool = False  # a guess (a reset already past): waited once, then given up
    label: str = "rate limited"  # what the error's hint calls it

    def too_long(self) -> bool:
        """More than this tool waits (MAX_RETRY_AFTER): give up at once."""
        if self.wait is None:
            return False
        return self.wait > MAX_RETRY_AFTER or (self.at_least and self.wait >= MAX_RETRY_AFTER)

    def given_up(self) -> str:
        longer = (
            "longer than this tool waits"
            if self.at_least
            else f"more than the {MAX_RETRY_AFTER:.0f} s this tool waits"
        )
        return f"{self.asked}, {longer}: try again {_when(self.until)}"

    def advice(self) -> str:
        if self.wait is None:
            return f"{self.asked}: try again later"
        return f"try again {_when(self.until)}"


def rate_limit(status: int, headers: Any, message: str, now: float) -> RateLimit | None:
    """A 403 or 429 that GitHub's rate limits gave, with the wait it asks for: its
    secondary limit's ``Retry-After``, or its primary limit used up (``x-ratelimit-
    remaining: 0``) until ``x-ratelimit-reset``, or else a message saying a secondary rate
    limit was exceeded (at least a minute, GitHub's docs say); None for any other answer
    (a 403 then is a missing permission). ``message``: the answer's error message."""
    if status not in (403, 429):
        return None
    wait = retry_after(headers.get("Retry-After"), now)
    if wait is not None:
        return RateLimit(wait, now + wait, f"GitHub asks to wait {_how_long(wait)}")
    if (headers.get("x-ratelimit-remaining") or "").strip() != "0":
        if "secondary rate limit" in message.lower():
            asked = f"GitHub's secondary rate limit asks to wait at least {SECONDARY_WAIT:.0f} s"
            return RateLimit(SECONDARY_WAIT, now + SECONDARY_WAIT, asked, at_least=True)
        return None
    reset = number(headers.get("x-ratelimit-reset"))
    if reset is None:
        return RateLimit(None, now, "GitHub's rate limit for this token is used up")
    if reset <= now:  # the clocks differ: no telling how long, nor asking at once
        asked = (
            "GitHub's rate limit for this token is used up, its reset time already past here "
            "(the clocks differ)"
        )
        return RateLimit(SKEW_WAIT, now + SKEW_WAIT, asked, once=True)
    wait = reset - now
    return RateLimit(wait, reset, f"GitHub's rate limit resets in {_how_long(wait)}")


def server_retry_after(status: int, headers: Any, now: float) -> RateLimit | None:
    """A server error's (5xx) ``Retry-After``: how long GitHub, or a proxy before it, asks
    to wait before the call is sent again; None when it says nothing. The caller decides
    whether the call may be sent again at all (a POST may have been processed)."""
    if not 500 <= status <= 599:
        return None
    wait = retry_after(headers.get("Retry-After"), now)
    if wait is None:
        return None
    asked = f"GitHub asks to wait {_how_long(wait)}"
    return RateLimit(wait, now + wait, asked, label=UNAVAILABLE)


LONGEST = 10 * 365 * 86400.0  # seconds; a wait longer than that is said in years only


def _how_long(wait: float) -> str:
    return f"{math.ceil(wait)} s" if wait <= LONGEST else "more than ten years"


def _when(moment: float) -> str:
    """ "after <that moment, UTC>", or "much later" for one past any date (inf, 1e20)."""
    if not moment <= time.time() + LONGEST:
        return "much later"
    return f"after {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(moment))}"
