"""CreateChannelModerator answered Conflict is that member's conflict (an item error the
applier settles by reading the moderators), whichever way botocore names the code: from
the x-amzn-ErrorType header (ConflictException) or the body's Code (Conflict). Any other
failure is raised as before. (End to end, with the emulator: tests/e2e/
test_moderator_conflict_e2e.py.)"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from reconciler.errors import AwsError
from reconciler.kinds.channels import CHANNEL_MODERATOR, MODERATOR
from reconciler.providers.base import CONFLICT, ItemError
from reconciler.providers.channel_moderators import ModeratorsProvider
from reconciler.refs import TargetKey

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
CHANNEL = f"{INSTANCE}/channel/ops"
MEMBER = f"{INSTANCE}/user/u2"
KEY = TargetKey(CHANNEL_MODERATOR.id, INSTANCE, "ops")


def provider(code: str | None, lost: bool = False) -> ModeratorsProvider:
    def create_moderator(channel: str, member: str, bearer: str) -> None:
        if code is not None:
            message = f"{member} said {code}"
            raise AwsError("CreateChannelModerator", code, message, may_have_been_made=lost)

    api = SimpleNamespace(create_moderator=create_moderator)
    directory: Any = SimpleNamespace(api=api, bearer_for=lambda channel, scope: "bearer")
    return ModeratorsProvider(directory)


@pytest.mark.parametrize("code", ["ConflictException", "Conflict"])
def test_a_conflict_answer_is_the_members_conflict(code: str) -> None:
    errors = provider(code).create_members(KEY, CHANNEL, [(MEMBER, MODERATOR)])
    assert errors == {MEMBER: ItemError(MEMBER, CONFLICT, f"{MEMBER} said {code}")}


def test_a_success_is_no_error_and_another_failure_is_raised() -> None:
    assert provider(None).create_members(KEY, CHANNEL, [(MEMBER, MODERATOR)]) == {}
    with pytest.raises(AwsError) as raised:
        provider("ForbiddenException").create_members(KEY, CHANNEL, [(MEMBER, MODERATOR)])
    assert raised.value.code == "ForbiddenException"


def test_a_conflict_after_a_lost_answer_says_so() -> None:
    """QA-U Q-U-2: the answer to an earlier attempt lost, the Conflict is most likely that
    attempt's doing: the item says so (the applier counts it added, not already there)."""
    errors = provider("ConflictException", lost=True).create_members(
        KEY, CHANNEL, [(MEMBER, MODERATOR)]
    )
    assert errors[MEMBER].answer_lost
    assert (
        not provider("ConflictException")
        .create_members(KEY, CHANNEL, [(MEMBER, MODERATOR)])[MEMBER]
        .answer_lost
    )
