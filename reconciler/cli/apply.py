"""`chime-reconciler apply`: plan (or load a saved plan), confirm, apply, verify; report
every change's outcome (text, or JSON with --format json / --out RESULT.json)."""

from __future__ import annotations

import contextlib
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from reconciler import atomic_file, interrupt
from reconciler.apply_result import ApplyResult, left_out
from reconciler.cli.apply_stops import stderr_lines
from reconciler.cli.confirm_clock import check_still_due
from reconciler.cli.confirm_live import check_unchanged
from reconciler.cli.context import AppContext, is_a_terminal, pass_app
from reconciler.cli.execute import (
    VERIFY_INTERRUPTED,
    Applied,
    ApplyInterrupted,
    run_changes,
    verify,
)
from reconciler.cli.moment import refuse_for_apply
from reconciler.cli.options import (
    allow_unsafe_option,
    shard_from,
    shard_option,
    target_option,
    text_or_json_option,
    verbose_option,
)
from reconciler.cli.out_file import check_outside_desired
from reconciler.cli.pipeline import Session
from reconciler.cli.reading_phase import NOTHING_APPLIED, reading
from reconciler.cli.saved_plan import load_fresh, use_origin
from reconciler.cli.stderr_lines import say_on_stderr
from reconciler.cli.system_path import SystemPath
from reconciler.cli.watch import DEFAULT_INTERVAL, Watch, interval_option, parse_until
from reconciler.cli.watch_output import WatchOutput
from reconciler.closed_output import (
    OutputClosed,
    OutputFailed,
    mute_stdout,
    output_failure_of,
    stdout_closed_at_start,
)
from reconciler.errors import ReconcilerError, UsageError
from reconciler.plan import Plan
from reconciler.planfile import load_plan
from reconciler.prose import counted
from reconciler.render import render_plan
from reconciler.render.apply import (
    NOT_VERIFIED,
    STOPPED_BY_CLOSED_OUTPUT,
    STOPPED_BY_FAILED_OUTPUT,
    STOPPED_BY_INTERRUPT,
    Checked,
    Timings,
    render_apply,
    render_apply_json,
    render_unmade,
)
from reconciler.render.limits import override, refused_by
from reconciler.render.twin_bots import Twins, plan_twins
from reconciler.runner import began
from reconciler.shard import Shard

PROMPT = "Do you want to perform these actions? Only 'yes' will be accepted:"
# a watch whose first round has nothing to change asks all the same: its later rounds
# apply without asking, on the strength of this answer (Q-GI-10)
WATCH_PROMPT = (
    "Keep the watch going, applying each later round's changes without asking? "
    "Only 'yes' will be accepted:"
)
# ... and of a first round with changes: the answer licenses the later rounds too
WATCH_CHANGES_PROMPT = (
    "Do you want to perform these actions and keep the watch going, applying each later "
    "round's changes without asking? Only 'yes' will be accepted:"
)
NOTHING_APPLIED_CLOSED = "apply stopped before applying anything: nothing was applied."
# a signal once the changes were made and verified, while apply said its outcome
SAYING_INTERRUPTED = "Interrupted while apply said its outcome, once its calls were done:"
WATCH_INTERRUPTED = (
    "Interrupted: the watch stopped; run plan to see what is left (the changes it made are "
    "listed above)."
)


class VerificationFailed(ReconcilerError):
    """The re-read after the writes failed (Chime unreachable or failing): the changes
    listed were applied as listed, but not checked; exit 1."""

    def __init__(self, cause: ReconcilerError) -> None:
        super().__init__(
            f"could not verify the apply: {cause}. The changes listed above were applied as "
            "listed; run plan to see the live state."
        )


class PlanErrorsError(ReconcilerError):
    """The plan could not be made whole (unknown members, missing rooms): never applied."""

    @classmethod
    def counting(cls, n: int, refusals: int = 0) -> PlanErrorsError:
        """``refusals``: the safety rules that refuse it too, counted apart (Q-GK-5)."""
        refused = f" and {refused_by(refusals)}" if refusals else ""
        unsafe = f"; {override()}" if refusals else ""
        return cls(
            f"Nothing was applied: the plan has {counted(n, 'error')}{refused} (above). "
            f"Fix {'them' if n > 1 else 'it'} and run apply again{unsafe}."
        )


class PlanRefusedError(ReconcilerError):
    """The plan breaks the safety rules and --allow-unsafe was not given: never applied.
    Said on stderr as the errors' case is (Q-GB-2: exit 1 with nothing said there)."""

    @classmethod
    def counting(cls, n: int) -> PlanRefusedError:
        return cls(f"Nothing was applied: the plan {refused_by(n)} (above): {override()}.")


@click.command()
@click.argument("plan_file", required=False, type=SystemPath(path_type=Path))
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@text_or_json_option(
    "json: stdout is the result document only (the plan goes to stderr); with --watch, "
    "one line per round."
)
@click.option(
    "--out",
    "result_file",
    type=SystemPath(dir_okay=False, path_type=Path),
    metavar="RESULT.json",
    help="Also write the JSON result (every change's outcome, summary, timings) here; with "
    "--watch, the whole watch so far, written again after each round.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only the outcome, not the plan (for CI logs; a confirmation still shows it).",
)
@target_option
@shard_option
@allow_unsafe_option
@interval_option
@verbose_option
@pass_app
def apply(
    app: AppContext,
    plan_file: Path | None,
    auto_approve: bool,
    fmt: str,
    result_file: Path | None,
    quiet: bool,
    targets: tuple[str, ...],
    shard_text: str | None,
    allow_unsafe: bool,
    watch: bool,
    interval: float | None,
    until: str | None,
) -> None:
    """Make Chime match the desired state.

    Without PLAN_FILE: plans, prints the plan and asks for confirmation (only 'yes'
    proceeds) unless --auto-approve. With no terminal on stdin, --auto-approve is
    required. After 'yes', the targets the plan changes are read again: if they moved
    on while the question waited, nothing is applied (run apply again).

    With PLAN_FILE (from `plan --out`): applies exactly that plan without asking, after
    checking that neither the desired-state files nor the live memberships of the
    targets it changes have moved on since it was made (a stale plan is refused); a plan
    with errors is refused before any call. The plan file names the --desired directory,
    --endpoint-url and --region it was made with; apply uses them unless given.

    apply evaluates `until:` at the current time: it refuses --now (and
    CHIME_RECONCILER_NOW), and a saved plan made with a --now whose expiries call for
    other changes than the clock's (preview with `plan --now WHEN`).

    After applying, the changed targets are read again and compared with the plan. Every
    change's outcome (ok; already: a member already there, or already gone; failed, with
    its AWS code and message; skipped) is in the JSON result (--format json, --out
    RESULT.json), with a summary and timings.

    \b
    Examples:
      chime-reconciler apply
      chime-reconciler apply --auto-approve --quiet   # CI on merge to main
      chime-reconciler apply --auto-approve --out result.json
      chime-reconciler apply plan.json --format json > result.json
      chime-reconciler plan --out plan.json && chime-reconciler apply plan.json
      chime-reconciler apply --watch --interval 15 --until 2h  # lock a meeting
      chime-reconciler apply --watch --auto-approve --format json --out watch.json
      chime-reconciler apply --shard 2/3 --auto-approve   # only shard 2's targets

    With --shard K/N, only the targets of that shard are read, planned and changed (see
    `plan --shard`); a saved plan made with --shard applies to its own shard.

    With --watch, the meetings in scope are reconciled every --interval seconds until
    they end, --until passes or Ctrl-C (exit 130); each change is printed as it is made.
    It exits 0 when every change of every round was made, 1 when one was not (even if a
    later round made it) or the last round could not read the meetings. The first round
    is confirmed as above; later ones are not. --format json makes stdout one JSON
    result per round, one a line (the rest goes to stderr); --out RESULT.json holds the
    whole watch so far, replaced whole after each round. A first round with nothing to
    change asks all the same (later rounds may change Chime).

    Exit codes: 0 applied (or nothing to do); 1 error, refused, stale, or some changes
    failed (each is listed; running apply again converges, but for adds to a full
    target: to one full of members no file declares, which plan warns of, they fail
    until it prunes, some leave, or fewer are declared; to one whose last presenter (a
    room's administrator) that stays is replaced, some fail, and a second apply may
    complete it or not (plan says which): if not, make a place first or
    let another member keep that role meanwhile), or a saved plan's changes to a
    meeting that has ended since were left out (listed as not applied; the rest is
    applied); 130 interrupted; 141 the output was closed
    (| head): it stopped as at Ctrl-C, and says on stderr what it did.
    """
    ctx = click.get_current_context()
    started = time.monotonic()
    out = app.console()
    shown = app.console(stderr=True) if fmt == "json" else out  # where the plan goes
    if not watch and (interval is not None or until is not None):
        raise UsageError("--interval and --until go with --watch")
    if watch and plan_file is not None:
        raise UsageError("--watch plans every round: it cannot apply a saved plan")
    if "now" in app.explicit:  # applies what the clock calls for, never ends access early
        raise refuse_for_apply(app.now, app.now_from_env is not None, datetime.now(UTC))
    shard = shard_from(shard_text, targets)
    if result_file is not None:
        _check_writable(result_file, "watch" if watch else "apply")  # before any call
        check_outside_desired(result_file, app.desired_dir, "the result")
    began("apply")  # from here on apply says what a Ctrl-C left undone
    if watch:
        output = WatchOutput(fmt == "json", result_file)
        flags = (auto_approve, allow_unsafe, quiet)
        ctx.exit(_watch(app, targets, interval, until, flags, shard, output))
    made_at: datetime | None = None  # the --now a saved plan was made with
    saved: Plan | None = None  # the saved plan, read before anything else
    if plan_file is not None:
        if targets or shard:
            raise UsageError(_not_with_a_saved_plan(plan_file, targets, shard_text))
        saved = load_plan(plan_file)  # its own errors, not the desired state's (Q-I-2)
        made_at = use_origin(app, plan_file)
        if result_file is not None:  # the desired state is now the plan's (Q-HI-1)
            check_outside_desired(result_file, app.desired_dir, "the result")
    try:  # a Ctrl-C before the first change: nothing applied, exit 130
        # a saved plan is read by its ids (``load_fresh``): nothing to read ahead
        # and as the bearers of the shard it was planned in, as that shard's jobs call
        bearers_of = saved.shard if saved is not None else None
        session = Session.open(
            app, shard, read_ahead=None if plan_file else targets, bearers_of=bearers_of
        )
        # Ctrl-C while planning: nothing applied, exit 130
        with reading():
            if plan_file is not None and saved is not None:
                plan = load_fresh(session, saved, plan_file, made_at)
            else:
                plan = session.plan(targets)
        asks = plan_file is None and not auto_approve
        shows = not quiet or asks

        def show() -> None:
            render_plan(
                plan, "text", verbose=app.verbose > 0, console=shown, allow_unsafe=allow_unsafe
            )

        # Nobody waits to read the plan (no question, no progress bar, no -vv lines on
        # stderr): it is written while it is applied (writing thousands of changes takes
        # about as long as hundreds of calls).
        proceeds = plan.has_changes and not plan.errors and (allow_unsafe or not plan.violations)
        meanwhile = shows and proceeds and not asks and not session.progress.enabled
        meanwhile = meanwhile and app.verbose < 2
        # a stdout closed from the start (``>&-``) fails the plan's first write: found
        # before any change is made, not while the first calls are under way (Q-X-1)
        meanwhile = meanwhile and not stdout_closed_at_start()
        if shows and not meanwhile:
            show()
        # --quiet: errors, refusals and overrides still show in a CI log; the plan in a
        # file (apply > apply.log): what stops it is said on stderr too (Q-GK-2)
        said = stderr_lines(plan, allow_unsafe=allow_unsafe, shown=shows, on_stdout=fmt != "json")
        for line in said:
            click.echo(line, err=True)
        if plan.errors:
            raise PlanErrorsError.counting(
                len(plan.errors), 0 if allow_unsafe else len(plan.violations)
            )
        if plan.violations and not allow_unsafe:
            raise PlanRefusedError.counting(len(plan.violations))
        planned = time.monotonic() - started
        if plan.has_changes and asks:
            _confirm(err=fmt == "json")
            check_still_due(session, plan)  # no until: passed while it waited (Q-K-3)
            _unchanged_since_asked(session, plan)  # nor did its targets move on (Q-CG-1)
        interrupt.raise_if_pressed()  # one swallowed on its way is not lost either
    except KeyboardInterrupt:
        raise ApplyInterrupted(NOTHING_APPLIED) from None
    except BrokenPipeError:  # the plan's reader ended (`| head`) before anything changed
        raise OutputClosed(NOTHING_APPLIED_CLOSED) from None
    except OSError as exc:  # a full disk under stdout, before anything changed
        reason = output_failure_of(exc)
        raise OutputFailed(reason, NOTHING_APPLIED_CLOSED) from None

    # a saved plan's changes to targets that ended since (a meeting): not applied (Q-CH-1)
    left = left_out(plan.left_out)
    acted = plan.has_changes or bool(left)  # what the closing lines report on

    def write_stopped(applied: Applied, cause: str) -> None:
        """Stopped part-way: the result of what was done, all the same (``complete``
        false, the changes not started ``skipped``)."""
        timings = Timings(planned, applied.seconds)
        done = ApplyResult(applied.result.results + left)
        document = render_apply_json(done, verified=None, timings=timings, stopped=cause)
        if fmt == "json" and cause not in (STOPPED_BY_CLOSED_OUTPUT, STOPPED_BY_FAILED_OUTPUT):
            with contextlib.suppress(BrokenPipeError):
                click.echo(document, nl=False)
        if result_file is not None:
            try:
                _write(result_file, document)
            except UsageError as exc:  # said; the stop's own error and exit code follow
                click.echo(f"Error: {exc}", err=True)

    twins = plan_twins(plan)  # two bots of one name: each by its id, as the plan names them
    if plan.has_changes:
        applied = run_changes(
            session,
            plan,
            show if meanwhile else None,
            twins=twins,
            stopped=write_stopped,
            err=fmt == "json",
        )
    else:
        applied = Applied(ApplyResult(()))
    result = ApplyResult(applied.result.results + left)
    unwritten = False  # the output was closed after the changes: --out goes on
    failure: str | None = None  # or could not be written (a full disk): the same

    def close(checked: Checked) -> None:
        """The closing lines, once verified: they say what the JSON result's
        ``complete`` says (Q-AH-3)."""
        nonlocal unwritten, failure
        if not acted and shows:  # --quiet with nothing to change: its outcome
            return
        closing = shown if fmt == "json" else out
        try:
            if acted and (not quiet or asks):
                closing.print()
            lines = render_apply(result, checked, twins=twins) if acted else [plan.summary_line()]
            for line in lines:
                closing.print(line, highlight=False, markup=False)
        except BrokenPipeError:
            unwritten = True
            mute_stdout()
        except OSError as exc:
            failure = output_failure_of(exc)
            unwritten = True
            mute_stdout()

    verify_started = time.monotonic()
    unread: ReconcilerError | None = None  # the re-read failed: the result is written all the same
    try:
        verified = verify(session, plan, applied, twins)
    except KeyboardInterrupt:  # the changes were made: the closing lines count them
        close(NOT_VERIFIED)
        write_stopped(applied, STOPPED_BY_INTERRUPT)
        raise ApplyInterrupted(VERIFY_INTERRUPTED) from None
    except ReconcilerError as exc:  # Chime unreachable or failing after the writes
        verified, unread = None, exc
    checked = NOT_VERIFIED if unread is not None else Checked.of(verified)
    timings = Timings(planned, applied.seconds, time.monotonic() - verify_started)
    document = render_apply_json(result, verified=verified, timings=timings, verify_error=unread)
    outcome = render_apply(result, checked, twins=twins)[-1] if acted else "nothing to apply."
    interrupted = f"{SAYING_INTERRUPTED} {outcome}"
    unwritable: UsageError | None = None  # the --out file could not be written
    # a signal from here on lets the outcome be said and written whole, then exit 130
    # (QA-GH Q-GH-3); the --out result first, the file CI reads after a cancel
    with interrupt.saying(lambda: interrupted):
        if result_file is not None:
            try:
                _write(result_file, document)
            except UsageError as exc:  # raised once the outcome is said, as before
                unwritable = exc
        close(checked)
        if fmt == "json" and not unwritten:
            try:
                click.echo(document, nl=False)
            except BrokenPipeError:
                unwritten = True
                mute_stdout()
            except OSError as exc:
                failure = output_failure_of(exc)
                unwritten = True
                mute_stdout()
        if unwritable is not None and not interrupt.pressed():
            raise unwritable
        if unwritable is not None:  # said; the interrupt's own error and exit 130 follow
            with contextlib.suppress(OSError):
                click.echo(f"Error: {unwritable}", err=True)
        if unwritten and fmt != "json":  # the changes not made, named where they are read
            _say_unmade(result, checked, twins, plan_shown=shows)
    if unread is not None and (unwritten or interrupt.pressed()):  # before the own error
        with contextlib.suppress(OSError):
            click.echo(f"Error: {VerificationFailed(unread)}", err=True)
    elif unread is not None:
        raise VerificationFailed(unread)
    if interrupt.pressed():
        raise ApplyInterrupted(interrupted)
    if unwritten:
        if failure is not None:
            raise OutputFailed(failure, f"apply's result was not all written. {outcome}")
        raise OutputClosed(f"apply's result was not all written. {outcome}")
    if not result.ok or verified:
        ctx.exit(1)


def _not_with_a_saved_plan(
    plan_file: Path, targets: tuple[str, ...], shard_text: str | None
) -> str:
    """``--target`` (``--shard``) with a saved plan, which is applied as it was planned:
    what to run instead, with the options as typed (QA-FK Q-FK-6: "plan again")."""
    if targets:
        option, words = "--target", [w for t in targets for w in ("--target", t)]
    else:
        option, words = "--shard", ["--shard", shard_text or ""]
    given = shlex.join(words)
    return (
        f"{option} cannot be combined with a saved plan, which applies exactly what it "
        f"planned: run `apply {given}` without {shlex.quote(str(plan_file))}, or `plan "
        f"{given} --out FILE` and then `apply FILE`"
    )


def _watch(
    app: AppContext,
    targets: tuple[str, ...],
    interval: float | None,
    until: str | None,
    flags: tuple[bool, bool, bool],
    shard: Shard | None,
    output: WatchOutput,
) -> int:
    """``apply --watch``: rounds until the meetings in scope end (``reconciler.cli.watch``);
    ``output``: the JSON lines (--format json: the plan and the watch's lines go to
    stderr) and the --out file (``reconciler.cli.watch_output``)."""
    auto_approve, allow_unsafe, quiet = flags
    deadline = parse_until(until, datetime.now(UTC))
    out = app.console(stderr=output.json_lines)

    def first_round(plan: Plan) -> bool:
        asks = not auto_approve  # nothing to change now: later rounds may (Q-GI-10)
        if not quiet or asks:
            render_plan(
                plan, "text", verbose=app.verbose > 0, console=out, allow_unsafe=allow_unsafe
            )
        # as apply --quiet: what stops it (or was overridden) still shows (Q-GK-2)
        on_stdout = not output.json_lines
        said = stderr_lines(
            plan, allow_unsafe=allow_unsafe, shown=not quiet or asks, on_stdout=on_stdout
        )
        for line in said:
            click.echo(line, err=True)
        if plan.errors:
            raise PlanErrorsError.counting(
                len(plan.errors), 0 if allow_unsafe else len(plan.violations)
            )
        if plan.violations and not allow_unsafe:
            raise PlanRefusedError.counting(len(plan.violations))
        if asks and not plan.has_changes:
            _confirm(err=output.json_lines, prompt=WATCH_PROMPT, watch=True)
        elif asks:
            _confirm(err=output.json_lines, prompt=WATCH_CHANGES_PROMPT, watch=True)
            check_still_due(session, plan)  # no until: passed while it waited (Q-K-3)
            check_unchanged(session, plan)  # nor did its targets move on (Q-CG-1)
        return True

    runner: Watch | None = None
    try:  # SIGINT stops it even when it started ignored (a script's background job)
        with interrupt.heard():
            session = Session.open(app, shard)
            every = DEFAULT_INTERVAL if interval is None else interval
            runner = Watch(
                session,
                targets,
                every,
                deadline,
                out,
                allow_unsafe,
                report=output,
                report_idle=output.idle,
                totals=output.totals,  # one count of the rounds: the exit code's, --out's
            )
            code = runner.run(first_round)
    except KeyboardInterrupt:  # each change made was printed as it was made
        if runner is None or not runner.totals.results:  # while round 1 read (Q-DU-1)
            raise ApplyInterrupted(NOTHING_APPLIED) from None
        raise ApplyInterrupted(WATCH_INTERRUPTED) from None
    if code == 0:
        output.check()
    return code


def _unchanged_since_asked(session: Session, plan: Plan) -> None:
    """``check_unchanged`` after the question; a Ctrl-C while it reads: nothing applied,
    exit 130, as while planning."""
    with reading():
        check_unchanged(session, plan)


def _say_unmade(result: ApplyResult, checked: Checked, twins: Twins, plan_shown: bool) -> None:
    """The output (stdout) was closed or could not be written once the changes were made:
    the changes that failed and those not attempted, each with why, on stderr, before the
    error's closing line counts them (QA-GA Q-GA-3: only the count was said); with no plan
    written before them (--quiet), what was applied as well."""
    unmade = render_unmade(result, twins)
    say_on_stderr(unmade if plan_shown else render_apply(result, checked, twins=twins)[:-1])


def _check_writable(path: Path, what: str) -> None:
    """``what``: ``apply``, or ``watch`` (as the watch's later errors name its file)."""
    reason = atomic_file.problem(path)
    if reason is not None:
        raise UsageError(f"cannot write the {what} result to {path}: {reason}; nothing was applied")


def _write(path: Path, document: str) -> None:
    try:
        atomic_file.write_atomically(path, document)
    except OSError as exc:
        raise UsageError(
            f"cannot write the apply result to {path}: {exc.strerror or exc}"
        ) from None


def _confirm(*, err: bool = False, prompt: str = PROMPT, watch: bool = False) -> None:
    """``watch``: a watch, which cannot apply a saved plan, is told only of --auto-approve
    (Q-GI-8)."""
    if not is_a_terminal(sys.stdin):  # closed (`<&-`: None) too (Q-CZ-10)
        if watch:
            raise UsageError(
                "apply --watch needs confirmation but stdin is not a terminal; "
                "run with --auto-approve"
            )
        raise UsageError(
            "apply needs confirmation but stdin is not a terminal; "
            "run with --auto-approve, or apply a saved plan file"
        )
    try:
        click.echo(err=err)
        click.echo(f"{prompt} ", nl=False, err=err)
        answer = sys.stdin.readline()
    except KeyboardInterrupt:  # Ctrl-C at the question: as before the plan was made
        click.echo(err=err)
        raise ApplyInterrupted(NOTHING_APPLIED) from None
    if not answer.endswith("\n"):  # end of input (Ctrl-D): a "no", not an interruption
        click.echo(err=err)
    if answer.strip() != "yes":
        click.echo("Apply cancelled.", err=err)
        click.get_current_context().exit(1)


COMMANDS = [apply]
