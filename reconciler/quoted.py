"""A value quoted back in a message, cut short when long (QA-LD Q-LD-4), by one rule.

A value the file (or the command line) gives is quoted in the message that refuses it,
so that it can be found: a 300-character ``until:`` was quoted whole, a line of 400
characters. So every scalar echoed back: up to ``limit`` characters whole, else its first
``SHOWN`` and its length: ``'xxxx…'…(300 characters)``. The limit is ``SHOWN`` for a
value, ``MAX_NAME_LENGTH`` (256) for a name or key, which any name that can be valid
stays whole under (QA-CF Q-CF-3: a 100,000-character room name made an error line of
100,092 characters). One formatter for every such message (QA-LE Q-LE-1: there were
three, one without the length). Pure."""

from __future__ import annotations

SHOWN = 80  # characters of a value shown back in a message


def clip(text: str, limit: int = SHOWN) -> tuple[str, str]:
    """``text`` as it is and ``""``, or (over ``limit`` characters) its first ``SHOWN``
    and what stands in for the rest: ``…(100,000 characters)``."""
    if len(text) <= limit:
        return text, ""
    return text[:SHOWN], f"…({len(text):,} characters)"


def quoted(text: str, limit: int = SHOWN) -> str:
    """``'2027-02-30'``, or ``'xxxx…'…(300 characters)`` over ``limit`` characters."""
    head, rest = clip(text, limit)
    return repr(head) + rest


def cut(text: str, limit: int = SHOWN) -> str:
    """``text`` as it is (a message shows it bare: ``not us-west-2``), or its first
    ``SHOWN`` characters and its length: ``xxxx…(300 characters)``."""
    head, rest = clip(text, limit)
    return head + rest
