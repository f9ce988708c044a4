"""The command line. Each command lives in its own module and only wires things together."""

import sys
from typing import NoReturn

from reconciler import collector
from reconciler.interrupt import EXIT_INTERRUPTED
from reconciler.process_exit import run_then_exit

# Importing the command line creates a few hundred thousand objects that live as long as
# the process: with the collector on, it walked them again and again meanwhile (about 40
# ms of a plan's start), and in every full collection after. They are built with it paused
# and then moved out of its reach (``collector.paused``), as the desired state is.
try:
    with collector.paused(freeze=True):
        from reconciler.cli.main import main
except KeyboardInterrupt:  # Ctrl-C while the command line loads: no traceback either
    sys.stderr.write("Interrupted while starting: nothing was changed.\n")
    raise SystemExit(EXIT_INTERRUPTED) from None


def entry() -> NoReturn:
    """The process's entry point (the ``chime-reconciler`` script, ``python -m reconciler``):
    ``main``, then the process ends without freeing its heap (``reconciler.process_exit``)."""
    run_then_exit(main)


__all__ = ["entry", "main"]
