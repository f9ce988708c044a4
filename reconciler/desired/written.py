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
length (``reconciler.quoted``: QA-GE Q-GE-2). And one too small for a float: ``1e-400``
reads as 0, refused as ``not 0`` until it was quoted as written too (QA-LE Q-LE-2);
``number_words`` says why, for the command line's numbers as well."""

from __future__ import annotations

import datetime as dt
import math

from reconciler.quoted import cut


class WrittenDateTime(dt.datetime):
    """A datetime (equal to the plain one) that knows the text it was read from."""

    written: str


def as_written(value: dt.datetime, text: str) -> WrittenDateTime:
    out = WrittenDateTime.combine(value.date(), value.timetz())
    out.written = text
    return out


class WrittenFloat(float):
    """A float that reads as another number than the one written (equal to the plain one,
    NaN aside as ever) that knows the text it was read from: one that is not finite, or
    0 read from ``1e-400`` (QA-LE Q-LE-2: refused as ``not 0``, a text the file does not
    hold)."""

    written: str


def float_as_written(value: float, text: str) -> WrittenFloat:
    out = WrittenFloat(value)
    out.written = text
    return out


def misread(value: float, text: str) -> bool:
    """Whether ``text`` reads as a number it does not say: infinity or NaN (``1e400``,
    ``.inf``), or 0 from a number that is not (``1e-400``: too small for a float)."""
    if not math.isfinite(value):
        return True
    mantissa = text.lower().partition("e")[0]
    return value == 0 and any(c in "123456789" for c in mantissa)


# the spellings of the floats that are not finite: YAML's (``.inf``, ``-.Inf``, ``.NaN``)
# and Python's ``float()``'s (``inf``, ``infinity``, ``nan``: the command line's)
_SPELLED = (".inf", ".nan", "inf", "infinity", "nan")
YAML_READS = "YAML reads it as"  # a file's number
IT_READS = "it reads as"  # the command line's


def number_words(written: str, value: float, reads: str = YAML_READS) -> str:
    """A number as written (cut when long), and why it is not the number it says where it
    reads as another: ``1e400 (too large: YAML reads it as infinity)``, ``1e-400 (too
    small: YAML reads it as 0)``, ``.inf (not finite)``. The one wording of every number
    refused (QA-LE Q-LE-2: settings, ``--rate`` and ``until:`` said it three ways)."""
    words = misread_words(written, value, reads)
    return f"{cut(written)} ({words})" if words else cut(written)


def misread_words(written: str, value: float, reads: str = YAML_READS) -> str:
    """Why ``written`` is not the number it says: ``not finite`` (``.inf``, ``nan``),
    ``too large: YAML reads it as infinity``, ``too small: YAML reads it as 0``; "" where
    it reads as what it says. ``number_words``'s, and the number options' and retry
    variables' (QA-GV Q-GV-6: they said it otherwise, or not at all)."""
    if written.strip().lstrip("+-").lower() in _SPELLED:
        return "not finite"
    if not math.isfinite(value):
        infinity = "minus infinity" if value < 0 else "infinity"
        return f"too large: {reads} {infinity}"
    if misread(value, written):
        return f"too small: {reads} 0"
    return ""


def the_number(value: float) -> str:
    """A number, for "got ..." messages: its text as the file has it where it reads as
    another (``number_words``), else as Python shows it, cut when long (QA-GE Q-GE-2)."""
    written = getattr(value, "written", None)
    if written:
        return f"the number {number_words(written, value)}"
    if isinstance(value, float) and not math.isfinite(value):  # computed, or not read
        return f"the number {value} (not finite)"
    return f"the number {cut(str(value))}"
