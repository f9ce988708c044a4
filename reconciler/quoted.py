"""A value quoted back in a message, cut short when long (QA-LD Q-LD-4), by one rule.

A value the file (or the command line) gives is quoted in the message that refuses it,
so that it can be found: a 300-character ``until:`` was quoted whole, a line of 400
characters. So every scalar echoed back: up to ``limit`` characters whole, else its first
``SHOWN`` and its length: ``'xxxx…'…(300 characters)``. The limit is ``SHOWN`` for a
value, ``NAME_SHOWN`` (256, ``spec_base.MAX_NAME_LENGTH``) for a name or key, which any
name that can be valid stays whole under (QA-CF Q-CF-3: a 100,000-character room name made
an error line of 100,092 characters): ``named``, in a message and in the key path a
validate line starts with alike, so one key is spelt one way (Q-RR-3: the path cut it at
80, the message beside it at 256). One formatter for every such message (QA-LE Q-LE-1:
there were three, one without the length). An ARN is quoted by ``quoted_ends``: whole up to
``ARN_LIMIT``, else by both its ends, for its end is the part that is wrong (QA-GV
Q-GV-7: an app instance's ARN is 87 characters, so its first 80 never showed the
``/bot/…`` of an AppInstanceBot ARN). Pure."""

from __future__ import annotations

SHOWN = 80  # characters of a value shown back in a message
NAME_SHOWN = 256  # a name or key is whole up to this: spec_base.MAX_NAME_LENGTH, any valid one
ARN_LIMIT = NAME_SHOWN  # an ARN a message quotes is whole up to this, as a name
END = 40  # characters of each end of a longer ARN shown


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


def named(text: str) -> str:
    """A name or key quoted: ``quoted`` whole up to ``NAME_SHOWN`` characters."""
    return quoted(text, NAME_SHOWN)


def named_bare(text: str) -> str:
    """A name or key shown bare (``cut``), whole up to ``NAME_SHOWN`` characters."""
    return cut(text, NAME_SHOWN)


def quoted_ends(text: str, limit: int = ARN_LIMIT) -> str:
    """An ARN quoted: whole up to ``limit`` characters, else its first and its last ``END``
    characters and its length, ``'arn:aws:chime:…'…'…/bot/pager'(300 characters)``: the end
    of an ARN (the id, ``/bot/…``) is what a message about it is about."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:END]!r}…{text[-END:]!r}({len(text):,} characters)"
