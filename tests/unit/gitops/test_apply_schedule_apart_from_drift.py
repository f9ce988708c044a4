"""Q-DN-1: apply.yml's optional hourly schedule (README, "Expiring grants end when apply
runs") never fires in the minute drift.yml's daily check does, nor near it. A drift check
that meets an apply in progress skips itself, and one during which an apply ran leaves the
drift issue as it is ("the next check will look again"): at the same minute every day,
the drift issue would not be opened, updated or closed on most days once a user
uncomments the schedule (it was minute 17 in both)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

WORKFLOWS = Path(__file__).parents[3] / ".github" / "workflows"
APART = 15  # minutes between an apply's start and a check's, either way, at the least
DAY = 24 * 60


def crons(text: str) -> list[str]:
    on = yaml.safe_load(text)[True]  # PyYAML reads `on:` as True
    return [s["cron"] for s in on.get("schedule", [])]


def uncommented_apply() -> str:
    """apply.yml with its commented `schedule:` trigger uncommented, as README says."""
    text = (WORKFLOWS / "apply.yml").read_text()
    uncommented = re.sub(r"^  # (schedule:|  - cron: )", r"  \1", text, flags=re.M)
    assert uncommented != text
    return uncommented


def field(text: str, last: int) -> set[int]:
    """The values a cron field names (``*``, ``*/15``, ``1-5``, ``0,30``), 0 to ``last``."""
    values: set[int] = set()
    for part in text.split(","):
        span, _, step = part.partition("/")
        if span == "*":
            low, high = 0, last
        else:
            low_text, _, high_text = span.partition("-")
            low = int(low_text)
            high = int(high_text) if high_text else (last if step else low)
        values.update(range(low, high + 1, int(step or 1)))
    return values


def minutes_of_day(cron: str) -> set[int]:
    """When in a day (minutes after 00:00 UTC) ``cron`` fires; its day fields are taken
    as matching the same day as any other schedule's (the worst case)."""
    minute, hour, *_ = cron.split()
    return {h * 60 + m for h in field(hour, 23) for m in field(minute, 59)}


def test_the_field_reader_reads_the_forms_a_schedule_uses() -> None:
    assert minutes_of_day("17 6 * * *") == {6 * 60 + 17}
    assert minutes_of_day("47 * * * *") == {h * 60 + 47 for h in range(24)}
    assert minutes_of_day("*/30 1-2 * * 1") == {60, 90, 120, 150}
    assert minutes_of_day("0,5 3 * * *") == {180, 185}


def test_the_hourly_apply_never_starts_in_or_near_the_daily_drift_check_s_minute() -> None:
    drift = [
        at for cron in crons((WORKFLOWS / "drift.yml").read_text()) for at in minutes_of_day(cron)
    ]
    applies = [at for cron in crons(uncommented_apply()) for at in minutes_of_day(cron)]
    assert drift and applies
    assert not set(drift) & set(applies)  # never the same minute
    nearest = min(min(abs(a - d), DAY - abs(a - d)) for a in applies for d in drift)
    assert nearest >= APART, f"an apply starts {nearest} minutes from a drift check"
