"""A second interrupt while a round of `apply --watch` applies: what the round did, said
and written before the process quits (as plain apply's: ``execute.run_changes``)."""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import click

from reconciler.apply_ledger import Ledger
from reconciler.cli.execute import say_quitting
from reconciler.cli.watch_news import News
from reconciler.render.apply import Timings, interrupted_summary
from reconciler.render.watch import Round

if TYPE_CHECKING:  # the watch hands itself over (``watch`` imports this module)
    from reconciler.cli.watch import Watch


@dataclass
class QuitNow:
    """A second interrupt while a round applies, in its signal handler (``interrupt.
    graceful``): as plain apply's (``execute.run_changes``), what the round's results
    recorded so far show (``Ledger``: the changes applied, those whose call was in flight,
    those not started) is said, the round is reported (the JSON line, the --out document
    of the whole watch) and the error line ends it; then the process exits (130). Once
    the round's apply is over (``applying`` False), the round reports itself: a second
    interrupt then lets it (``finishing``), and the watch ends with exit 130 as after the
    first (QA-EJ Q-EJ-1: it quit with the round neither said nor written)."""

    watch: Watch
    ledger: Ledger
    number: int
    at: datetime
    planned: float
    started: float  # when the round began applying (monotonic)
    news: News
    applying: bool = True

    def finishing(self) -> bool:
        """The round's apply is over: it is being reported (``interrupt.graceful``)."""
        return not self.applying

    def __call__(self) -> None:
        result = self.ledger.snapshot()
        say_quitting(result, self.watch.out.stderr, self.watch.twins)
        timings = Timings(self.planned, time.monotonic() - self.started)
        partial = Round(
            self.number,
            self.at,
            result,
            timings,
            kept=self.news.expired_kept,
            notices=self.news.notices,
        )
        self.watch.totals.add(partial)
        with contextlib.suppress(Exception):  # whatever it meets, the error line follows
            said = self.watch.report(partial)
            if said is not None:
                self.watch.say(said)
        click.echo(f"Error: {interrupted_summary(result)}", err=True)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
