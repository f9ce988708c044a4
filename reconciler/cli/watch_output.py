"""What ``apply --watch`` writes besides its lines (``reconciler.render.watch``): with
``--format json``, one JSON line per round on stdout; with ``--out RESULT.json``, the
whole watch so far, the file written again (``atomic_file``: whole or not at all) after
every round. A write that fails is said (among the watch's lines) and tried again after
the next round; if the last one failed, the watch ends with exit 1 (``check``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from reconciler import atomic_file, interrupt
from reconciler.errors import UsageError
from reconciler.render.watch import Round, WatchTotals, round_line, watch_document


@dataclass
class WatchOutput:
    json_lines: bool  # --format json
    result_file: Path | None  # --out
    # the watch's own (``Watch.totals``, which adds each round before reporting it):
    # one count of the rounds for its exit code and this document (reread-23)
    totals: WatchTotals = field(default_factory=WatchTotals)
    unwritten: str | None = None  # why the last write of result_file failed

    def __call__(self, r: Round) -> str | None:
        """Write round ``r``: the file first, so that a round whose line finds stdout
        closed (its reader ended: ``| head -1``) is in it all the same (Q-GI-4); a line
        for the watch to say when the file cannot be written."""
        said = self._record(r)
        if self.json_lines:
            click.echo(round_line(r), nl=False)  # flushed: a reader sees each round
        return said

    def _record(self, r: Round) -> str | None:
        if self.result_file is None:
            return None
        if not r.result.total:  # a round that made changes is written, interrupted or not
            interrupt.raise_if_pressed()  # a Ctrl-C swallowed on its way writes nothing
        try:
            atomic_file.write_atomically(self.result_file, watch_document(self.totals))
        except OSError as exc:
            self.unwritten = str(exc.strerror or exc)
            again = "" if r.stopped else " (written again after the next round)"
            return f"Error: {self._cannot()}{again}"
        self.unwritten = None
        return None

    def idle(self) -> str | None:
        """A watch that had nothing to watch (its ``--shard`` holds no meeting, at start or
        once the files changed) writes the file as it is (no round, at start), as an apply
        of that shard writes its result: a CI step that uploads it finds it (Q-FO-2),
        ``stopped: "idle"`` (Q-GI-3). Why it could not, or None."""
        if self.result_file is None:
            return None
        self.totals.idle = True  # ``stopped: "idle"``: it ended, with nothing to watch
        try:
            atomic_file.write_atomically(self.result_file, watch_document(self.totals))
        except OSError as exc:
            self.unwritten = str(exc.strerror or exc)
            return f"Error: {self._cannot()}"
        self.unwritten = None
        return None

    def check(self) -> None:
        """``UsageError`` (exit 1) when the file does not hold the last round."""
        if self.unwritten is not None:
            raise UsageError(self._cannot())

    def _cannot(self) -> str:
        return f"cannot write the watch result to {self.result_file}: {self.unwritten}"
