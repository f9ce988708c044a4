"""The end of the process, without freeing its heap object by object.

When Python exits it frees every object it still holds, one at a time: for a plan of
1,000 rooms x 1,000 members (the desired state, the live state, the plan) that is several
tenths of a second after the last line is written, 10-20 ms at 300 x 200. ``exit_process``
ends the process as Python would, up to that point, then leaves with ``os._exit``:

- only when no other thread could still be working (a daemon thread is ended either way);
- every ``atexit`` hook has run, in Python's order (``atexit._run_exitfuncs``; a hook that
  raises is reported and the others run, as at exit);
- stdout and stderr are flushed; one whose reader has gone (``2>&1 | head -1``: the
  closing line on stderr could not be written) is muted, and the exit status is 141 when
  it was 0, as for a closed stdout (``reconciler.closed_output``); if a flush fails
  otherwise, Python's own exit runs instead, which reports it and exits 120;
- the exit status is the one ``sys.exit`` would give. A code that is not an integer (a
  message) is left to ``sys.exit``.

Files the tool writes are closed where they are written (``with``), so nothing else is
buffered. Only the command line's entry point uses it (``reconciler.cli.entry``): a caller
in the same process (tests, ``main()``) gets ``SystemExit`` as before.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections.abc import Callable
from typing import NoReturn


def run_then_exit(main: Callable[[], object]) -> NoReturn:
    """Run ``main`` (which ends with ``SystemExit``), then end the process with its code."""
    try:
        main()
    except SystemExit as exc:
        exit_process(exc.code)
    exit_process(0)


def exit_process(code: object) -> NoReturn:
    if not isinstance(code, int) and code is not None:
        raise SystemExit(code)  # printed by Python, status 1
    status = code or 0
    me = threading.current_thread()
    if any(t is not me and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(status)  # Python waits for them
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # what it holds is for a reader that has gone
            from reconciler.closed_output import EXIT_OUTPUT_CLOSED, mute  # loaded by then

            mute(stream)
            status = status or EXIT_OUTPUT_CLOSED
        except Exception:
            sys.exit(status)  # Python reports the failed flush (and exits 120)
    os._exit(status)
