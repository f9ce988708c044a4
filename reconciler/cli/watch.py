"""`apply --watch`: keep a meeting's attendees reconciled while it runs (a bridge lockdown:
people join all the time).

Every ``--interval`` seconds the meetings in scope are planned and applied again; each
change is printed as it is made, with the time. Each round plans from the desired-state
files as they are then (loaded again when they changed; files that no longer load stop
the watch, exit 1), as of its start (the clock's: an ``until:`` that passes during the
watch ends that access). It stops when every meeting in scope has
ended (the API no longer finds it), or at ``--until`` (a duration such as ``90s``, ``30m``,
``2h``, a time with a zone such as ``2026-12-01T18:00:00Z``, or a date: the end of that
day in UTC, as ``until:``; default 24 hours, the longest a meeting lives): exit 0, or 1
when a change of any round was not made (failed, or not attempted; even one a later
round made: the meeting was not as declared meanwhile) or the last round's reading failed
(``render.watch.incomplete``: its ``--out`` document's
``complete`` is false); Ctrl-C stops it with exit code 130. The first round is
confirmed as `apply` confirms (unless --auto-approve); later rounds apply without asking.
A round whose reading fails (AWS unreachable after retries) is reported and retried at
the next interval; desired-state errors and refused plans stop the watch with exit 1.
A ``--until`` time that has passed, or a duration past the year 9999, is refused before
anything is read (exit 1).

Each round that planned (or whose reading failed) is handed to ``report`` as a ``Round``:
what it applied, how long it took, and whether the watch stops after it
(``reconciler.cli.watch_output`` writes them as JSON: ``--format json``, ``--out``).

A Ctrl-C whose ``KeyboardInterrupt`` some library swallowed (``interrupt.PRESSED``) is
raised again at the start of the next round, before a round applies, and while it waits.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import click
from rich.console import Console

from reconciler import interrupt
from reconciler.applier import apply as run_apply
from reconciler.apply_ledger import Ledger
from reconciler.apply_result import ApplyResult, ChangeResult
from reconciler.cli.execute import notify
from reconciler.cli.options import FiniteFloatRange
from reconciler.cli.pipeline import Session
from reconciler.cli.reading_phase import reading
from reconciler.cli.stderr_lines import say_on_stderr
from reconciler.cli.watch_news import Heard, News
from reconciler.cli.watch_quit import QuitNow
from reconciler.cli.watch_refusal import STOPPED, refusal_lines
from reconciler.closed_output import (
    OutputClosed,
    OutputFailed,
    failed_output,
    mute_stdout,
    output_failure_of,
)
from reconciler.errors import AwsError, DesiredStateError, UsageError
from reconciler.governance.expiry import as_of
from reconciler.governance.grant import DATE_SHAPE, parse_end
from reconciler.kinds import all_kinds, get
from reconciler.plan import Plan
from reconciler.prose import counted
from reconciler.refs import TargetKey
from reconciler.render.apply import (
    ABSENT_NOW,
    STOPPED_BY_CLOSED_OUTPUT,
    STOPPED_BY_FAILED_OUTPUT,
    Timings,
    already_note,
    applied_counts,
    failure_line,
    render_interrupted,
)
from reconciler.render.safe import shown
from reconciler.render.text import change_line
from reconciler.render.twin_bots import Twins, of_change, plan_twins
from reconciler.render.watch import Round, Stop, WatchTotals, incomplete
from reconciler.target_select import select, target_errors

DEFAULT_UNTIL = timedelta(hours=24)  # AWS ends every meeting after 24 hours
DEFAULT_INTERVAL = 10.0  # seconds
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smh])\s*$", re.ASCII)  # ASCII only (Q-GV-2)
_UNITS = {"s": 1, "m": 60, "h": 3600}
UNTIL_FORMS = (
    "a duration (90s, 30m, 2h), a date (2026-12-01: through that day, in UTC) or a time "
    "with a zone (2026-12-01T18:00:00Z)"
)


def parse_until(text: str | None, now: datetime) -> datetime:
    """The deadline ``--until`` names: ``now`` plus a duration, or a time as ``until:``
    reads one (``parse_end``: a date is through that day in UTC; a date and time needs a
    zone, refused as ``--now`` refuses it); not one that has passed (``UsageError``)."""
    if text is None:
        return now + DEFAULT_UNTIL
    found = _DURATION.match(text)
    if found:
        try:
            return now + timedelta(seconds=float(found[1]) * _UNITS[found[2]])
        except OverflowError:  # past datetime's year 9999 (or timedelta's range)
            raise UsageError(f"--until {text.strip()}: too far in the future") from None
    if not DATE_SHAPE.match(text.strip()):
        raise UsageError(f"--until {text}: expected {UNTIL_FORMS}")
    try:
        when = parse_end(text)
    except ValueError as exc:  # as --now says it (no zone, no such day)
        raise UsageError(f"Invalid value for '--until': {exc}") from None
    if when < now:  # refused before anything is read or applied
        raise UsageError(
            f"--until {text.strip()}: that time has passed (it is now "
            f"{now.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}); nothing was applied"
        )
    return when


def sliced_sleep(seconds: float) -> None:
    """``time.sleep`` in slices of ``interrupt.POLL_S``: the kernel may hand a Ctrl-C to
    another thread of the process (the pools' idle workers), and the main thread then
    raises it only once its own sleep ends: at the end of a slice, not of the interval."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        interrupt.raise_if_pressed()  # a Ctrl-C whose KeyboardInterrupt was swallowed
        time.sleep(min(left, interrupt.POLL_S))


def _no_report(_: Round) -> str | None:
    return None


@dataclass
class Watch:
    session: Session
    targets: tuple[str, ...]
    interval: float
    deadline: datetime
    out: Console
    allow_unsafe: bool
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    sleep: Callable[[float], None] = sliced_sleep
    report: Callable[[Round], str | None] = _no_report  # a line to say, or None
    # ... and when it has nothing to watch (``idle``): the --out file of no round
    report_idle: Callable[[], str | None] = lambda: None
    totals: WatchTotals = field(default_factory=WatchTotals)  # its exit code's
    unheard: bool = False  # its output was closed while it applied (``_tell``)
    failure: str | None = None  # ... or could not be written (a full disk): why
    # the twin bots of every round's plan (``plan_twins``; keyed by target, so their union
    # is each round's): the stop paths' lists name them by their ids as each round did
    twins: Twins = frozenset()

    def meeting_keys(self) -> set[TargetKey]:
        """The targets in scope whose kind ends on its own (``Kind.ends``: meetings). None
        (an empty set) when a ``--target`` names no declared target (the first round's plan
        then says so, as apply's does: Q-FO-2) or when the ``--shard`` holds none of those
        declared (``idle``); an error when the desired state declares none in scope."""
        desired = self.session.desired
        chosen = select(desired.targets, self.targets or None)
        keys = {t.key for t in chosen if get(t.key.kind).ends}
        if keys or target_errors(desired.targets, self.targets) or self.idle():
            return keys
        ending = [k for k in all_kinds() if k.ends]
        sections = ", ".join(f"{k.section}: ..." for k in ending)
        raise UsageError(f"--watch needs at least one {_ending_nouns()} in scope ({sections})")

    def _rescope(self) -> set[TargetKey] | None:
        """After the files changed: ``meeting_keys`` as they are now; None
        (said, stamped) when they declare none in scope any more: the watch stops, exit 1,
        as for files that no longer load (Q-GI-2; not start-up's command-line refusal)."""
        try:
            return self.meeting_keys()
        except UsageError:
            where = shown(str(self.session.app.desired_dir))
            self.say(
                f"Error: the desired-state files in {where} changed and declare no "
                f"{_ending_nouns()} in scope any more; {STOPPED}."
            )
            return None

    def idle(self) -> str | None:
        """What a watch whose ``--shard`` holds no target that ends says (it has nothing
        to watch: it stops, exit 0, as an apply of that shard has nothing to do), when the
        other shards hold some; None otherwise (Q-FO-2)."""
        shard = self.session.shard
        if shard is None or any(get(t.key.kind).ends for t in self.session.desired.targets):
            return None
        elsewhere = [t for t in self.session.desired.elsewhere if get(t.key.kind).ends]
        if not elsewhere:
            return None
        words = get(elsewhere[0].key.kind).words
        declared = counted(len(elsewhere), words.noun, words.plural)
        return (
            f"Shard {shard} holds no {words.noun} (the {declared} declared "
            f"{'is' if len(elsewhere) == 1 else 'are'} in other shards): nothing to watch."
        )

    def plan(self, keys: set[TargetKey]) -> Plan:
        """A round's plan: of the --target names as typed (a name that selects none, or
        targets of several kinds, is an error of it), or else of exactly the targets that
        end (``keys``: meetings), never by name, which a room or a channel of that name
        would share (QA-HJ Q-HJ-1): a watch reconciles those only."""
        if self.targets:
            return self.session.plan(list(self.targets))
        return self.session.plan(keys=keys)

    def run(self, first_round: Callable[[Plan], bool]) -> int:
        """Rounds until every meeting ended or the deadline; ``first_round(plan)`` shows
        the first plan and says whether to go on (errors, refusal, confirmation). When
        the output is closed (its reader ended: ``| head``), no new call starts and
        ``OutputClosed`` says what the watch did (exit 141); when it could not be written
        (a full disk), the same, as ``OutputFailed`` (exit 1)."""
        try:
            return self._rounds(first_round)
        except BrokenPipeError:
            raise self._closed() from None
        except OSError as exc:
            reason = output_failure_of(exc)
            self.failure = reason
            raise self._closed() from None

    def _closed(self) -> OutputClosed | OutputFailed:
        mute_stdout()
        results = ApplyResult(tuple(self.totals.results))
        if not self.out.stderr:  # the lines that listed each change went with the output
            failure = self.failure
            cause = "the output was closed" if failure is None else failed_output(failure)
            self._list_rounds_on_stderr(results, cause, self.twins)
        if not results.total:
            what = "the watch stopped before applying anything: nothing was applied."
        else:
            rounds = self.totals.rounds
            what = (
                f"the watch stopped after {rounds} round{'' if rounds == 1 else 's'}: "
                f"{applied_counts(results)}; run plan to see what is left."
            )
        return OutputClosed(what) if self.failure is None else OutputFailed(self.failure, what)

    @staticmethod
    def _list_rounds_on_stderr(results: ApplyResult, cause: str, twins: Twins) -> None:
        """The watch stopped by its closed (or full) output, which was where each change
        was said as it was made: what every round applied, failed (with why), did not
        attempt and did not start, on stderr, before the closing line counts them, as
        plain apply lists them (QA-GH Q-GH-1: the counts alone); two bots of one name
        (``twins``) each by its id, as the rounds' own lines named them."""
        say_on_stderr(render_interrupted(results, cause, twins=twins))

    def _rounds(self, first_round: Callable[[Plan], bool]) -> int:
        keys = self.meeting_keys()
        if (idle := self.idle()) is not None:
            self.say(idle)
            if (said := self.report_idle()) is not None:
                self.say(said)
            return 0
        first = True
        heard = Heard()  # the notices and warnings said: each once
        number = 0
        while True:
            interrupt.raise_if_pressed()  # each round: a swallowed Ctrl-C is not lost
            number += 1
            at, started = self.clock(), time.monotonic()
            if not first and self._refresh(at):  # the files as they are now
                if (scoped := self._rescope()) is None:
                    return 1
                keys = scoped
                if (idle := self.idle()) is not None:  # the files moved them elsewhere
                    self.say(idle)
                    if (said := self.report_idle()) is not None:  # stopped: "idle"
                        self.say(said)
                    return self.end_idle()
            error = None
            try:
                # round 1 reads as plain apply does: a Ctrl-C says that the reads stop and
                # nothing will be applied (it said only the closing line)
                with reading() if first else contextlib.nullcontext():
                    plan = self.plan(keys)
            except AwsError as exc:
                if first:
                    raise
                error = str(exc)
                self.say(f"Error: {exc} (trying again in {self.interval:g}s)")
                plan = None
            planned = time.monotonic() - started
            result, applied = ApplyResult(()), 0.0
            stopped: Stop | None = None
            news = News()
            if plan is not None:
                if first:
                    if not first_round(plan):
                        return 1
                    news = heard.news(plan)  # its plan showed them
                else:
                    news = heard.news(plan)  # said even when the round is refused
                    for line in news.lines():
                        self.say(line)
                    if plan.errors or (plan.violations and not self.allow_unsafe):
                        return self._refused(plan, number, at, started, news)
                first = False
            # Applying, and until the round is reported, a Ctrl-C or SIGTERM stops it as it
            # stops plain apply (``interrupt.graceful``): no new call starts, the calls in
            # flight finish (each change made printed), the round is reported (--out)
            # with what it made, and then the watch stops (exit 130).
            with contextlib.ExitStack() as applying_round:
                if plan is not None:
                    if plan.has_changes:
                        interrupt.raise_if_pressed()  # nothing is applied after a Ctrl-C
                        ledger = Ledger(plan)
                        applying = time.monotonic()
                        quit_now = QuitNow(self, ledger, number, at, planned, applying, news)
                        applying_round.enter_context(
                            interrupt.graceful(notify, quit_now, finishing=quit_now.finishing)
                        )
                        result = self._apply(plan, ledger)
                        quit_now.applying = False  # the round reports itself (Q-EJ-1)
                        applied = time.monotonic() - applying
                        if self.unheard:  # the output was closed while it applied
                            cut = (
                                STOPPED_BY_CLOSED_OUTPUT
                                if self.failure is None
                                else STOPPED_BY_FAILED_OUTPUT
                            )
                            timings = Timings(planned, applied)
                            partial = Round(
                                number,
                                at,
                                result,
                                timings,
                                cut=cut,
                                kept=news.expired_kept,
                                notices=news.notices,
                            )
                            self._stop_unheard(partial)
                    live = {t.key for t in plan.targets}
                    stopped = None if keys & live else "ended"
                remaining = (self.deadline - self.clock()).total_seconds()
                if stopped is None and remaining <= 0:
                    stopped = "until"
                if interrupt.pressed():  # interrupted: the watch did not stop of itself
                    stopped = None
                timings = Timings(planned, applied)
                done = Round(
                    number,
                    at,
                    result,
                    timings,
                    error,
                    stopped,
                    kept=news.expired_kept,
                    notices=news.notices,
                )
                self.totals.add(done)
                said = self.report(done)
                if said is not None:
                    self.say(said)
            interrupt.raise_if_pressed()  # interrupted while it applied: the watch stops
            if stopped is not None:
                return self.end(stopped)
            self.sleep(min(self.interval, remaining))

    def _refused(self, plan: Plan, number: int, at: datetime, started: float, news: News) -> int:
        """A later round's plan has errors or breaks the safety rules: said, the round
        written (``stopped: "refused"``, nothing applied, with the ``news`` its plan
        brought: a meeting it found ended), exit 1 (Q-GI-7)."""
        for line in refusal_lines(plan, number, self.allow_unsafe):
            self.say(line)
        timings = Timings(time.monotonic() - started, 0.0)
        done = Round(
            number,
            at,
            ApplyResult(()),
            timings,
            stopped="refused",
            kept=news.expired_kept,
            notices=news.notices,
        )
        self.totals.add(done)
        if (said := self.report(done)) is not None:
            self.say(said)
        return 1

    def _refresh(self, now: datetime) -> bool:
        """Before a round after the first: the desired state as of ``now`` (the clock: an
        ``until:`` that passes during the watch ends that access, as an apply run then
        would), loaded again when its files changed (True; said). Files
        that no longer load stop the watch (``DesiredStateError``, exit 1): a watch never
        applies a desired state older than the files, nor undoes another apply of them."""
        session, app = self.session, self.session.app
        where = shown(str(app.desired_dir))
        app.now = now  # the clock's (apply takes no --now)
        session.desired = as_of(session.desired, now)
        try:
            changed = session.reload()
        except DesiredStateError:
            self.say(
                f"Error: the desired-state files in {where} changed and no longer load; {STOPPED}:"
            )
            raise
        if changed:
            self.say(f"The desired-state files in {where} changed: reloaded.")
        return changed

    def end(self, stopped: Stop) -> int:
        """Say why the watch stopped (every meeting ended, or --until; a refused round
        says its own lines: ``_refused``); 0, or 1 when it is incomplete: a change of any
        round not made (even one a later round made), the last round's reading failed or
        its plan was refused (``incomplete``)."""
        if stopped == "ended":
            self.say("Every meeting in scope has ended: nothing left to watch.")
        elif stopped == "until":
            self.say("Watch stopped: --until reached.")
        else:
            raise AssertionError(f"a {stopped} round stops in _refused, not here")
        return self.end_idle()

    def end_idle(self) -> int:
        """0, or 1 (said) when the rounds so far left it incomplete (``end``)."""
        why = incomplete(self.totals)
        if why is not None:
            self.say(why)
            return 1
        return 0

    def _stop_unheard(self, partial: Round) -> NoReturn:
        """The round ``partial`` stopped because its output was closed: counted (and in
        the --out file), then the watch stops (``run``)."""
        interrupt.STOP.clear()  # set by ``_tell``: this watch's own stop, not a Ctrl-C's
        self.totals.add(partial)
        with contextlib.suppress(OSError):  # a closed output, or a full disk under it
            self.report(partial)
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    def _tell(self, text: str) -> None:
        """``say``, from the applier's threads: a closed output stops new calls at once,
        as a Ctrl-C does (``interrupt.STOP``); the calls in flight finish."""
        try:
            self.say(text)
        except BrokenPipeError:
            self.unheard = True
            interrupt.STOP.set()
        except OSError as exc:  # a full disk under stdout: the same stop
            reason = output_failure_of(exc)
            self.failure = reason
            self.unheard = True
            interrupt.STOP.set()

    def _apply(self, plan: Plan, ledger: Ledger) -> ApplyResult:
        twins = plan_twins(plan)  # two bots of one name: each by its id, as the plan
        self.twins |= twins  # ... and so in the lists a stop (``_closed``, ``QuitNow``) says

        def done(r: ChangeResult) -> None:
            ledger.record(r)  # what a second interrupt reports (``QuitNow``)
            where = f"{r.change.kind.words.noun} {r.change.target.name}"
            line = change_line(r.change, of_change(twins, r.change)).plain
            if r.ok:
                self._tell(f"{where}:{line}{already_note(r)}")
            elif r.error_code == interrupt.NOT_STARTED:  # a Ctrl-C (or SIGTERM) came first
                absent = f" ({ABSENT_NOW})" if r.left_absent else ""
                self._tell(f"{where}: not applied:{line}{absent}")
            elif r.outcome == "skipped":  # not attempted: an elevated add failed first
                verdict, why = _verdict(r.error_message or "")
                self._tell(f"{where}: {verdict}:{line}: {why}")
            else:
                self._tell(f"{where}: failed:{failure_line(r, twins)[3:]}")

        kinds = sorted({t.key.kind for t in plan.targets})
        return run_apply(
            plan,
            {k: ledger.writer(self.session.provider(k)) for k in kinds},
            parallelism=self.session.app.parallelism,
            progress=done,
            safety=self.session.desired.safety_for,
        )

    def say(self, text: str) -> None:
        stamp = self.clock().strftime("%H:%M:%S")
        self.out.print(f"[{stamp}] {text}", markup=False, highlight=False)


def _verdict(message: str) -> tuple[str, str]:
    """``("not attempted", "adding a presenter ... failed first")`` from a skipped
    change's message: the watch says the verdict before the change, as it says ``not
    applied:`` and ``failed:`` (reread-33)."""
    head, sep, why = message.partition(": ")
    if sep and head in ("not attempted", "not applied"):
        return head, why
    return "not attempted", message


def _ending_nouns() -> str:
    """``meeting``: the nouns of the kinds that end on their own, joined by "or"."""
    return " or ".join(k.words.noun for k in all_kinds() if k.ends)


def interval_option(f: Callable[..., object]) -> Callable[..., object]:
    f = click.option(
        "--until",
        metavar="WHEN",
        help="With --watch: stop after this long (90s, 30m, 2h), at this time (with a "
        "zone: 2026-12-01T18:00:00Z) or at the end of this day in UTC (2026-12-01).  "
        "[default: 24h]",
    )(f)
    f = click.option(
        "--interval",
        type=FiniteFloatRange(min=0.1),
        metavar="SECONDS",
        help="With --watch: seconds between rounds.  [default: 10]",
    )(f)
    return click.option(
        "--watch",
        is_flag=True,
        help="Keep reconciling the meetings in scope until they end (or --until, or "
        "Ctrl-C), printing each change as it is made.",
    )(f)
