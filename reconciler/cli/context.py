"""Global options, shared by every command through click's context object."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from reconciler import env_flag, interrupt
from reconciler.awsclient.aws import make_client, make_session
from reconciler.awsclient.closing import close_client, close_session
from reconciler.awsclient.endpoint_source import configured_endpoint_variable
from reconciler.cli.moment import from_environment
from reconciler.errors import UsageError
from reconciler.governance.grant import UNTIL_EXAMPLES, moment_text, parse_moment
from reconciler.logs import configure as configure_logging
from reconciler.os_text import text_of
from reconciler.pacing import Pacer, parse_rate_option, resolve_rates
from reconciler.providers.api_process import MODES, OFFLOADED, OffloadedClient, spec_of
from reconciler.providers.retry import name_endpoint
from reconciler.redact import check_endpoint_url, redact, register_endpoint, stored_url
from reconciler.timing import report_peak

if TYPE_CHECKING:
    from rich.console import Console

    from reconciler.cli.progress import ProgressBar


@dataclass
class AppContext:
    desired_dir: Path
    endpoint_url: str | None
    profile: str | None
    region: str
    parallelism: int
    no_color: bool
    verbose: int
    # the moment `until:` is evaluated at (``now``): --now, else the clock (read here, at
    # the edge), else CHIME_RECONCILER_NOW, read when first needed (``reconciler.cli.moment``)
    moment: dt.datetime | None = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    now_from_env: str | None = None  # CHIME_RECONCILER_NOW's text, when it gave --now
    rates: dict[str, float | None] = field(default_factory=dict)  # --rate QUOTA=N
    api_process: str = "auto"  # --api-process: auto, on, off (``providers/api_process.py``)
    explicit: frozenset[str] = frozenset()  # global options given (command line or env)
    # what an error about a global option's value names: the flag typed (``--region``),
    # else the variable that gave it (``AWS_REGION``), by parameter (``cli.given``)
    given: dict[str, str] = field(default_factory=dict)
    # the clients read no AWS configuration and sign with dummy credentials: the demo's,
    # against its own emulator (``awsclient.aws.isolated_session``, QA-DL Q-DL-5)
    isolated: bool = False
    # when this run started (the clock, always): a plan made with --now records it as its
    # made_at, the moment before Chime was read, not when the plan was saved
    started: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC), init=False, repr=False
    )
    _pacer: Pacer | None = field(default=None, init=False, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _session: Any = field(default=None, init=False, repr=False)  # botocore's, made once
    _endpoint_variables: list[str] = field(default_factory=list, init=False, repr=False)
    _making: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def now(self) -> dt.datetime:
        """The moment `until:` is evaluated at; a bad CHIME_RECONCILER_NOW is an error
        here, in the commands that evaluate it, naming the variable."""
        if self.moment is None:
            assert self.now_from_env is not None
            self.moment = from_environment(self.now_from_env)
        return self.moment

    @now.setter
    def now(self, value: dt.datetime) -> None:
        self.moment = value

    @classmethod
    def from_options(cls, now_from_env: bool = False, **o: Any) -> AppContext:
        """The run's context from the global options; ``now_from_env``: --now came from
        CHIME_RECONCILER_NOW (checked when used, not here)."""
        # only the command line gives "": click reads a variable set empty (such as
        # CHIME_RECONCILER_DESIRED) as unset (the default); an empty option is a script's
        # unset variable (`--desired "$DIR"`, which read `.` recursively; `--now "$WHEN"`,
        # which was taken as a --now of this instant)
        for flag in env_flag.FLAGS:  # `=true`, `=maybe`: refused, not silently off (Q-GB-4)
            if (wrong := env_flag.problem(flag)) is not None:
                raise UsageError(wrong)
        if o["desired_dir"] == "":
            raise empty_option(
                "--desired",
                "directory (it would read the current directory and every YAML file below it)",
                "a directory",
                "desired-state",
            )
        if o.get("now") == "" and not now_from_env:
            raise empty_option("--now", "moment", UNTIL_EXAMPLES, "the current time")
        for name, option, what, give, default in EMPTY_AWS_OPTIONS:
            # `--endpoint-url "$EMULATOR"` unset sent an apply meant for the emulator to
            # AWS itself; `--profile ""` used the default profile (Q-CE-1)
            if o.get(name) == "":
                raise empty_option(option, what, give, default)
        given = o.get("now") or None
        if given is not None and now_from_env:
            when: dict[str, Any] = {"moment": None, "now_from_env": given}
        else:
            when = {"moment": _now(given)}
        return cls(
            desired_dir=Path(o["desired_dir"]),
            endpoint_url=o.get("endpoint_url") or None,
            profile=o.get("profile") or None,
            region=o["region"],
            parallelism=o["parallelism"],
            # NO_COLOR set empty counts as unset (no-color.org; as every variable here)
            no_color=bool(o["no_color"]) or bool(os.environ.get("NO_COLOR")) or dumb_term(),
            verbose=o["verbose"],
            rates=dict(parse_rate_option(r) for r in o.get("rates") or ()),
            api_process=o.get("api_process") or "auto",
            **when,
        )

    def given_as(self, name: str) -> str:
        """What an error about global option ``name``'s value names (``region``:
        ``--region``, or ``AWS_REGION`` when that variable gave it)."""
        return self.given.get(name) or "--" + name.replace("_", "-")

    def origin(self) -> dict[str, str | None]:
        """What a saved plan records of this run, for ``apply FILE`` to use."""
        return {
            # absolute: `apply FILE` may run from another directory (QA3 Q19)
            "desired": text_of(os.path.abspath(self.desired_dir)),  # text (Q-HE-2)
            # never its user, password or query values: the file is uploaded, shared (Q2)
            "endpoint_url": stored_url(self.endpoint_url) if self.endpoint_url else None,
            "region": self.region,
            # the moment `until:` was evaluated at, when given (--now): else the clock's
            "now": moment_text(self.now) if "now" in self.explicit else None,
            # when it was made (the clock's moment `until:` was evaluated at, without
            # --now; with it, the run's start, before Chime was read): apply FILE says
            # which `until:` passed since (``saved_plan``); the drift job compares applies
            # that ran meanwhile with it (``gitops.apply_runs``)
            "made_at": moment_text(self.started if "now" in self.explicit else self.now),
        }

    def global_args(self) -> list[str]:
        """The global options given to this run, as a command line would repeat them
        (the endpoint URL as it may be printed: masked when it has secrets)."""
        endpoint = stored_url(self.endpoint_url) if self.endpoint_url else None
        given = [
            ("desired_dir", "--desired", text_of(str(self.desired_dir))),
            ("endpoint_url", "--endpoint-url", endpoint),
            ("profile", "--profile", self.profile),
            ("region", "--region", self.region),
            ("parallelism", "--parallelism", str(self.parallelism)),
            ("api_process", "--api-process", self.api_process),
        ]  # never --now: apply evaluates `until:` at the clock (``moment``)
        if "rates" in self.explicit:  # each quota once, at the rate used (the last --rate)
            given += [("rates", "--rate", f"{q}={_rate_text(r)}") for q, r in self.rates.items()]
        return [
            a for name, opt, value in given if name in self.explicit and value for a in (opt, value)
        ]

    def pacer(self, settings: Mapping[str, float | None] | None = None) -> Pacer:
        """The one pacer of this run, shared by every provider and thread: AWS's default
        quotas for the region (an app instance's calls: for its ARN's region), then
        settings.yaml's ``rates:``, then ``--rate``."""
        if self._pacer is None:

            def rates_in(region: str | None) -> dict[str, float | None]:
                return resolve_rates(region, settings or {}, self.rates)

            # a Ctrl-C cuts a wait for the quota short too (interrupt.sleep)
            self._pacer = Pacer(rates_in(self.region), regional=rates_in, sleep=interrupt.sleep)
        return self._pacer

    def client(self, service: str = "chime", region: str | None = None) -> Any:
        """The one boto3 client of this run for ``service`` in ``region`` (None: the run's,
        --region; an app instance's calls go to its ARN's), made on first use, then shared
        by every provider and thread: botocore clients are thread-safe; -vv logs its
        calls. The clients of all services are made from one botocore session, one at a
        time."""
        configure_logging(self.verbose)
        region = region or self.region
        key = service if region == self.region else f"{service}@{region}"
        with self._making:
            if key in self._clients:
                return self._clients[key]
            if self.endpoint_url:
                url = check_endpoint_url(self.endpoint_url, self.given_as("endpoint_url"))
                register_endpoint(url)
            # for an HTML page's error: the option or variable that gave the URL
            name_endpoint(self._endpoint_named(service))
            try:
                if self._session is None:
                    self._session = make_session(
                        self.profile,
                        self.region,
                        isolated=self.isolated,
                        profile_given_as=self.given_as("profile"),
                    )
                client = make_client(
                    service,
                    region=region,
                    endpoint_url=self.endpoint_url,
                    parallelism=self.parallelism,
                    session=self._session,
                    isolated=self.isolated,
                )
            except ValueError as exc:  # botocore: a malformed endpoint URL or region name
                ours = region == self.region
                where = self.given_as("region") if ours else f"the ARN's region {region!r}"
                # botocore quotes the region: a line break in it escaped, one line (Q-DM-3)
                endpoint = self.given_as("endpoint_url")
                from reconciler.render.safe import shown  # (not a plan's start: README)

                message = f"check {endpoint} and {where}: {shown(redact(str(exc)))}"
                raise UsageError(message) from None
            start_at = MODES[self.api_process] if service in OFFLOADED else None
            if start_at is not None:  # the rooms' calls: botocore's CPU in a second process
                spec = spec_of(
                    service,
                    profile=self.profile,
                    region=region,
                    endpoint_url=self.endpoint_url,
                    parallelism=self.parallelism,
                    verbose=self.verbose,
                    isolated=self.isolated,
                )
                client = OffloadedClient(client, spec, start_at, wait=self.api_process == "on")
            self._clients[key] = client
            return client

    def _endpoint_named(self, service: str) -> str:
        """What gave this run's endpoint URLs: ``--endpoint-url`` (or the variable that
        gave it), else the AWS_ENDPOINT_URL* variables botocore read for the services
        made so far (``AWS_ENDPOINT_URL_CHIME``), else ``--endpoint-url`` (AWS's own)."""
        if self.endpoint_url:
            return self.given_as("endpoint_url")
        if not self.isolated:  # the demo's clients read no AWS configuration
            found = configured_endpoint_variable(service, os.environ)
            if found is not None and found not in self._endpoint_variables:
                self._endpoint_variables.append(found)
        return " and ".join(self._endpoint_variables) or "--endpoint-url"

    def close(self) -> None:
        """End what the run started: the second processes of ``--api-process`` and the
        clients' connections. With CHIME_RECONCILER_TIMINGS=1, the processes' peak memory
        goes to stderr (``timing``). Closes every client's connections and the session's
        credential fetchers (awsclient/closing.py says why)."""
        with self._making:
            clients = list(self._clients.values())
        for client in clients:
            if isinstance(client, OffloadedClient):
                report_peak("api_process", client.close())
            else:
                close_client(client)
        if self._session is not None:  # what its credential chain asked over HTTP
            close_session(self._session)
        name_endpoint("--endpoint-url")  # this run's spelling ends with it (in-process runs)

    def console(self, stderr: bool = False) -> Console:
        """A rich console: colour only on a terminal; with --no-color / NO_COLOR (or
        TERM=dumb) no escape sequence at all (no bold either). A terminal is the stream's
        own answer (isatty): not rich's, which takes FORCE_COLOR or TTY_COMPATIBLE (often
        set for a whole CI job) as one, and would then colour a file, wrap its lines at 80
        columns and draw progress bars into a log. Its width is the terminal's (or
        COLUMNS), see ``sane_width``."""
        console = _console_class()(
            stderr=stderr,
            force_terminal=is_a_terminal(sys.stderr if stderr else sys.stdout),
            no_color=self.no_color,
            color_system=None if self.no_color else "auto",
            highlight=False,
            soft_wrap=True,
            emoji=False,
        )
        if console.width != sane_width(console.width):  # else it follows a terminal's resizes
            console.width = sane_width(console.width)
        return console

    def progress(self) -> ProgressBar:
        """Progress on stderr (``cli.progress``), its console made when it writes: where
        it writes nothing (not a terminal), rich is not imported for it."""
        from reconciler.cli.progress import ProgressBar

        return ProgressBar.when_written(
            lambda: self.console(stderr=True),
            is_terminal=is_a_terminal(sys.stderr),
            no_color=self.no_color,
        )


# the widths text is drawn at (columns): rich takes COLUMNS as it is, and at 0 it drew
# nothing, no plan and no outcome (Q-CZ-3), at 99999999999 a progress bar ran out of
# memory (Q-CZ-4); 0 is "unknown", as rich reads a terminal that says it is 0 wide
WIDTHS = range(20, 1001)
UNKNOWN_WIDTH = 80


def sane_width(width: int) -> int:
    """``width`` within ``WIDTHS``; 80 for a width of 0 or less."""
    if width < 1:
        return UNKNOWN_WIDTH
    return min(max(width, WIDTHS.start), WIDTHS.stop - 1)


# terminals that take no escape sequence (Emacs's M-x shell, some CI runners' ptys): as
# NO_COLOR, so a slow step says so in a plain line (rich draws nothing on them)
DUMB_TERMS = ("dumb", "unknown")


def dumb_term() -> bool:
    """Whether TERM names a terminal without escape sequences (``DUMB_TERMS``)."""
    return os.environ.get("TERM", "").lower() in DUMB_TERMS


def is_a_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


@cache
def _console_class() -> type[Console]:
    """rich's ``Console``, with a closed output the command's to handle: imported when a
    console is first made (not before a plan's first call: README "Start-up and exit")."""
    from rich.console import Console

    class _Console(Console):
        """A closed output is the command's to handle (``reconciler.closed_output``): rich's
        own answer is ``SystemExit(1)``, which would hide what an apply did."""

        @property
        def is_dumb_terminal(self) -> bool:
            """Never: rich then takes the width as 80 whatever COLUMNS or the terminal says
            (QA-HE Q-HE-8). A TERM=dumb terminal is run as NO_COLOR (``dumb_term``): no
            escape sequence, no cursor movement, its width the terminal's or COLUMNS."""
            return False

        def on_broken_pipe(self) -> None:
            self.quiet = True  # nothing more is written through it
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    return _Console


def _rate_text(rate: float | None) -> str:
    """A rate as ``--rate`` takes it back: ``off``, ``5``, ``2.5`` (every digit kept)."""
    if rate is None:
        return "off"
    short = f"{rate:g}"
    return short if float(short) == rate else repr(rate)


# the AWS options refused empty on the command line: (parameter, option, what it names,
# what to give, what leaving it out means); their variables set empty count as unset
EMPTY_AWS_OPTIONS = (
    (
        "endpoint_url",
        "--endpoint-url",
        "endpoint (every call would go to AWS itself)",
        "a URL such as http://127.0.0.1:8642",
        "AWS's own endpoint",
    ),
    (
        "profile",
        "--profile",
        "AWS profile",
        "a profile's name",
        "AWS_PROFILE, else the default profile",
    ),
    (
        "region",
        "--region",
        "AWS region",
        "a region such as eu-west-1",
        "AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1",
    ),
)


def empty_option(option: str, what: str, give: str, default: str) -> UsageError:
    """A global option given empty on the command line (a script's unset variable)."""
    return UsageError(
        f"{option}: an empty value names no {what}; give {give}, or leave the option out "
        f"for {default}"
    )


def _now(given: str | None) -> dt.datetime:
    if not given:
        return dt.datetime.now(dt.UTC)
    try:
        return parse_moment(given)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--now'") from None


pass_app = click.make_pass_decorator(AppContext)
