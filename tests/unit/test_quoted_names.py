"""reconciler.quoted's name rule (Q-RR-4): a name or key is whole up to NAME_SHOWN, which is
the longest a valid name can be, so no valid name is ever cut in a message."""

from __future__ import annotations

from reconciler.desired.spec_base import MAX_NAME_LENGTH
from reconciler.quoted import ARN_LIMIT, NAME_SHOWN, named, named_bare


def test_a_name_is_shown_whole_up_to_the_longest_a_valid_name_can_be() -> None:
    assert NAME_SHOWN == MAX_NAME_LENGTH == ARN_LIMIT
    name = "n" * NAME_SHOWN
    assert named(name) == repr(name) and named_bare(name) == name


def test_a_longer_name_is_its_first_80_characters_and_its_length() -> None:
    name = "n" * (NAME_SHOWN + 1)
    assert named(name) == f"{name[:80]!r}…(257 characters)"
    assert named_bare(name) == f"{name[:80]}…(257 characters)"
