"""A Ctrl-C or SIGTERM before the command began: ``emulator``, whose Ctrl-C is how it
stops, stopped before it served, which is no failure (exit 0, ``STOPPED_EARLY``); any
other command exits 130 (``interrupt.STARTING``).

Standard library only, and nothing loaded: ``reconciler.cli`` imports it first, so that
a Ctrl-C while the command line itself loads can ask it."""

from __future__ import annotations

import signal
from collections.abc import Sequence

SERVER = "emulator"
STOPPED_EARLY = "Chime API emulator stopped before it started serving."
# the global options that take a value (``reconciler.cli.main``; a test keeps them equal)
GLOBAL_VALUE_OPTIONS = frozenset(
    {
        "--desired",
        "--endpoint-url",
        "--profile",
        "--region",
        "--parallelism",
        "--api-process",
        "--now",
        "--rate",
    }
)


def command_of(argv: Sequence[str]) -> str | None:
    """The command typed: the first word that is neither a global option nor the value
    of one (``--desired emulator plan`` is ``plan``); None without one."""
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return None
        if not word.startswith("-") or word == "-":
            return word
        name = word if word.startswith("--") else "-" + word  # Terraform's ``-desired``
        i += 2 if name in GLOBAL_VALUE_OPTIONS else 1
    return None


def serves(argv: Sequence[str]) -> bool:
    """Whether ``argv`` (the words after the program) runs the emulator."""
    return command_of(argv) == SERVER


HEARD: list[int] = []  # the signals ``early`` took, before ``interrupt.record_presses``


def early(signum: int, frame: object) -> None:
    """``heard_from_the_start``'s handler: the signal recorded, then ``KeyboardInterrupt``.
    Recorded because that ``KeyboardInterrupt`` may be swallowed on its way (raised in a
    finalizer or a garbage-collector callback while the command line loads, Python prints
    "Exception ignored" and goes on): ``interrupt.record_presses`` then counts it as a
    press, and the emulator's ``raise_if_pressed`` before it listens stops it still."""
    HEARD.append(signum)
    raise KeyboardInterrupt


def heard_from_the_start(argv: Sequence[str]) -> None:
    """For ``emulator`` (``argv``: the words after the program), SIGINT and SIGTERM stop
    it from the process's first line on: one started as a script's background job
    inherits SIGINT ignored (``cmd &``), and a ``kill -INT`` while it starts (its
    command line loading, its seed read) would otherwise be lost and leave it serving.
    Each is recorded and raises ``KeyboardInterrupt`` (``early``, which
    ``interrupt.record_presses`` then takes over), which says ``STOPPED_EARLY`` and exits
    0 until the emulator listens (QA-FK Q-FK-10). Other commands are left as they are."""
    if serves(argv):
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, early)
