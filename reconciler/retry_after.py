"""One reading of an HTTP ``Retry-After`` header, for the AWS client's retries and the
GitHub client's alike (Q-FQ-3): RFC 9110 section 10.2.3's delay in seconds (read as a
number: ``1.5``, and ``inf`` or ``1e20``, too long to wait, are taken as given) or an
HTTP date in any of section 5.6.7's three forms (IMF-fixdate, RFC 850, asctime), a date
without a zone (asctime's, or ``-0000``) taken as GMT, as the RFC says."""

from __future__ import annotations

import datetime
import math
from email.utils import parsedate_to_datetime

# The longest Retry-After either client waits for (the AWS client's backoff cap may be
# longer): past it the service is not coming back soon, and a run would hang on one call.
MAX_RETRY_AFTER = 60.0  # seconds


def retry_after(value: str | None, now: float) -> float | None:
    """The seconds ``value`` asks to wait, against ``now`` in epoch seconds (a number below
    0, or a date past, is 0); None when there is no value or it is neither a number nor a
    date."""
    text = (value or "").strip()
    if not text:
        return None
    seconds = number(text)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # asctime has no zone, and RFC 9110's dates are all GMT
        when = when.replace(tzinfo=datetime.UTC)
    return max(0.0, when.timestamp() - now)


def number(value: str | None) -> float | None:
    """``value`` read as seconds (not below 0); None when it is not a number (or NaN)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return None if math.isnan(seconds) else max(0.0, seconds)  # inf: too long to wait
