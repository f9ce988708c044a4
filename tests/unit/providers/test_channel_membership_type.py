"""DescribeChannelMembership (what the applier asks after a failed write: is the member in
the channel, and as what?) answering a Type the tool does not know is a clear error, not
a type taken as it came (QA-DB L-DB-1). End to end, an unknown type in a user's listing:
tests/e2e/test_unknown_live_values.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from reconciler.errors import ReconcilerError
from reconciler.providers.messaging_api import MessagingApi
from reconciler.retry_policy import RetryPolicy

INSTANCE = "arn:aws:chime:us-east-1:111122223333:app-instance/chat-1"
CHANNEL = f"{INSTANCE}/channel/ops"
MEMBER = f"{INSTANCE}/user/u2"


def api(kind: str) -> MessagingApi:
    def describe_channel_membership(**_: Any) -> dict[str, Any]:
        return {"ChannelMembership": {"Type": kind}}

    messaging = SimpleNamespace(describe_channel_membership=describe_channel_membership)
    return MessagingApi(messaging, None, RetryPolicy(attempts=1))


@pytest.mark.parametrize("kind", ["DEFAULT", "HIDDEN"])
def test_a_known_membership_type_is_read(kind: str) -> None:
    assert api(kind).membership_type(CHANNEL, MEMBER, "bearer") == kind


def test_an_unknown_membership_type_is_a_clear_error() -> None:
    with pytest.raises(ReconcilerError) as raised:
        api("PINNED").membership_type(CHANNEL, MEMBER, "bearer")
    assert str(raised.value) == (
        f"DescribeChannelMembership (channel {CHANNEL}): the type of member {MEMBER}'s "
        "membership is 'PINNED', which chime-reconciler does not know (it knows DEFAULT, "
        "HIDDEN); it stops rather than guess (a newer chime-reconciler may know it)"
    )
