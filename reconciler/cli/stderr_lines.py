"""Lines said on stderr once stdout is gone (closed by its reader, or on a full disk):
what a stopped apply or watch made and did not make, before its closing error."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

import click


def say_on_stderr(lines: Iterable[str]) -> None:
    """Each of ``lines`` on stderr; nothing when stderr is gone too (nobody to tell)."""
    with contextlib.suppress(OSError):
        for line in lines:
            click.echo(line, err=True)
