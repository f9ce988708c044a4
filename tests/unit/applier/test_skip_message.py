"""The reason given for a change not attempted because adding an elevated member to its
target failed first: it names what the member is added to, for every kind."""

from __future__ import annotations

import pytest

from reconciler.apply_result import skip_message
from reconciler.kinds import CHANNEL, CHANNEL_MODERATOR, MEETING, ROOM, Kind


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (ROOM, "not attempted: adding an administrator to this room failed first"),
        # channel memberships have no elevated role: nothing is ever skipped for them, and
        # the sentence still reads
        (CHANNEL, "not attempted: adding an elevated member to this channel failed first"),
        (CHANNEL_MODERATOR, "not attempted: adding a moderator to this channel failed first"),
        (MEETING, "not attempted: adding a presenter to this meeting failed first"),
    ],
    ids=lambda v: v.id if isinstance(v, Kind) else "",
)
def test_the_skip_message_names_what_the_member_is_added_to(kind: Kind, message: str) -> None:
    assert skip_message(kind) == message
