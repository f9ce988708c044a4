"""A target read by id (a saved plan's, or to verify an apply) that is not there any more
is left out of the live state and its read counted as done; any other error is raised.
Written once (``target_gone.unless_gone``, Q-AM-9) for channels and meetings."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from reconciler.errors import AwsError
from reconciler.providers.channels import ChannelsProvider
from reconciler.providers.meetings import MeetingsProvider
from reconciler.refs import TargetKey

GONE = "gone"
CHANNEL_KEY = TargetKey("channel", "arn:app-instance", "ops")
MEETING_KEY = TargetKey("meeting", GONE, "bridge")


def _raise(code: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        raise AwsError("Read", code, "no such thing")

    return call


def _channels(code: str, seen: list[TargetKey]) -> ChannelsProvider:
    directory = SimpleNamespace(api=None, parallelism=1, describe=_raise(code))
    return ChannelsProvider(directory, progress=seen.append)  # type: ignore[arg-type]


def _meetings(code: str, seen: list[TargetKey], boto3_session: Any) -> MeetingsProvider:
    client = boto3_session.client("chime-sdk-meetings", endpoint_url="http://127.0.0.1:9")
    provider = MeetingsProvider(client, parallelism=1, progress=seen.append)
    provider.api = SimpleNamespace(list_attendees=_raise(code))  # type: ignore[assignment]
    return provider


def test_a_channel_deleted_since_is_left_out_and_its_read_counted() -> None:
    seen: list[TargetKey] = []
    assert _channels("NotFoundException", seen).read_ids([(CHANNEL_KEY, GONE)]) == {}
    assert seen == [CHANNEL_KEY]


def test_a_meeting_ended_since_is_left_out_and_its_read_counted(boto3_session: Any) -> None:
    seen: list[TargetKey] = []
    provider = _meetings("NotFoundException", seen, boto3_session)
    assert provider.read_ids([(MEETING_KEY, GONE)]) == {}
    assert seen == [MEETING_KEY]


def test_another_error_of_a_channel_read_is_raised() -> None:
    seen: list[TargetKey] = []
    with pytest.raises(AwsError, match="ForbiddenException"):
        _channels("ForbiddenException", seen).read_ids([(CHANNEL_KEY, GONE)])
    assert seen == []


def test_another_error_of_a_meeting_read_is_raised(boto3_session: Any) -> None:
    seen: list[TargetKey] = []
    with pytest.raises(AwsError, match="ForbiddenException"):
        _meetings("ForbiddenException", seen, boto3_session).read_ids([(MEETING_KEY, GONE)])
    assert seen == []
