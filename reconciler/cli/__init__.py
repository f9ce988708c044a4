"""The command line. Each command lives in its own module and only wires things together."""

import os
import sys
from typing import NoReturn

# A Ctrl-C while the command line loads (its first second on a busy machine) says one
# line, with no traceback: everything it loads is loaded under this ``try``, the
# interrupt handling itself included (hence the literal line and code here).
try:
    from reconciler.early_stop import STOPPED_EARLY, heard_from_the_start, serves

    heard_from_the_start(sys.argv[1:])  # first thing: it loads nothing (Q-FK-10)
    from reconciler import collector
    from reconciler.interrupt import record_presses
    from reconciler.process_exit import run_then_exit
    from reconciler.whole_writes import install as write_stdout_whole

    record_presses()  # from here on a Ctrl-C is recorded, even one a library swallows
    # Importing the command line creates a few hundred thousand objects that live as long
    # as the process: with the collector on, it walked them again and again meanwhile
    # (about 40 ms of a plan's start), and in every full collection after. They are built
    # with it paused and then moved out of its reach (``collector.paused``), as the
    # desired state is.
    with collector.paused(freeze=True):
        from reconciler.cli.main import main
        from reconciler.runner import interrupted_while_starting
except BaseException as exc:
    # a Ctrl-C, also one Python wrapped on its way (in a class's ``__set_name__``:
    # RuntimeError, its cause the KeyboardInterrupt)
    chain: BaseException | None = exc
    while chain is not None and not isinstance(chain, KeyboardInterrupt):
        chain = chain.__cause__
    if chain is None:
        raise
    if "serves" in globals() and serves(sys.argv[1:]):  # Ctrl-C is how an emulator stops
        sys.stderr.write(STOPPED_EARLY + "\n")
        code = 0
    else:
        sys.stderr.write("Interrupted while starting: nothing was changed.\n")  # interrupt.STARTING
        code = 130  # interrupt.EXIT_INTERRUPTED
    # ended here, not by Python's exit: a KeyboardInterrupt that went through some C code
    # that runs Python source (as the command line loads) leaves the interpreter marked to
    # end by SIGINT, whatever the code (an emulator stopped early exited -2, not 0)
    sys.stderr.flush()
    os._exit(code)


def entry() -> NoReturn:
    """The process's entry point (the ``chime-reconciler`` script, ``python -m reconciler``):
    ``main``, then the process ends without freeing its heap (``reconciler.process_exit``).
    A Ctrl-C before ``main`` handles its own (``reconciler.runner.run``): one line, 130.
    What goes to stdout is written whole, or the command fails (``reconciler.whole_writes``)."""
    try:
        from reconciler.interrupt import wake_main_thread

        wake_main_thread()  # a signal just before a blocking read is not left waiting
        write_stdout_whole()
        run_then_exit(main)
    except KeyboardInterrupt:
        interrupted_while_starting()


__all__ = ["entry", "main"]
