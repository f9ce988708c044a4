"""Whether what a command prints on stdout is seen where its messages are (QA-LD Q-LD-13,
QA-GK Q-GK-3): on a terminal; in the very file stderr goes to (``> log 2>&1``); or through
a pipe (``| tee plan.txt``, ``| less``, a CI step: the GitHub runner reads stdout and
stderr through two pipes into one log), whose reader shows it. When stdout is a regular
file or a device other than stderr's (``plan > plan.txt``, ``> /dev/null``), a refusal the
text output holds must be said on stderr too, or exit 1 is unexplained where the user
looks; through a pipe it would be said twice in the same log."""

from __future__ import annotations

import os
import stat
import sys

from reconciler.cli.context import is_a_terminal


def stdout_seen() -> bool:
    """stdout is a terminal, a pipe or socket, or the same open file as stderr."""
    if is_a_terminal(sys.stdout):
        return True
    try:
        mine = os.fstat(sys.stdout.fileno())
        if stat.S_ISFIFO(mine.st_mode) or stat.S_ISSOCK(mine.st_mode):
            return True  # read by tee, a pager or a CI log that shows stderr beside it
        return os.path.samestat(mine, os.fstat(sys.stderr.fileno()))
    except (AttributeError, OSError, ValueError):  # no file behind it (captured), or closed
        return False
