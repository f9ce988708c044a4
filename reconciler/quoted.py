"""A value quoted back in a message, cut short when long (QA-LD Q-LD-4).

A value the file (or the command line) gives is quoted in the message that refuses it,
so that it can be found: a 300-character ``until:`` was quoted whole, a line of 400
characters, where a long name or ``--target`` is cut (``reconciler.desired.shown``). So
every scalar echoed back: its first ``SHOWN`` characters and its length. Pure."""

from __future__ import annotations

SHOWN = 80  # characters of a value shown back in a message


def quoted(text: str) -> str:
    """``'2027-02-30'``, or ``'xxxx…'…(300 characters)`` over ``SHOWN`` characters."""
    if len(text) <= SHOWN:
        return repr(text)
    return f"{text[:SHOWN]!r}…({len(text):,} characters)"


def cut(text: str) -> str:
    """``text`` as it is (a message shows it bare: ``not us-west-2``), or its first
    ``SHOWN`` characters and its length: ``xxxx…(300 characters)``."""
    if len(text) <= SHOWN:
        return text
    return f"{text[:SHOWN]}…({len(text):,} characters)"
