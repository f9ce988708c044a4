"""Words and paths as the operating system gives them, made text, and back.

In a C locale without Python's UTF-8 mode (``LC_ALL=C PYTHONUTF8=0``: a container or CI
image with no locale) Python decodes the command line, the environment and file names
with ASCII, keeping each other byte as a lone surrogate ("surrogateescape"): ``josé``
typed arrives as ``jos\\udcc3\\udca9``. Such a word names no room or user, and a path
holding one cannot be written into a saved plan (QA-HE Q-HE-1, Q-HE-2, Q-HE-6).

``text_of`` reads those bytes as UTF-8, what the user typed and what ``ls`` shows;
``os_form`` is the other way, the form the operating system's calls take in this
locale (in a UTF-8 one both return their argument). Bytes that are not UTF-8 (a Latin-1
``caf\\xe9``) stay lone surrogates: ``has_lone_surrogate`` says so.
"""

from __future__ import annotations

import re
import sys

_ENCODING = sys.getfilesystemencoding()
_ERRORS = sys.getfilesystemencodeerrors()


def text_of(word: str) -> str:
    """``word`` (a command-line word, a file name) as text: the bytes the system gave for
    it read as UTF-8; ``word`` itself when they are not UTF-8, or when it is text already
    (a character the system's encoding cannot hold)."""
    if word.isascii():
        return word
    try:
        return word.encode(_ENCODING, _ERRORS).decode("utf-8")
    except UnicodeError:
        return word


def os_form(text: str) -> str:
    """``text`` (a path) as the system's calls take it: its UTF-8 bytes, decoded as the
    system decodes a file name (``text_of``'s inverse); ``text`` itself in a UTF-8 locale."""
    if text.isascii():
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode(_ENCODING, _ERRORS)
    except UnicodeError:
        return text


def path_text(path: object) -> str:
    """``path`` (a ``Path`` or an OS-form string) as the text a desired-state location
    holds (``Location.file``: the loader makes file names text, QA-HE Q-HE-6), so a path
    made here can be compared with one the loader named (``text_of`` of its ``str``)."""
    return text_of(str(path))


def texts_of(words: list[str]) -> list[str]:
    """Each of ``words`` as text (``text_of``)."""
    return [text_of(word) for word in words]


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (kept as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_ESCAPED_RUN = re.compile("[\udc80-\udcff]+")


def message_text(message: str) -> str:
    """``message`` (an error or a report line, which may name a path in the system's form
    beside text) with each run of lone surrogates read as the UTF-8 it spells, so a path
    is named as typed and as ``ls`` shows it, in any locale (QA-HK Q-HK-1, Q-HK-10); a run
    that is not UTF-8 (a Latin-1 ``caf\\xe9``) is kept."""
    return _ESCAPED_RUN.sub(_read_run, message) if not message.isascii() else message


def _read_run(run: re.Match[str]) -> str:
    raw = bytes(ord(c) - 0xDC00 for c in run.group())
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return run.group()
