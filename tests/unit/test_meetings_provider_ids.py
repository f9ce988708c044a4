"""A meetings provider records the AttendeeIds its reader threads see in one map, made
with the provider, not on first use (QA-AE Q-AE-2: two threads reading meetings at once
could each make a map, and the AttendeeIds one recorded were lost: a removal answered
NotFound then found no ExternalUserId to look the attendee up again by)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import reconciler.providers.meetings as meetings
from reconciler.providers.attendee_ids import AttendeeIds
from reconciler.providers.meetings import MeetingsProvider


class SlowAttendeeIds(AttendeeIds):
    """Slow to make, as on a busy machine: every thread that makes one at once does."""

    def __init__(self) -> None:
        time.sleep(0.05)
        super().__init__()


def test_reader_threads_record_into_one_map(
    boto3_session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meetings, "AttendeeIds", SlowAttendeeIds)
    client = boto3_session.client("chime-sdk-meetings", endpoint_url="http://127.0.0.1:9")
    provider = MeetingsProvider(client, parallelism=8)
    barrier = threading.Barrier(8)
    seen: list[AttendeeIds] = []

    def read() -> None:
        barrier.wait()
        seen.append(provider.ids)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(ids) for ids in seen}) == 1
