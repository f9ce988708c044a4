"""A date and time, or a number that is not finite, as YAML read it, with its text as
written.

YAML turns a plain ``2027-03-31 18:00:00`` into a datetime, and ``isoformat`` would show
it back as ``2027-03-31T18:00:00``, a text the file does not hold (``grep`` finds nothing:
QA-FL Q-FL-3); ``2027-03-31 18:00:00Z`` as ``2027-03-31T18:00:00+00:00`` (QA-FU Q-FU-2).
Where such a value is refused (``until:`` without a zone; a date and time where text is
expected), the message quotes ``written``, the scalar's text.

So too a number that is not finite: ``1e400`` is read as infinity, and was quoted back
as ``the number inf``, a text the file does not hold (QA-LD Q-LD-2); every number field
refuses it, and the message quotes ``1e400`` and says that it is too large; a text over
80 characters (a plain decimal of 400 digits is infinity too) by its first 80 and its
length (``reconciler.quoted``: QA-GE Q-GE-2)."""

from __future__ import annotations

import datetime as dt

from reconciler.quoted import cut


class WrittenDateTime(dt.datetime):
    """A datetime (equal to the plain one) that knows the text it was read from."""

    written: str


def as_written(value: dt.datetime, text: str) -> WrittenDateTime:
    out = WrittenDateTime.combine(value.date(), value.timetz())
    out.written = text
    return out


class WrittenFloat(float):
    """A float that is not finite (equal to the plain one, NaN aside as ever) that knows
    the text it was read from."""

    written: str


def float_as_written(value: float, text: str) -> WrittenFloat:
    out = WrittenFloat(value)
    out.written = text
    return out


# YAML's own spellings of the floats that are not finite (``.inf``, ``-.Inf``, ``.NaN``)
_SPELLED = (".inf", ".nan")


def not_finite(value: float) -> str:
    """A float that is not finite, for "got ..." messages: its text as the file has it
    (``.inf``, ``1e400``, ``10000…(403 characters)``), and why no setting takes it."""
    written = getattr(value, "written", None)
    if not written:  # a value computed from one, or not read from a file
        return f"the number {value} (not finite)"
    if written.lstrip("+-").lower() in _SPELLED:
        return f"the number {written} (not finite)"
    infinity = "minus infinity" if value < 0 else "infinity"
    return f"the number {cut(written)} (too large: YAML reads it as {infinity})"
