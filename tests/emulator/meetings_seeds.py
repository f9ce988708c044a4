"""Seeds and clients for the ``chime-sdk-meetings`` emulator tests."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

MEETING = "6f1c2a9e-0000-4000-8000-000000000001"
OTHER = "6f1c2a9e-0000-4000-8000-000000000002"
ABSENT = "6f1c2a9e-0000-4000-8000-0000000000ff"
ALL = {"Audio": "SendReceive", "Video": "SendReceive", "Content": "SendReceive"}
VIEWER = {"Audio": "Receive", "Video": "Receive", "Content": "Receive"}


def user(i: int) -> str:
    return f"user{i:04d}@example.com"


def meeting_seed(attendees: int = 0, *, ended: bool = False, other: int = 0) -> dict[str, Any]:
    """MEETING with ``attendees`` attendees (``user(i)``, viewers), OTHER with ``other``."""

    def people(n: int) -> list[dict[str, Any]]:
        caps = {"audio": "Receive", "video": "Receive", "content": "Receive"}
        return [{"external_user_id": user(i), "capabilities": caps} for i in range(n)]

    return {
        "meetings": [
            {
                "id": MEETING,
                "external_meeting_id": "incident-42",
                "ended": ended,
                "attendees": people(attendees),
            },
            {"id": OTHER, "external_meeting_id": "standup", "attendees": people(other)},
        ]
    }


def meetings_client(
    session: boto3.session.Session, url: str, validate: bool = True, **config: Any
) -> Any:
    """A ``chime-sdk-meetings`` client for ``url``: one attempt per call (no retries)."""
    settings: dict[str, Any] = {"retries": {"total_max_attempts": 1}, **config}
    return session.client(
        "chime-sdk-meetings",
        endpoint_url=url,
        config=Config(
            connect_timeout=5, read_timeout=30, parameter_validation=validate, **settings
        ),
    )


def error_of(exc: Any) -> tuple[int, str, str]:
    """(HTTP status, Error.Code, Error.Message) of a ClientError."""
    response = exc.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )
