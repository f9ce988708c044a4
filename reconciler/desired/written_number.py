"""A number written in another form than Python prints it, with its text as written
(QA-GV Q-GV-10): YAML reads ``0x10`` as 16, ``1e3`` as 1000.0 and ``+5`` as 5, and a
message that quoted the number back (``expected a string, got the number 16 (quote it)``)
named a value the file does not hold, next to advice to quote it. Read so, a number keeps
its text in ``written``, as a ``WrittenFloat`` does (one that reads as another number:
``1e400``), and ``the_number`` quotes that text. It is equal to the plain number, and a
model's field holds the plain one (pydantic converts a subclass). Pure."""

from __future__ import annotations


class WrittenInt(int):
    """An int that knows the text it was read from (``0x10``)."""

    written: str


class SpelledFloat(float):
    """A float that knows the text it was read from (``1e3``); unlike a ``WrittenFloat``
    it reads as the number it says."""

    written: str


def number_as_written(value: object, text: str) -> object:
    """``value`` as it is, or, for a number whose text is not how Python prints it, that
    number knowing ``text``."""
    out: WrittenInt | SpelledFloat
    if isinstance(value, bool) or not isinstance(value, int | float) or str(value) == text:
        return value
    out = WrittenInt(value) if isinstance(value, int) else SpelledFloat(value)
    out.written = text
    return out
