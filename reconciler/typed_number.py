"""A number as a user types it (an option, ``--rate``, an environment variable): ASCII, and
no underscore. Python's ``int()`` and ``float()`` read ``1_0`` as 10 (QA-GO Q-GO-1) and
``٨`` (an Arabic-Indic eight) as 8 (QA-LE Q-LE-4),
which no one typing a number means. One check, for every number read from text. Pure."""

from __future__ import annotations

from typing import Any


def number_text(value: Any) -> Any:
    """``value``, refused (ValueError) where it is text with an underscore or a character
    that is not ASCII (a digit of another script); anything else as it is."""
    if isinstance(value, str) and ("_" in value or not value.isascii()):
        raise ValueError(value)
    return value
