"""Progress on stderr, only where it helps.

* On a terminal: a bar labelled for what the step does ("Reading memberships",
  "Applying changes", "Verifying: re-reading what changed"), shown only once the
  step has taken ``DELAY_S`` (a quick step shows nothing), and gone when it ends.
* With ``--no-color`` or ``NO_COLOR`` on a terminal: no cursor movement at all; a step
  that took noticeable time says so in one plain line when it ends.
* Not on a terminal (pipes, CI logs), or with ``CI`` set: nothing, unless
  ``CHIME_RECONCILER_PROGRESS=1`` (or ``true``, ``yes``, ``on``: ``env_flag``), which
  writes one plain line per finished step.

``advance`` is safe to call from worker threads. rich's progress display is imported only
where a bar may be drawn (a terminal): elsewhere a step's count and time are kept here.
``ProgressBar.when_written`` makes its console only when it writes (a line, a bar): a run
that shows no progress does not import rich before its first call (README "Start-up and
exit").
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

from reconciler import env_flag

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

DELAY_S = 0.5  # a step shorter than this shows no progress


class ProgressBar:
    def __init__(self, console: Console, delay_s: float = DELAY_S) -> None:
        self._start(lambda: console, console.is_terminal, console.no_color, delay_s)

    @classmethod
    def when_written(
        cls,
        console: Callable[[], Console],
        *,
        is_terminal: bool,
        no_color: bool,
        delay_s: float = DELAY_S,
    ) -> ProgressBar:
        """A bar whose console (``console()``, whose ``is_terminal`` and ``no_color`` are
        these) is made when the bar first writes: at once on a terminal (the bar), else
        at the first line, if any."""
        bar = cls.__new__(cls)
        bar._start(console, is_terminal, no_color, delay_s)
        return bar

    def _start(
        self, console: Callable[[], Console], is_terminal: bool, no_color: bool, delay_s: float
    ) -> None:
        forced = env_flag.is_on(env_flag.PROGRESS)
        on_terminal = is_terminal and not os.environ.get("CI")
        self.enabled = forced or on_terminal
        self.live = on_terminal and not no_color  # cursor movement
        self.every_step = forced and not on_terminal  # a line per step, however quick
        self.delay_s = delay_s
        self._make_console = console
        self._made: Console | None = None
        self._lock = threading.Lock()
        self._muted = threading.local()
        self._shown = False
        self._active = False  # a step is under way (a late timer must not show a bar)
        self._timer: threading.Timer | None = None
        self._count_lock = threading.Lock()
        self._completed = 0  # the step's count and start (the line at its end)
        self._started = time.monotonic()
        self._progress = _bar(self._console) if self.live else None  # the bar, on a terminal
        self._task = cast("TaskID", 0)
        if self._progress is not None:
            self._task = self._progress.add_task("", total=0, visible=False)

    @property
    def _console(self) -> Console:
        if self._made is None:
            self._made = self._make_console()
        return self._made

    @contextlib.contextmanager
    def task(self, description: str, total: int | None) -> Iterator[None]:
        """A step of ``total`` items (None: not known ahead, as pages still to come: the
        bar pulses, and the line counts what was done: ``Listing rooms: 250 in 1.3s``)."""
        # reset: the clock restarts too (a confirmation prompt may have waited meanwhile)
        with self._count_lock:
            self._completed, self._started = 0, time.monotonic()
        if self._progress is not None:
            self._progress.reset(self._task, description=description, total=total, visible=True)
        self._active = True
        if self.live:
            self._timer = threading.Timer(self.delay_s, self._show)
            self._timer.daemon = True
            self._timer.start()
        try:
            yield
        finally:
            self._hide()
        elapsed = time.monotonic() - self._started
        if self.enabled and not self.live and (self.every_step or elapsed >= self.delay_s):
            done = self._completed if total is None else f"{self._completed}/{total}"
            self._console.print(
                f"{description}: {done} in {elapsed:.1f}s",
                markup=False,
                highlight=False,
            )

    def _show(self) -> None:
        with self._lock:
            if self._active and not self._shown and self._progress is not None:
                self._progress.start()
                self._shown = True

    def _hide(self) -> None:
        with self._lock:
            self._active = False
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._progress is None:
                return
            if self._shown:
                self._progress.stop()
                self._shown = False
            self._progress.update(self._task, visible=False)

    @property
    def shown(self) -> bool:
        """Whether the bar is on screen now (a step past its delay, on a terminal)."""
        return self._shown

    def advance(self, *_: object) -> None:
        if not getattr(self._muted, "on", False):
            with self._count_lock:
                self._completed += 1
            if self._progress is not None:
                self._progress.advance(self._task)

    @contextlib.contextmanager
    def muted(self) -> Iterator[None]:
        """``advance`` does nothing in this thread meanwhile: work done on the side of the
        step under way (apply's early verification re-reads) is not counted in its bar."""
        self._muted.on = True
        try:
            yield
        finally:
            self._muted.on = False


def _bar(console: Console) -> Progress:
    """rich's bar: what the step does, the bar, done/total and the time so far."""
    from rich.progress import (  # here: rich's display costs ~9 ms of start-up to import
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        expand=True,
    )
