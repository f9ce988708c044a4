"""The meetings part of the emulator's admin API (never faulted, never counted):

- ``POST /_emulator/meetings/{MeetingId}/end``: the meeting ends, as AWS ends one after 24
  hours; from then on every call about it answers NotFoundException.
- ``GET /_emulator/meetings/join-tokens``: ``{"JoinTokens": [...]}``, every JoinToken the
  emulator has issued since it started, so a test can prove none reached the tool's output.
"""

from __future__ import annotations

from typing import Any

from reconciler.emulator.meetings.models import MeetingsBackend

PREFIX = "meetings/"


def admin(backend: MeetingsBackend, method: str, path: str) -> tuple[int, Any] | None:
    """The answer to an admin request under ``/_emulator/meetings/``, or None if there is
    no such endpoint. ``path`` is what follows ``/_emulator/``, without a trailing slash."""
    if not path.startswith(PREFIX):
        return None
    rest = path[len(PREFIX) :]
    if (method, rest) == ("GET", "join-tokens"):
        return 200, {"JoinTokens": backend.issued_join_tokens()}
    meeting_id, _, action = rest.partition("/")
    if method == "POST" and action == "end" and meeting_id:
        backend.end_meeting(meeting_id)
        return 200, {"MeetingId": meeting_id, "status": "ended"}
    return None
