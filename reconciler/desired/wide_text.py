"""Which encoding a desired-state file that is not UTF-8 looks like, when it is one of
UTF-16 or UTF-32 (some Windows editors and tools save those): said in the error, which
would otherwise blame characters the user does not see (QA-FL Q-FL-2: ASCII text in
UTF-16 without a byte order mark is valid UTF-8 with a NUL after every character, which
YAML refuses as ``unacceptable character #x0000``).

The guess is YAML's own (YAML 1.2, 5.2 "Character Encodings"): a byte order mark, else
the pattern of NUL bytes in the first two characters, which text of any of these
encodings starting with an ASCII character (as every desired-state file does: a key, a
comment or ``---``) shows; the whole file must then decode in that encoding."""

from __future__ import annotations

import codecs

# (what the file starts with, its encoding's name), the longer marks first
MARKS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def wide_encoding(content: bytes) -> str | None:
    """``"UTF-16"`` or ``"UTF-32"`` when ``content`` looks like text in that encoding (with
    or without a byte order mark), else None."""
    for mark, name in MARKS:
        if content.startswith(mark) and _decodes(content, name.lower()):
            return name
    head = content[:8]
    if len(head) < 4:
        return None
    zero = [b == 0 for b in head[:8]]
    candidates = (
        ("UTF-32", "utf-32-le", zero[:8] == [False, True, True, True] * 2),
        ("UTF-32", "utf-32-be", zero[:8] == [True, True, True, False] * 2),
        ("UTF-16", "utf-16-le", zero[:4] == [False, True, False, True]),
        ("UTF-16", "utf-16-be", zero[:4] == [True, False, True, False]),
    )
    for name, codec, pattern in candidates:
        if pattern and _decodes(content, codec):
            return name
    return None


def _decodes(content: bytes, codec: str) -> bool:
    try:
        content.decode(codec)
    except UnicodeDecodeError:
        return False
    return True
