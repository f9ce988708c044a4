"""Regular expressions from ``restrictions.yaml``, matched in linear time (RE2).

A pull request's author chooses the room and group names that these expressions are
matched against, so they must never backtrack: ``^(a+)+$`` against ``aaaa…!`` takes
exponential time in Python's ``re``, and linear time in RE2 (google-re2), which has no
backtracking at all. The price is RE2's syntax (https://github.com/google/re2/wiki/Syntax):
no backreferences (``\\1``), no lookaround (``(?=``, ``(?!``, ``(?<=``), no possessive or
atomic groups, ``\\z`` instead of ``\\Z``, and repetition counts of at most 1,000.
A pattern RE2 refuses is a located error in ``restrictions.yaml``, never a slow match.

Globs (``teams/**``) are translated to RE2 too, with every literal character written as
``\\x{HEX}``, so no character of a path can mean anything special.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import re2

MAX_PATTERN_LENGTH = 4_096  # characters; a longer pattern in a restrictions file is a mistake


class PatternError(ValueError):
    """RE2 refused the pattern; the message says why, in RE2's words."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own message on stderr
    return options


_OPTIONS = _options()


@dataclass(frozen=True)
class Pattern:
    """A compiled RE2 pattern and the text it was written as."""

    text: str
    _compiled: Any = field(compare=False, repr=False)

    def search(self, name: str) -> bool:
        """Whether the pattern matches anywhere in ``name`` (anchor with ``^…$``)."""
        return self._compiled.search(_text(name)) is not None

    def fullmatch(self, name: str) -> bool:
        return self._compiled.fullmatch(_text(name)) is not None


def compile_pattern(text: str) -> Pattern:
    """Compile ``text`` with RE2. Raises PatternError with RE2's reason."""
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError(f"longer than {MAX_PATTERN_LENGTH:,} characters")
    try:
        return Pattern(text, re2.compile(_text(text), _OPTIONS))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(str(reason)) from None


def literal(text: str) -> str:
    """``text`` as an RE2 pattern that matches exactly it (every character escaped)."""
    return "".join(c if c.isascii() and c.isalnum() else f"\\x{{{ord(c):x}}}" for c in text)


def _text(text: str) -> str:
    """RE2 works on UTF-8: a lone surrogate (a file name that is not UTF-8, say) is
    matched as U+FFFD instead of failing to encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text
