"""http.client's header parsing, the same ``HTTPMessage`` for less CPU.

Every response botocore receives, and every request the emulator's ``http.server``
receives, goes through ``http.client.parse_headers``, which hands the header lines to the
``email`` package's general MIME parser: about a tenth of the client's CPU per call on a
read and a fifth of the emulator's (issue 13). ``parse_headers`` here builds the message
directly in the plain case: every line ``Name: value`` (printable ASCII, the name in the
characters the email parser accepts there) and the blank line after them, and no
Content-Type for which the email parser would read a body (``multipart/``, ``message/``).
There it does what the email parser (policy ``compat32``) does: each header kept as
``(name, value)`` in order, the value without the spaces and tabs after the colon nor the
line break, no defects, an empty payload. Anything else (folded lines, a line without a
colon, other bytes, headers cut short) goes to http.client's own function. ``install()``
puts it in ``http.client``'s place, for every caller in the process (the messages are the
same); ``tests/unit/test_httpheaders.py`` compares the two attribute for attribute.
"""

from __future__ import annotations

import http.client
import io
import re
from collections.abc import Callable
from typing import Any

# ``Name: value`` and the line break: the name in the characters email.feedparser's
# headerRE accepts there (printable ASCII but the colon), the value printable ASCII and tabs
_HEADER = re.compile(rb"([!-9;-~]+):[ \t]*([\t -~]*)\r?\n")
_BODY_TYPES = (b"multipart", b"message")  # Content-Types the email parser reads a body for
_STOCK: Callable[..., Any] = http.client.parse_headers
# the lines up to the blank one, as http.client reads them (3.11-3.13; else the stock)
_READ: Callable[[Any], list[bytes]] | None = getattr(http.client, "_read_headers", None)


def parse_headers(fp: Any, _class: type[http.client.HTTPMessage] = http.client.HTTPMessage) -> Any:
    """``http.client.parse_headers``: the same message, built directly in the plain case."""
    if _READ is None:
        return _STOCK(fp, _class)
    lines = _READ(fp)
    if lines[-1] not in (b"\r\n", b"\n"):
        return _stock(lines, _class)
    headers = []
    match = _HEADER.fullmatch
    for line in lines[:-1]:
        found = match(line)
        if found is None:
            return _stock(lines, _class)
        name, value = found.groups()
        if name.lower() == b"content-type" and value.lower().lstrip().startswith(_BODY_TYPES):
            return _stock(lines, _class)
        headers.append((name.decode("ascii"), value.decode("ascii")))
    message: Any = _class()
    message._headers = headers
    message._payload = ""  # what the email parser sets for the (empty) body
    return message


def _stock(lines: list[bytes], _class: type[http.client.HTTPMessage]) -> Any:
    """What ``http.client.parse_headers`` makes of these lines (already read): its own
    function, reading them again (the same lines: it reads them as they were read)."""
    return _STOCK(io.BytesIO(b"".join(lines)), _class)


def install() -> None:
    """``parse_headers`` in ``http.client``'s place (idempotent)."""
    if _READ is not None:
        http.client.parse_headers = parse_headers  # type: ignore[assignment]
