"""Root click group, global options, and the top-level error handler (pre-commit style):
a known error prints its message and exits 1; an unexpected one says it is a bug; Ctrl-C
exits 130."""

from __future__ import annotations

import sys
from typing import Any

import click

from reconciler import __version__
from reconciler.cli.context import AppContext
from reconciler.errors import DesiredStateError, ReconcilerError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class ReconcilerGroup(click.Group):
    """Turns the project's own errors into a message on stderr and their exit code, so that
    the command line and click's test runner behave alike."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReconcilerError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)


def report_error(exc: ReconcilerError) -> None:
    if isinstance(exc, DesiredStateError):  # the same lines `validate` prints
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        n = len(exc.problems)
        click.echo(f"Desired state is invalid: {n} error{'' if n == 1 else 's'}.", err=True)
        return
    lines = str(exc).splitlines() or [type(exc).__name__]
    for line in lines:
        click.echo(f"Error: {line}", err=True)


@click.group(cls=ReconcilerGroup, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--desired",
    "desired_dir",
    default="desired-state",
    show_default=True,
    envvar="CHIME_RECONCILER_DESIRED",
    type=click.Path(file_okay=False),
    help="Directory of desired-state YAML files.",
)
@click.option(
    "--endpoint-url",
    envvar="CHIME_RECONCILER_ENDPOINT_URL",
    help="Send every AWS call here (the emulator, or a compatible endpoint). "
    "Env: CHIME_RECONCILER_ENDPOINT_URL.",
)
@click.option("--profile", envvar="AWS_PROFILE", help="AWS profile to use.")
@click.option("--region", default="us-east-1", show_default=True, help="AWS region.")
@click.option(
    "--parallelism",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Targets read and applied at once.",
)
@click.option("--no-color", is_flag=True, help="Never colour output (also: NO_COLOR env).")
@click.option("-v", "--verbose", count=True, help="More detail: provenance, API calls (-vv).")
@click.version_option(__version__, prog_name="chime-reconciler")
@click.pass_context
def cli(ctx: click.Context, /, **options: Any) -> None:
    """GitOps for Amazon Chime memberships.

    YAML files under --desired declare each room's members and roles. `plan` reads the
    live memberships and shows the difference; `apply` makes Chime match.

    \b
    Typical session:
      chime-reconciler validate             # offline checks of the YAML
      chime-reconciler plan                 # what would change
      chime-reconciler apply                # show the plan, ask, apply
      chime-reconciler demo                 # all of it against a local emulator

    Exit codes: 0 success; 1 error or refused; 2 changes present (plan
    --detailed-exitcode only).
    """
    ctx.obj = AppContext.from_options(**options)


def _register() -> None:
    # Each command module adds itself to `cli`; imported here so that a broken optional
    # command cannot stop the others from loading during development.
    from reconciler.cli import commands

    commands.register(cli)


_register()


def main() -> None:
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
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
        sys.exit(130)
    except Exception as exc:  # the last line of defence
        click.echo(
            f"Internal error (this is a bug in chime-reconciler, please report it): "
            f"{type(exc).__name__}: {exc}",
            err=True,
        )
        if "-vv" in sys.argv or "--debug" in sys.argv:
            raise
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
