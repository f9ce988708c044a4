"""Whether what a command prints on stdout is seen where its messages are (QA-LD Q-LD-13):
on a terminal, or in the very file stderr goes to (``> log 2>&1``). When it is not (``plan >
plan.txt``, a CI step's stdout to a file), a refusal the text output holds must be said on
stderr too, or exit 1 is unexplained where the user looks."""

from __future__ import annotations

import os
import sys

from reconciler.cli.context import is_a_terminal


def stdout_seen() -> bool:
    """stdout is a terminal, or the same open file as stderr."""
    if is_a_terminal(sys.stdout):
        return True
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.fstat(sys.stderr.fileno()))
    except (AttributeError, OSError, ValueError):  # no file behind it (captured), or closed
        return False
