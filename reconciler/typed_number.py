"""A number as a user types it (an option, ``--rate``, an environment variable): ASCII, and
no underscore. Python's ``int()`` and ``float()`` read ``1_0`` as 10 (QA-GO Q-GO-1) and
``٨`` (an Arabic-Indic eight) as 8 (QA-LE Q-LE-4),
which no one typing a number means. One check, for every number read from text.

And one bound on a whole number's length, wherever one is read: ``MAX_DIGITS``. The
desired-state loader, the saved-plan reader and the options each had their own (about
1,200 digits, 100, and Python's 4,300), so a ``max_removals`` of 101 digits was valid,
and the plan written with it "not a plan file" (QA-GV Q-GV-1). Pure."""

from __future__ import annotations

from typing import Any

MAX_DIGITS = 100  # no number a user or a plan gives comes near: counts, days, line numbers
LIMIT: int = 10**MAX_DIGITS  # the least number of more digits
TOO_LARGE = f"too large (more than {MAX_DIGITS} digits)"


def number_text(value: Any) -> Any:
    """``value``, refused (ValueError) where it is text with an underscore or a character
    that is not ASCII (a digit of another script); anything else as it is."""
    if isinstance(value, str) and ("_" in value or not value.isascii()):
        raise ValueError(value)
    return value


def too_long(number: int) -> bool:
    """Whether ``number`` has more than ``MAX_DIGITS`` digits (no ``str()``: Python cannot
    write one of over 4,300)."""
    return abs(number) >= LIMIT


def ascii_digits(text: str) -> bool:
    """Whether ``text`` is digits, all ASCII: ``str.isdigit`` is true for ``²`` (which
    ``int()`` refuses) and ``٨`` (which it reads as 8: QA-GV Q-GV-12)."""
    return text.isascii() and text.isdigit()


def too_many_digits(text: str) -> bool:
    """Whether ``text`` is a whole number of more than ``MAX_DIGITS`` digits (as typed:
    white space around it, one sign)."""
    digits = text.strip().removeprefix("-").removeprefix("+")
    return ascii_digits(digits) and len(digits) > MAX_DIGITS


def typed_whole(text: str) -> int:
    """The whole number ``text`` types, by the rule of every whole-number option (``+8``,
    `` 8 ``, ``-1``; ASCII digits, no underscore: ``number_text``). ValueError when it is
    none; OverflowError when it has more than ``MAX_DIGITS`` digits."""
    if too_many_digits(text):
        raise OverflowError(text)
    return int(number_text(text))


def whole_text(text: str, signed: bool = False) -> int | None:
    """The whole number ``text`` writes in ASCII digits (after one ``-`` where ``signed``)
    of at most ``MAX_DIGITS``, else None: a saved plan's ``FILE:LINE``."""
    digits = text[1:] if signed and text.startswith("-") else text
    if not ascii_digits(digits) or len(digits) > MAX_DIGITS:
        return None
    return int(text)
