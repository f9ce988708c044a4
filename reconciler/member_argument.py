"""The length rule ``explain`` and ``audit`` share for MEMBER, the command line's member
reference: over ``MAX_NAME_LENGTH`` characters it can be no member (an e-mail address has
at most 254, an ExternalUserId 64), as a desired-state file refuses such a reference. It
was looked up and quoted back whole, twice in one line (QA-GE Q-GE-3: a 312-character
argument made a line of 765); now it is refused before any call, quoted as every name is
(``reconciler.quoted``: its first 80 characters and its length), an ARN by its ends
(``shown_member``), in the words a file's too-long reference gets (``too_long_text``).
Pure."""

from __future__ import annotations

from reconciler.desired.spec_base import MAX_NAME_LENGTH, too_long_text
from reconciler.errors import UsageError
from reconciler.quoted import named, quoted_ends


def refuse_long_member(member: str) -> None:
    """Raise a UsageError when ``member`` is longer than any member reference can be."""
    if len(member) > MAX_NAME_LENGTH:
        # in the words of every too-long value (Q-RR-9: it had its own, without the count)
        too_long = too_long_text(len(member), "the member reference")
        raise UsageError(f"MEMBER {shown_member(member)}: {too_long}")


def shown_member(member: str) -> str:
    """MEMBER quoted in a message: an ARN by ``quoted_ends`` (whole up to 256 characters,
    else both its ends: its end is what is wrong, QA-GV Q-GV-7), anything else by
    ``named``: a reference is a name, whole up to 256 characters (QA-LF Q-LF-5: it was
    cut at 80, a value's limit)."""
    if member.strip().lower().startswith("arn:"):
        return quoted_ends(member)
    return named(member)
