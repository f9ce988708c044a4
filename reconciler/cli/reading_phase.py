"""Apply's reading phase (QA-HC Q-HC-3): while apply (or a watch's first round) still
reads Chime and plans, nothing is applied, and a Ctrl-C or SIGTERM says so: the reads stop
(the calls in flight finish, none starts), and the run ends with ``NOTHING_APPLIED``
(exit 130); a second signal quits at once, saying the same. Plain apply and
``apply --watch`` read under the one ``reading()``, so they say the same (the watch's
first round said only the closing line)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from reconciler import interrupt
from reconciler.cli.execute import notify
from reconciler.errors import ReconcilerError

NOTHING_APPLIED = "Interrupted before applying anything: nothing was applied."
# a second signal while nothing is applied yet (reading and planning, the re-read after
# 'yes'): it quits at once, and says what one signal's error says (QA-GA Q-GA-1)
NOTHING_APPLIED_AGAIN = f"{interrupt.QUITTING}Error: {NOTHING_APPLIED}\n"  # as ``saying()``


@contextmanager
def reading() -> Iterator[None]:
    """Meanwhile a first signal says ``interrupt.READING`` and stops the reads; at the end
    of the block, when one came, ``KeyboardInterrupt`` (an error the stopped reads met
    is not the run's: dropped), which the caller ends with ``NOTHING_APPLIED``."""
    with interrupt.graceful(notify, again=NOTHING_APPLIED_AGAIN, says=interrupt.READING):
        try:
            yield
        except ReconcilerError:
            if not interrupt.requested():
                raise
        if interrupt.requested():
            raise KeyboardInterrupt
