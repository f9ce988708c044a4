"""Logging to stderr for -vv: every AWS call the tool makes, and every retry."""

from __future__ import annotations

import logging
import sys
from typing import Any
from urllib.parse import urlencode

from reconciler.redact import redact

LOGGER = "reconciler"
log = logging.getLogger(LOGGER)


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted (click's test runner
    and pytest swap it between runs in one process)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def _redacted(record: logging.LogRecord) -> bool:
    """The record with every credential ``redact`` knows masked, and no GitHub workflow
    command in it (``inert``: an API message may quote a name; QA-HD Q-HD-1)."""
    try:
        message = record.getMessage()
    except Exception:  # a record that cannot be formatted: left to logging
        return True
    from reconciler.render.safe import inert  # (render imports this module)

    masked = inert(redact(message))
    if masked != message:
        record.msg, record.args = masked, None
    return True


def configure(verbose: int, where: str = "") -> None:
    """-vv: ``debug:`` lines on stderr (API calls and retries); otherwise none. ``where``
    names the process that writes them when it is not the run's own (``DEBUG (api
    process): ListRooms ...``)."""
    if not any(isinstance(h, _CurrentStderr) for h in log.handlers):
        handler = _CurrentStderr()
        named = f" ({where})" if where else ""
        handler.setFormatter(logging.Formatter(f"%(levelname)s{named}: %(message)s"))
        handler.addFilter(_redacted)  # no credential in a line, whoever logs it
        log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)


def log_api_call(model: Any, params: dict[str, Any], **_: Any) -> None:
    """botocore ``before-call`` hook: one line per HTTP request the tool makes, such as
    ``ListRoomMemberships GET /accounts/1111…/rooms/r1/memberships?max-results=99``."""
    if not log.isEnabledFor(logging.DEBUG):
        return
    query = params.get("query_string") or {}
    path = str(params.get("url_path", ""))
    if isinstance(query, dict) and query:
        path += ("&" if "?" in path else "?") + urlencode(query)
    log.debug("%s %s %s", model.name, params.get("method", ""), path)
