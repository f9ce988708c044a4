"""The top-level error handler every entry point shares (pre-commit style): a known error
prints its message and exits with its code; an unexpected one says it is a bug; Ctrl-C
exits 130."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from reconciler.errors import DesiredStateError, ReconcilerError
from reconciler.interrupt import terminate_as_interrupt
from reconciler.render.safe import shown

EXIT_INTERRUPTED = 130


def report_error(exc: ReconcilerError) -> None:
    """The error on stderr: ``Error: ...`` lines, or the located lines `validate` prints."""
    if isinstance(exc, DesiredStateError):
        for problem in exc.problems:
            click.echo(shown(str(problem)), err=True)
        n = len(exc.problems)
        click.echo(f"Desired state is invalid: {n} error{'' if n == 1 else 's'}.", err=True)
        return
    for line in str(exc).splitlines() or [type(exc).__name__]:
        click.echo(f"Error: {shown(line)}", err=True)


def run(
    group: click.Group, args: Sequence[str] | None = None, prog_name: str | None = None
) -> NoReturn:
    """Run a click group and exit with its code; no traceback for anything a user did."""
    terminate_as_interrupt()  # SIGTERM (CI's cancel) is a Ctrl-C
    try:
        code = group.main(args=args, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ReconcilerError as exc:
        report_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except Exception as exc:  # the last line of defence
        click.echo(
            "Internal error (this is a bug in chime-reconciler, please report it): "
            f"{type(exc).__name__}: {exc}",
            err=True,
        )
        if "-vv" in sys.argv:
            raise
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
