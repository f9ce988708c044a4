"""JSON read from a file a user hands over (a saved plan): any text gives a document or
a ``JsonDocumentError`` that says what is wrong, never an internal error.

Python's ``json`` raises ``RecursionError`` for deep nesting (``[[[[…]]]]``), ``ValueError``
for an integer of over 4,300 digits, and accepts ``"\\ud800"``, a lone surrogate that no
terminal or file can take. Each is refused here, with where it is.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.typed_number import MAX_DIGITS

MAX_DEPTH = 64  # a plan is 5 deep; deeper documents cannot be printed back safely either


class JsonDocumentError(ValueError):
    """The text is not a JSON document we can use; the message says why and where."""


def _int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:  # what the desired-state loader takes, no more (QA-GV Q-GV-1)
        raise JsonDocumentError(f"a number of {digits:,} digits")
    return int(text)


def loads(text: str) -> Any:
    """Parse ``text`` as JSON. Raises JsonDocumentError (invalid JSON at line L, column C;
    nesting too deep; a number too large; a lone surrogate at PATH)."""
    try:
        data = json.loads(text, parse_int=_int)
    except JsonDocumentError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonDocumentError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:  # deeper than json recurses (3.11: about 990; 3.12+: more)
        raise JsonDocumentError(f"JSON nested more than {MAX_DEPTH} deep") from None
    except ValueError as exc:  # pragma: no cover - parse_int catches what we know of
        raise JsonDocumentError(f"invalid JSON: {exc}") from None
    _check(data)
    return data


def _check(data: Any) -> None:
    """Refuse nesting over MAX_DEPTH and strings or keys holding a lone surrogate, with
    the JSON path. Iterative: the document may be as deep as ``json`` allows."""
    stack: list[tuple[str, int, Any]] = [("", 0, data)]
    while stack:
        path, depth, value = stack.pop()
        if isinstance(value, str):
            _refuse_surrogate(path, value)
        elif isinstance(value, list | dict):
            if depth >= MAX_DEPTH:
                raise JsonDocumentError(f"JSON nested more than {MAX_DEPTH} deep")
            if isinstance(value, list):
                items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
            else:
                for key in value:
                    _refuse_surrogate(f"{path or 'the document'}: a key", key)
                items = [(f"{path}.{k}" if path else k, v) for k, v in value.items()]
            stack.extend((p, depth + 1, v) for p, v in reversed(items))


def _refuse_surrogate(where: str, text: str) -> None:
    escape = _surrogate(text)
    if escape:
        raise JsonDocumentError(
            f"{where or 'the document'} contains {escape}, half of a UTF-16 pair and "
            "not a character"
        )


def _surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"\\u{ord(text[exc.start]):04x}"
    return None
