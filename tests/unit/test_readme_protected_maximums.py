"""Q-DN-3: README's passages on AWS's maximums say what `plan` does (Q-CY-1): members no
file declares count against a target's maximum where the target keeps them whatever the
files say (a channel's bearer), and `protected:` ones only where the target prunes (where
protection is what keeps them); where it does not prune they are not counted, protected
or not. The rooms passage said so; the meetings and channels passages said protected
members count wherever they are kept."""

from __future__ import annotations

from pathlib import Path

README = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())


def passage(start: str, end: str) -> str:
    at = README.index(start)
    return README[at : README.index(end, at)]


ROOMS = passage("**At most 1,000 members per room**", "When they already fill a target")
MEETINGS = passage("A meeting declaring more than AWS's 250 attendees", "* The ExternalUserId")
CHANNELS = passage("A channel declaring more than 10,000 members", "* Pacing:")


def test_the_rooms_passage_counts_protected_members_only_where_the_room_prunes() -> None:
    assert "`protected:` ones in a target that prunes, where protection is what keeps them" in ROOMS
    assert "Members no file declares in a room that does not prune are not counted" in ROOMS


def test_the_meetings_passage_counts_protected_attendees_only_where_the_meeting_prunes() -> None:
    assert (
        "Protected attendees no file declares there count too, for `plan`, where the meeting prunes"
        in MEETINGS
    )
    assert (
        "where it does not prune, attendees no file declares are not counted, protected or not"
        in MEETINGS
    )


def test_the_channels_passage_counts_the_bearer_and_protected_members_where_it_prunes() -> None:
    assert "where the channel keeps them (never removed)" not in CHANNELS
    assert "counts too whether or not the channel prunes" in CHANNELS  # the bearer
    assert (
        "`protected:` members no file declares there count too where the channel prunes" in CHANNELS
    )
    assert (
        "where it does not prune, members no file declares are not counted, protected or not"
        in CHANNELS
    )
