"""AWS's rules for the Chime SDK's ExternalUserId and ExternalMeetingId, shared by the
desired state's checks and the emulator (as ``reconciler.capabilities`` is): 2 to 64
characters, the ``aws:`` prefix reserved (in any case), and only the characters of the
pattern the API reference gives for both (botocore's chime-sdk-meetings model carries it
in the documentation of CreateAttendee's and CreateMeeting's members, not as a
constraint, so botocore does not check it: AWS refuses the request)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

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


class Rule(Enum):
    """Which of AWS's rules an ExternalUserId / ExternalMeetingId breaks."""

    LENGTH = "length"  # not MIN_LENGTH to MAX_LENGTH characters
    RESERVED = "reserved"  # starts with RESERVED_PREFIX, in any case
    CHARACTER = "character"  # holds a character the pattern does not allow


@dataclass(frozen=True)
class Broken:
    """The first rule ``value`` breaks; ``character`` is the refused one (for CHARACTER).
    Each caller words it: the desired state's checks and the emulator say it differently."""

    rule: Rule
    value: str
    character: str = ""


def broken_rule(value: str) -> Broken | None:
    """The first of AWS's rules ``value`` breaks (length, prefix, characters), or None."""
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        return Broken(Rule.LENGTH, value)
    if value.lower().startswith(RESERVED_PREFIX):
        return Broken(Rule.RESERVED, value)
    bad = disallowed_character(value)
    if bad is not None:
        return Broken(Rule.CHARACTER, value, bad)
    return None
