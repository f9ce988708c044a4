"""Ctrl-C or SIGTERM during a command that only reads from Chime (``plan``, ``audit``,
``explain``, ``import``): said plainly, as ``apply`` says its own, and exit 130.

SIGTERM is a Ctrl-C outside ``apply``'s handlers (``interrupt.terminate_as_interrupt``),
so both arrive as a ``KeyboardInterrupt``; the reads under way stop where they stand
(``reconciler.parallel``) before it gets here. Without this, click turns it into its
generic "Aborted."."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from reconciler.errors import ReconcilerError
from reconciler.interrupt import EXIT_INTERRUPTED

P = ParamSpec("P")
R = TypeVar("R")


class ReadInterrupted(ReconcilerError):
    """Interrupted while reading: nothing was changed in Chime; exit 130."""

    exit_code = EXIT_INTERRUPTED


def interrupted_message(command: str) -> str:
    """``Interrupted before plan finished: nothing in Chime was changed (plan only reads
    it).``"""
    return (
        f"Interrupted before {command} finished: nothing in Chime was changed "
        f"({command} only reads it)."
    )


def reads_only(command: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A command callback whose interruption says so (``ReadInterrupted``)."""

    def wrap(callback: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(callback)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return callback(*args, **kwargs)
            except KeyboardInterrupt:
                raise ReadInterrupted(interrupted_message(command)) from None

        return run

    return wrap
