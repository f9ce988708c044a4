"""The top-level error handler every entry point shares (pre-commit style): a known error
prints its message and exits with its code; an unexpected one says it is a bug (and with
-vv prints its traceback), redacted as every message is; Ctrl-C exits 130.

Ctrl-C or SIGTERM during a command other than ``apply`` (whose own is in
``reconciler.cli.execute``) is said plainly, as ``apply`` says its own:

    Error: Interrupted before plan finished: nothing in Chime was changed (plan only reads it).

Each command's callback is wrapped with ``on_interrupt(command, unchanged)``, naming what
the interrupted command did not change; those that only read from Chime (``plan``,
``audit``, ``explain``, ``import``) with ``reads_only(command)``. ``emulator`` has its
own: Ctrl-C is how it stops (exit 0). SIGTERM is a Ctrl-C outside ``apply``'s handlers
(``interrupt.record_presses``), so both arrive as a ``KeyboardInterrupt``; the reads
under way stop where they stand (``reconciler.parallel``) before it gets here. A Ctrl-C
whose ``KeyboardInterrupt`` was swallowed on its way (``interrupt.PRESSED``) is raised
again when the callback returns: the same line, exit 130. Without this, click turns it
into its generic "Aborted.".

A Ctrl-C before any command's callback began (click reading the command line, the
command's module loading) says ``Interrupted while starting: nothing was changed.``, as
one while the command line itself loads does (``reconciler.cli``); for ``emulator``,
which it stopped before it served, ``reconciler.early_stop.STOPPED_EARLY``, exit 0."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import NoReturn, ParamSpec, TypeVar

import click

from reconciler.early_stop import STOPPED_EARLY, serves
from reconciler.errors import DesiredStateError, ReconcilerError
from reconciler.interrupt import EXIT_INTERRUPTED, STARTING, raise_if_pressed, record_presses
from reconciler.os_text import message_text
from reconciler.prose import counted
from reconciler.redact import redact

EXIT_USAGE = 1  # a bad command line: exit 1 as Terraform does, from every entry point
P = ParamSpec("P")
R = TypeVar("R")
_begun: list[str] = []  # the commands whose callback began (``began``), in this process


class Interrupted(ReconcilerError):
    """Ctrl-C or SIGTERM: the message says what was not changed; exit 130."""

    exit_code = EXIT_INTERRUPTED


def interrupted_message(command: str, unchanged: str) -> str:
    """``Interrupted before show finished: nothing was changed (show only reads the plan
    file).``"""
    return f"Interrupted before {command} finished: {unchanged}."


def on_interrupt(command: str, unchanged: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A command callback whose interruption says so (``Interrupted``), with ``unchanged``:
    what the command did not change. The callback keeps it as ``on_interrupt``."""

    def wrap(callback: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(callback)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            began(command)
            try:
                raise_if_pressed()
                done = callback(*args, **kwargs)
                raise_if_pressed()  # a Ctrl-C swallowed meanwhile is not lost
                return done
            except KeyboardInterrupt:
                raise Interrupted(interrupted_message(command, unchanged)) from None

        run.on_interrupt = unchanged  # type: ignore[attr-defined]
        return run

    return wrap


def began(command: str) -> None:
    """Say that ``command``'s callback began: from now on it answers a Ctrl-C itself."""
    _begun.append(command)


def interrupted_while_starting(args: Sequence[str] | None = None) -> NoReturn:
    """A Ctrl-C before any command began (or after its callback ended): one line, 130;
    ``emulator`` (``args``, else the process's) stopped before it served: one line, 0."""
    if not _begun and serves(sys.argv[1:] if args is None else args):
        click.echo(STOPPED_EARLY, err=True)
        sys.exit(0)
    click.echo(STARTING if not _begun else "Interrupted.", err=True)
    sys.exit(EXIT_INTERRUPTED)


def reads_only(command: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``on_interrupt`` for a command that only reads from Chime: ``nothing in Chime was
    changed (plan only reads it)``."""
    return on_interrupt(command, f"nothing in Chime was changed ({command} only reads it)")


def report_error(exc: ReconcilerError) -> None:
    """The error on stderr: ``Error: ...`` lines, or the located lines `validate` prints."""
    from reconciler.render.safe import shown  # here: the renderers are not a plan's start

    # a path in an error is named as typed, not in the system's form of it (a C locale's
    # lone surrogates: ``n\udcc3\udcb6.json``), wherever the message was made (QA-HK Q-HK-1)
    if isinstance(exc, DesiredStateError):
        for problem in exc.problems:
            click.echo(shown(message_text(str(problem))), err=True)
        n = len(exc.problems) + len(exc.said)
        click.echo(f"Desired state is invalid: {counted(n, 'error')}.", err=True)
        return
    for line in str(exc).splitlines() or [type(exc).__name__]:
        click.echo(f"Error: {shown(redact(message_text(line)))}", err=True)


def report_bug(exc: BaseException, *, traceback_too: bool) -> None:
    """``Internal error (this is a bug in chime-reconciler, please report it): ValueError:
    ...`` on stderr, then (``traceback_too``: -vv) its traceback as Python prints it. Both
    redacted, line by line: an unexpected exception's message may quote anything, an
    endpoint URL with its password or a credential among them; and with control
    characters as visible escapes (``shown``), as every ``Error:`` line, so that what a
    hostile endpoint answered cannot drive the terminal."""
    from reconciler.render.safe import shown  # (as report_error)

    message = f"{type(exc).__name__}: {exc}"
    prefix = "Internal error (this is a bug in chime-reconciler, please report it): "
    click.echo(shown(redact(prefix + message)), err=True)
    if traceback_too:
        for line in "".join(traceback.format_exception(exc)).splitlines():
            click.echo(shown(redact(line)), err=True)


def verbosity(args: Sequence[str]) -> int:
    """How many times ``-v`` was given, however it was written (``-vv``, ``-v -v``,
    ``-vvv``, ``--verbose --verbose``), up to a ``--``: the internal error's traceback is
    shown from 2 on, as the other -vv detail is."""
    count = 0
    for arg in args:
        if arg == "--":
            break
        if arg == "--verbose":
            count += 1
        elif len(arg) > 1 and arg[0] == "-" and set(arg[1:]) == {"v"}:
            count += len(arg) - 1
    return count


def run(
    group: click.Group, args: Sequence[str] | None = None, prog_name: str | None = None
) -> NoReturn:
    """Run a click group and exit with its code; no traceback for anything a user did."""
    try:
        record_presses()  # SIGTERM (CI's cancel) is a Ctrl-C; neither is ever lost
        code = group.main(args=args, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Abort:  # a Ctrl-C before a command started (click's "Aborted.")
        interrupted_while_starting(args)
    except click.UsageError as exc:  # as the main CLI: 2 means drift, never a bad option
        exc.show()
        sys.exit(EXIT_USAGE)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ReconcilerError as exc:
        report_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        interrupted_while_starting(args)
    except Exception as exc:  # the last line of defence
        report_bug(exc, traceback_too=verbosity(sys.argv[1:] if args is None else args) >= 2)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
