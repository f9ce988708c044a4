"""Root click group, global options, and the top-level error handler (pre-commit style):
a known error prints its message and exits 1; an unexpected one says it is a bug; Ctrl-C
exits 130."""

from __future__ import annotations

import contextlib
from typing import IO, Any, NoReturn

import click
from click.core import ParameterSource

import reconciler.cli.completion_bash  # bash completion inserts one word (Q-W-1)
import reconciler.cli.completion_shells  # bash and zsh completion keep an empty word
import reconciler.timing  # noqa: F401  (its peak-memory line at exit, whatever the command)
from reconciler import __version__
from reconciler.cli import commands
from reconciler.cli.argv import ArgvError, normalise, unknown_command
from reconciler.cli.context import AppContext
from reconciler.cli.given import given_as, option
from reconciler.cli.options import WordedIntRange
from reconciler.cli.system_path import SystemPath
from reconciler.closed_output import (
    EXIT_OUTPUT_CLOSED,
    OutputClosed,
    OutputFailed,
    mute_closed_outputs,
    mute_stdout,
    output_failure_of,
)
from reconciler.errors import ReconcilerError
from reconciler.os_text import texts_of
from reconciler.pacing import QUOTAS
from reconciler.providers.api_process import AUTO_AT, MODES
from reconciler.runner import report_error, run

_TYPED = "reconciler.command_words"  # ``ctx.meta``: the words from the command on
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class CommandLineError(click.UsageError):
    """A bad command line. Exit 1 as Terraform does: 2 means "changes present" only."""

    exit_code = 1


class HelpInstead(CommandLineError):
    """No command (``chime-reconciler``, ``chime-reconciler gitops``): the group's help on
    stderr, as click shows it, without an ``Error:`` line; exit 1, a bad command line (the
    README's Exit codes; Terraform's 127 is a code this tool has not)."""

    def show(self, file: IO[Any] | None = None) -> None:
        color = self.ctx.color if self.ctx is not None else None
        click.echo(self.format_message(), file=file, err=True, color=color)


class ReconcilerGroup(click.Group):
    """Turns the project's own errors into a message on stderr and their exit code, so that
    the command line and click's test runner behave alike. A bad command line exits 1, not
    click's 2: with --detailed-exitcode, 2 must only ever mean "there are changes"."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, normalise(texts_of(args), self, ctx))
        except ArgvError as exc:
            where = None if exc.command is None else _context_of(ctx, exc.command.split())
            raise CommandLineError(exc.format_message(), where) from None
        except click.UsageError as exc:
            if isinstance(exc, click.BadOptionUsage) and exc.ctx is None:
                exc.ctx = ctx  # click's "requires an argument" has no context
            raise _exit_1(exc) from None
        except BrokenPipeError as exc:  # `--help | head -1`
            _output_closed(ctx, exc)
        except OSError as exc:  # `--help > /dev/full`
            _output_failed(ctx, exc)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """As click's, with a suggestion for a misspelt command: ``No such command 'plna'.
        Did you mean 'plan'?``."""
        name = args[0]
        ctx.meta[_TYPED] = list(args)  # the (sub-)command whose usage error it may be
        unknown = self.get_command(ctx, name) is None and not ctx.resilient_parsing
        if unknown and not name.startswith("-"):
            raise CommandLineError(unknown_command(name, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return commands.names()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return commands.load(self, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.BadOptionUsage as exc:  # click's "requires an argument" has no context
            if exc.ctx is None:
                exc.ctx = _context_of(ctx, ctx.meta.get(_TYPED, []))
            raise _exit_1(exc) from None
        except click.UsageError as exc:
            raise _exit_1(exc) from None
        except (OutputClosed, OutputFailed) as exc:  # apply stopped: what it did, on stderr
            mute_stdout()
            with contextlib.suppress(OSError):  # stderr too: nobody to tell
                report_error(exc)
            ctx.exit(exc.exit_code)
        except ReconcilerError as exc:
            report_error(exc)
            ctx.exit(exc.exit_code)
        except BrokenPipeError as exc:
            _output_closed(ctx, exc)
        except OSError as exc:
            _output_failed(ctx, exc)


def _context_of(ctx: click.Context, words: list[str]) -> click.Context:
    """The context of the (sub-)command ``words`` begin with (``plan``, ``gitops drift``),
    for the Usage and Try lines of a usage error; ``ctx`` itself when they name none."""
    command: click.Command = ctx.command
    for word in words:
        sub = command.get_command(ctx, word) if isinstance(command, click.Group) else None
        if sub is None:
            break
        command, ctx = sub, click.Context(sub, info_name=word, parent=ctx)
    return ctx


def _output_failed(ctx: click.Context, exc: OSError) -> NoReturn:
    """stdout could not be written (``> /dev/full``): one line, exit 1; stdout is muted
    so that what is still buffered does not fail again at exit. Any other OSError is
    left as it was."""
    reason = output_failure_of(exc)
    mute_stdout()
    with contextlib.suppress(OSError):  # stderr on the same full disk: nobody to tell
        report_error(OutputFailed(reason))
    ctx.exit(OutputFailed.exit_code)


def _output_closed(ctx: click.Context, exc: BrokenPipeError) -> NoReturn:
    """stdout's reader ended (``| head``), or stderr's (``2>&1 | head``): stop, say
    nothing, exit 141 (as ``git log | head -1`` does; ``reconciler.closed_output``). A
    broken pipe that is neither's (none of the tool's own: botocore wraps its sockets'
    errors) is left as it was."""
    if not mute_closed_outputs():
        raise exc
    ctx.exit(EXIT_OUTPUT_CLOSED)


def _exit_1(exc: click.UsageError) -> click.UsageError:
    if isinstance(exc, CommandLineError):
        return exc
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # no command: its help
        return HelpInstead(exc.format_message(), exc.ctx)
    return CommandLineError(exc.format_message(), exc.ctx)


ENVIRONMENT = """\b
Environment:
  CHIME_RECONCILER_DESIRED         --desired DIR
  CHIME_RECONCILER_ENDPOINT_URL    --endpoint-url URL
  CHIME_RECONCILER_NOW             --now WHEN (when `until:` is evaluated)
  CHIME_RECONCILER_API_PROCESS     --api-process auto|on|off
  AWS_PROFILE                      --profile (keys: boto3's usual variables)
  AWS_DEFAULT_PROFILE              the profile, when neither gives one
  AWS_REGION                       --region
  AWS_DEFAULT_REGION               --region, when AWS_REGION is not set
  AWS_DATA_PATH                    botocore's extra model folders
  AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE
                                   boto3's files (named in their errors)
  NO_COLOR                         --no-color, when set (not empty)
  TERM=dumb (or unknown)           as NO_COLOR: a terminal without escapes
  CI                               when set: no progress bar
  CHIME_RECONCILER_PROGRESS=1      progress lines where stderr is no terminal
                                   (on: 1/true/yes/on; off: 0/false/no/off;
                                   any other value is an error)
  CHIME_RECONCILER_RETRY_BASE_MS   first retry backoff in ms (default 200)
  CHIME_RECONCILER_RETRY_CAP_MS    longest backoff in ms (default 20000)
  CHIME_RECONCILER_RETRY_ATTEMPTS  attempts on 5xx (default 10; 3x throttled)
  CHIME_RECONCILER_TIMINGS=1       phase times on stderr (bench/harness.py;
                                   values as for PROGRESS, others an error)
  _CHIME_RECONCILER_COMPLETE       shell completion: see `completion --help`
  COMP_WORDS, COMP_CWORD           the line being completed (its script sets)
"""


@click.group(cls=ReconcilerGroup, context_settings=CONTEXT_SETTINGS, epilog=ENVIRONMENT)
@option(
    "--desired",
    "desired_dir",
    default="desired-state",
    show_default=True,
    envvar="CHIME_RECONCILER_DESIRED",
    show_envvar=True,
    type=SystemPath(file_okay=False),
    help="Directory of desired-state YAML files.",
)
@option(
    "--endpoint-url",
    envvar="CHIME_RECONCILER_ENDPOINT_URL",
    show_envvar=True,
    help="Send every AWS call here (the emulator, or a compatible endpoint).",
)
@option("--profile", envvar="AWS_PROFILE", show_envvar=True, help="AWS profile to use.")
@option(
    "--region",
    default="us-east-1",
    show_default=True,
    envvar=["AWS_REGION", "AWS_DEFAULT_REGION"],  # click takes the first one set
    help="AWS region: this option, else AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1.",
)
@option(
    "--parallelism",
    default=8,
    show_default=True,
    type=WordedIntRange(1, 64),
    help="Targets read and applied at once.",
)
@option(
    "--api-process",
    type=click.Choice(sorted(MODES)),
    default="auto",
    show_default=True,
    envvar="CHIME_RECONCILER_API_PROCESS",
    show_envvar=True,
    help="Make the rooms' API calls (service chime) in a second process, so that botocore's "
    f"CPU is not spent in this one: `auto` starts it at a run's {AUTO_AT:,}th call (a large "
    "read), `on` at the first, `off` never. Calls made while it starts are made here.",
)
@option(
    "--now",
    envvar="CHIME_RECONCILER_NOW",
    metavar="WHEN",
    help="Evaluate `until:` at this moment instead of the current time: a date "
    "(2027-03-31, its first moment in UTC) or a date and time with a zone. A preview: "
    "apply refuses it (it applies what the clock calls for). Env: CHIME_RECONCILER_NOW.",
)
@option(
    "--rate",
    "rates",
    multiple=True,
    metavar="QUOTA=N",
    help="Pace calls counted against QUOTA at N requests/s (or `off`: only after a 429), "
    "overriding settings.yaml's `rates:` and AWS's default (repeatable). Quotas: "
    + ", ".join(q.name for q in QUOTAS)
    + ".",
)
@option("--no-color", is_flag=True, help="Never colour output (also: NO_COLOR env).")
@option("-v", "--verbose", count=True, help="More detail: provenance, API calls (-vv).")
@click.version_option(__version__, prog_name="chime-reconciler")
@click.pass_context
def cli(ctx: click.Context, /, **options: Any) -> None:
    """GitOps for Amazon Chime memberships.

    YAML files under --desired declare who belongs to each Chime room, Chime SDK
    messaging channel (members, hidden members, moderators) and Chime SDK meeting
    (attendees and their capabilities). `plan` reads the live memberships and shows
    the difference; `apply` makes Chime match.

    \b
    Examples (a typical session):
      chime-reconciler validate             # offline checks of the YAML
      chime-reconciler plan                 # what would change
      chime-reconciler apply                # show the plan, ask, apply
      chime-reconciler demo                 # all of it against a local emulator

    Global options may come before or after the command (`plan --desired DIR`).
    Terraform's spellings work too, after the command: plan -out=FILE,
    apply -auto-approve, plan -target=NAME.

    Exit codes: 0 success; 1 error or refused; 2 drift: changes, or members no file
    declares (plan and merge-plans --detailed-exitcode only); 130 interrupted; 141 the
    output was closed (| head -1: apply says on stderr what it applied).
    """
    from_env = ctx.get_parameter_source("now") is ParameterSource.ENVIRONMENT
    app = AppContext.from_options(now_from_env=from_env, **options)
    sources = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    app.explicit = frozenset(n for n in options if ctx.get_parameter_source(n) in sources)
    app.given = {p.name: given_as(ctx, p) for p in ctx.command.params if p.name is not None}
    ctx.obj = app
    ctx.call_on_close(app.close)  # the second process of --api-process, if one started


def main() -> None:
    run(cli, prog_name="chime-reconciler")
