"""A name as messages show it back: in full up to ``MAX_NAME_LENGTH`` characters (any
name that can be valid), else cut to its first ``SHOWN`` and its length, so that a line
stays short and the name recognisable (QA-CF Q-CF-3: a 100,000-character room name
made an error line of 100,092 characters)."""

from __future__ import annotations

from reconciler.desired.spec_base import MAX_NAME_LENGTH
from reconciler.quoted import SHOWN  # one length for every value shown back (re-read item 1)


def clipped(name: str) -> tuple[str, str]:
    """``name`` as it is and ``""``, or its first ``SHOWN`` characters and what stands in
    for the rest: ``…(100,000 characters)``."""
    if len(name) <= MAX_NAME_LENGTH:
        return name, ""
    return name[:SHOWN], f"…({len(name):,} characters)"


def named(name: str) -> str:
    """``name`` quoted for a message (``'ops'``), cut short when over the limit:
    ``'rrrr…rrrr'…(100,000 characters)``."""
    head, rest = clipped(name)
    return repr(head) + rest
