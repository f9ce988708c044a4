"""Client-side pacing at the API quotas: quota names and defaults (``quotas``), one
adaptive token bucket (``bucket``), the shared pacer (``pacer``)."""

from reconciler.pacing.pacer import Pacer, PacerStats, Stopped, Ticket
from reconciler.pacing.quotas import (
    QUOTAS,
    Quota,
    QuotaKey,
    Rates,
    parse_rate_option,
    resolve_rates,
)

__all__ = [
    "QUOTAS",
    "Pacer",
    "PacerStats",
    "Quota",
    "QuotaKey",
    "Rates",
    "Stopped",
    "Ticket",
    "parse_rate_option",
    "resolve_rates",
]
