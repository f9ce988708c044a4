"""AWS's rules for the Chime SDK's ExternalUserId and ExternalMeetingId, shared by the
desired state's checks and the emulator (as ``reconciler.capabilities`` is): 2 to 64
characters, the ``aws:`` prefix reserved (in any case), and only the characters of the
pattern the API reference gives for both (botocore's chime-sdk-meetings model carries it
in the documentation of CreateAttendee's and CreateMeeting's members, not as a
constraint, so botocore does not check it: AWS refuses the request)."""

from __future__ import annotations

import re

MIN_LENGTH, MAX_LENGTH = 2, 64
RESERVED_PREFIX = "aws:"
# The API reference's pattern: [-_&@+=,(){}\[\]\/«».:|'"#a-zA-Z0-9À-ÿ\s]*
# (\s as Java's regular expressions read it: ASCII whitespace only)
CHARACTERS = r"""\-_&@+=,(){}\[\]/«».:|'"#a-zA-Z0-9À-ÿ \t\n\x0b\f\r"""
_ALLOWED = re.compile(f"[{CHARACTERS}]*")
_NOT_ALLOWED = re.compile(f"[^{CHARACTERS}]")
ALLOWED_TEXT = (
    "letters a-z, A-Z and À-ÿ, digits, spaces and - _ & @ + = , ( ) { } [ ] / « » . : | ' \" #"
)


def disallowed_character(value: str) -> str | None:
    """The first character of ``value`` AWS's pattern does not allow, or None."""
    if _ALLOWED.fullmatch(value):
        return None
    found = _NOT_ALLOWED.search(value)
    return found.group() if found else None
