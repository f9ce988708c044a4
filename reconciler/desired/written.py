"""A date and time as YAML read it, with its text as written.

YAML turns a plain ``2027-03-31 18:00:00`` into a datetime, and ``isoformat`` would show
it back as ``2027-03-31T18:00:00``, a text the file does not hold (``grep`` finds nothing:
QA-FL Q-FL-3); ``2027-03-31 18:00:00Z`` as ``2027-03-31T18:00:00+00:00`` (QA-FU Q-FU-2).
Where such a value is refused (``until:`` without a zone; a date and time where text is
expected), the message quotes ``written``, the scalar's text."""

from __future__ import annotations

import datetime as dt


class WrittenDateTime(dt.datetime):
    """A datetime (equal to the plain one) that knows the text it was read from."""

    written: str


def as_written(value: dt.datetime, text: str) -> WrittenDateTime:
    out = WrittenDateTime.combine(value.date(), value.timetz())
    out.written = text
    return out
