"""Names that differ only in their Unicode form (QA-HE Q-HE-10).

``é`` is one character composed (NFC, what Linux and Windows keyboards type) or ``e``
and a combining accent decomposed (NFD, what some macOS tools and file systems write).
Both look the same on a terminal. Chime compares names as written, and so does this tool
(a name is sent to AWS as it is): ``öps-räum`` typed in NFD is no room ``öps-räum`` in
NFC. Never matched silently; but a message about such a name says that it differs only
in its Unicode form, rather than "did you mean" with what looks like the very text typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def form(text: str) -> str:
    """``composed (NFC)``, ``decomposed (NFD)`` or ``mixed (neither NFC nor NFD)``."""
    if unicodedata.is_normalized("NFC", text):
        return "composed (NFC)"
    if unicodedata.is_normalized("NFD", text):
        return "decomposed (NFD)"
    return "mixed (neither NFC nor NFD)"


def same_but_form(name: str, other: str) -> bool:
    """Whether ``name`` and ``other`` are other code points for the same text."""
    return name != other and unicodedata.normalize("NFC", name) == unicodedata.normalize(
        "NFC", other
    )


def twin_in(name: str, known: Iterable[str]) -> str | None:
    """The first of ``known`` (sorted) that differs from ``name`` only in its form."""
    if name.isascii():
        return None
    return next((k for k in sorted(known) if same_but_form(name, k)), None)


def form_note(name: str, twin: str, given: str, other: str) -> str:
    """``only in its Unicode form: typed decomposed (NFD), declared composed (NFC); names
    are compared as written``: ``given`` and ``other`` say whose each spelling is."""
    return (
        f"only in its Unicode form: {given} {form(name)}, {other} {form(twin)}; names are "
        "compared as written"
    )
