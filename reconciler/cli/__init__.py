"""The command line. Each command lives in its own module and only wires things together."""

from typing import NoReturn

from reconciler.cli.main import main
from reconciler.process_exit import run_then_exit


def entry() -> NoReturn:
    """The process's entry point (the ``chime-reconciler`` script, ``python -m reconciler``):
    ``main``, then the process ends without freeing its heap (``reconciler.process_exit``)."""
    run_then_exit(main)


__all__ = ["entry", "main"]
