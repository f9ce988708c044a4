"""The tool's on/off environment variables (``CHIME_RECONCILER_PROGRESS``,
``CHIME_RECONCILER_TIMINGS``): on for ``1``, ``true``, ``yes`` or ``on``; off unset, empty
or for ``0``, ``false``, ``no`` or ``off`` (any case, blanks around ignored). Any other
value is refused at start, naming the variable (``AppContext.from_options``), as a bad
value of every other variable is: ``=true`` was silently off (QA-GB Q-GB-4). Imports
nothing of the tool: ``timing`` reads its flag when it is imported."""

from __future__ import annotations

import os
from collections.abc import Mapping

PROGRESS = "CHIME_RECONCILER_PROGRESS"
TIMINGS = "CHIME_RECONCILER_TIMINGS"
FLAGS = (PROGRESS, TIMINGS)

ON = frozenset({"1", "true", "yes", "on"})
OFF = frozenset({"", "0", "false", "no", "off"})


def is_on(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the variable ``name`` is set on (a value that is neither: off here,
    refused by ``problem`` at start)."""
    env = os.environ if environ is None else environ
    return env.get(name, "").strip().lower() in ON


def problem(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """What is wrong with the variable's value, or None: unset, on or off."""
    env = os.environ if environ is None else environ
    value = env.get(name)
    if value is None or value.strip().lower() in ON | OFF:
        return None
    return f"{name} must be 1 (on) or 0 (off), got {value!r} (also: true/false, yes/no, on/off)"
