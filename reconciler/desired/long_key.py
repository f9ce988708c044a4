"""A key longer than YAML reads. PyYAML and libyaml read a key written without ``? `` (a
"simple key") of up to 1,024 characters only; a longer one is a syntax error whose words
("mapping values are not allowed here (check the indentation ...)") send the user the
wrong way (QA-CF Q-CF-4). Recognised at the error's mark, it is reported as what it is:
a name too long, or (a short name written long, through escapes) a key YAML cannot read
written so."""

from __future__ import annotations

import re
from typing import Any

import yaml

from reconciler.desired.spec_base import MAX_NAME_LENGTH, too_long_text

SIMPLE_KEY_LIMIT = 1024  # characters PyYAML reads as a key written without `? `
_STARTS = re.compile(r"[{\[,]\s*|:\s+|[-?]\s+")  # after these, a key may start on its line
_PLAIN_NOT_FIRST = set("[]{},#&*!|>'\"%@`")  # a plain scalar does not start with these
_TRIES = 3  # re-parses at most: the shortest pieces before the ':' that could be the key


def long_key_message(text: str, exc: yaml.MarkedYAMLError) -> str | None:
    """What is wrong when ``exc`` is YAML refusing a simple key over its limit, or None.
    The key is the scalar that ends at the ':' the error points at; it is the cause when
    the text reads past that point with a one-character key in its place."""
    mark = exc.problem_mark
    index = getattr(mark, "index", None)
    if mark is None or index is None or not 0 <= index < len(text) or text[index] != ":":
        return None
    line_start = index - mark.column
    before = text[line_start:index]
    starts = [0, *(m.end() for m in _STARTS.finditer(before))]
    tries = 0
    for start in reversed(starts):  # the shortest piece first
        written = before[start:]
        piece = written.strip()
        if len(piece) <= SIMPLE_KEY_LIMIT or not _one_scalar(piece):
            continue
        begin = line_start + start + len(written) - len(written.lstrip())
        if _reads_past(text[:begin] + "k" + text[begin + len(piece) :], begin + 1):
            return _message(piece)
        tries += 1
        if tries == _TRIES:
            break
    return None


def _one_scalar(piece: str) -> bool:
    if piece[0] in "\"'":
        return len(piece) >= 2 and piece[-1] == piece[0]
    return piece[0] not in _PLAIN_NOT_FIRST and ": " not in piece and " #" not in piece


def _loader() -> Any:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _reads_past(text: str, index: int) -> bool:
    """Whether ``text`` parses, or fails only after ``index``."""
    try:
        for _ in yaml.parse(text, Loader=_loader()):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        return mark is not None and mark.index > index
    except yaml.YAMLError:
        return False
    return True


def _message(piece: str) -> str:
    name: Any = piece
    if piece[0] in "\"'":
        try:
            name = yaml.load(piece, Loader=_loader())  # one quoted scalar: a string
        except yaml.YAMLError:  # pragma: no cover - it parsed in place already
            name = piece[1:-1]
    if isinstance(name, str) and len(name) > MAX_NAME_LENGTH:
        return too_long_text(len(name), "the name")
    return (
        f"a key written in {len(piece):,} characters is longer than YAML reads as a key "
        f"({SIMPLE_KEY_LIMIT:,}): write it after `? `, its value on the next line after `: `"
    )
