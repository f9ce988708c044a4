"""`chime-reconciler emulator`: run the local Chime API emulator until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from reconciler.cli.context import AppContext, pass_app
from reconciler.cli.options import FiniteFloatRange, WordedIntRange, verbose_option_for
from reconciler.cli.system_path import SystemPath
from reconciler.early_stop import STOPPED_EARLY
from reconciler.emulator import EmulatorServer, FaultConfig, is_loopback
from reconciler.emulator.faults import unknown_operation
from reconciler.emulator.seed import read_seed
from reconciler.emulator.server import RequestLog, RequestRecord
from reconciler.interrupt import raise_if_pressed


def _host(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("give an address to bind, such as 127.0.0.1.")
    return value.strip()


def _operations(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...]
) -> tuple[str, ...]:
    """The --fault-operation names, each an operation of the emulator: an error names the
    option, as the other options' do (not the admin API's ``operations`` key)."""
    for name in value:
        if not name:
            raise click.BadParameter("give an operation name, such as ListRooms.")
        unknown = unknown_operation(name)
        if unknown:
            raise click.BadParameter(unknown)
    return value


@click.command("emulator")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=_host,
    help="Address to bind. Anything but loopback exposes the emulator to the network.",
)
@click.option(
    "--port",
    default=8642,
    show_default=True,
    type=WordedIntRange(0, 65535),
    help="Port to listen on; 0 picks a free one (read it from the first line of output).",
)
@click.option(
    "--seed",
    "seed_file",
    type=SystemPath(dir_okay=False, path_type=Path),
    help="YAML seed file: accounts with users, bots, webhooks, rooms and memberships; "
    "meetings with attendees; app instances with users, bots, admins and channels.",
)
@click.option(
    "--latency-ms",
    default=0,
    show_default=True,
    type=WordedIntRange(0, 60_000),
    help="Delay added to every API call.",
)
@click.option(
    "--throttle-rate",
    default=0.0,
    show_default=True,
    type=FiniteFloatRange(0, 1),
    help="Share of calls answered 429 ThrottledClientException (ThrottlingException for "
    "the meetings API).",
)
@click.option(
    "--error-rate",
    default=0.0,
    show_default=True,
    type=FiniteFloatRange(0, 1),
    help="Share of calls answered 503 ServiceUnavailableException or 500 ServiceFailureException.",
)
@click.option(
    "--conflict-rate",
    default=0.0,
    show_default=True,
    type=FiniteFloatRange(0, 1),
    help="Share of calls answered 409 ConflictException (a conflict in the resource's "
    "state, as AWS documents it); with --fault-operation, e.g. CreateChannelModerator.",
)
@click.option(
    "--item-error-rate",
    default=0.0,
    show_default=True,
    type=FiniteFloatRange(0, 1),
    help="Share of batch-create items (BatchCreateRoomMembership, BatchCreateAttendee, "
    "BatchCreateChannelMembership) failing with ErrorCode Throttled (Throttling for "
    "attendees); the call itself succeeds.",
)
@click.option(
    "--tps",
    type=FiniteFloatRange(0, min_open=True),
    help="Requests per second allowed; calls beyond it are answered 429.  [default: no quota]",
)
@click.option(
    "--quotas",
    is_flag=True,
    help="Enforce AWS's documented rate quotas (Chime SDK meetings: 10 requests/s per "
    "operation, answered 429 ThrottlingException; messaging: 10 requests/s per bearer, "
    "batch calls 1/s per channel, ..., answered 429 ThrottledClientException).",
)
@click.option(
    "--error-type-header/--no-error-type-header",
    default=True,
    show_default=True,
    help="Name each error's code in the x-amzn-ErrorType header (NotFoundException); "
    "without it botocore reads the body's Code (NotFound), as AWS may answer.",
)
@click.option(
    "--whole-call-limit",
    is_flag=True,
    help="Refuse a whole BatchCreateAttendee or BatchCreateChannelMembership call whose new "
    "members do not all fit in the meeting or channel (LimitExceededException, "
    "ResourceLimitExceededException), as the models allow AWS to, instead of only the "
    "items over the maximum.",
)
@click.option(
    "--retry-after",
    type=WordedIntRange(0, 3600),
    metavar="SECONDS",
    help="Send this Retry-After header with every 503 ServiceUnavailableException, as "
    "chime-sdk-meetings models it (RetryAfterSeconds).  [default: none]",
)
@click.option(
    "--fault-operation",
    "fault_operations",
    multiple=True,
    callback=_operations,
    metavar="OPERATION",
    help="Apply --throttle-rate, --error-rate, --conflict-rate and --item-error-rate to this "
    "operation only "
    "(repeatable; e.g. CreateChannelModerator).  [default: every operation]",
)
@click.option(
    "--fault-seed",
    default=0,
    show_default=True,
    type=WordedIntRange(min=0),  # no negative number, as every whole-number option
    help="Seed of the fault decisions: the same calls meet the same faults on every run.",
)
@verbose_option_for("Log one line per request on stderr: operation, status, latency.")
@pass_app
def emulator(
    app: AppContext,
    host: str,
    port: int,
    seed_file: Path | None,
    latency_ms: int,
    throttle_rate: float,
    error_rate: float,
    conflict_rate: float,
    item_error_rate: float,
    tps: float | None,
    quotas: bool,
    error_type_header: bool,
    whole_call_limit: bool,
    retry_after: int | None,
    fault_operations: tuple[str, ...],
    fault_seed: int,
) -> None:
    """Run a local Chime API emulator (rooms, users, bots; Chime SDK meetings and
    channels) over HTTP.

    It speaks the rest-json `chime` API as boto3 sends it: accounts, users, bots, rooms and
    room memberships, with AWS's page sizes, batch limits and error responses, and injects
    faults on request. On the same port, `chime-sdk-meetings`: meetings and attendees; and
    `chime-sdk-messaging` and `chime-sdk-identity`: app instances, channels, memberships
    (DEFAULT and HIDDEN), moderators and bans, with the x-amz-chime-bearer rules.
    State lives in memory; it starts from --seed and is lost on exit.

    A sample seed: reconciler/demo/seed.yaml in the repository, the demo's rooms
    (which desired-state/ plans against); without --seed it starts empty.

    \b
    Examples (from the repository root):
      chime-reconciler emulator --port 0 --seed reconciler/demo/seed.yaml
      chime-reconciler emulator --seed reconciler/demo/seed.yaml \\
          --throttle-rate 0.05                    # 5% of calls answered 429
      chime-reconciler emulator -v --port 0       # empty; log every request
      # first line: Chime API emulator listening on http://127.0.0.1:PORT
      chime-reconciler --endpoint-url http://127.0.0.1:PORT plan
      # or: export CHIME_RECONCILER_ENDPOINT_URL=http://127.0.0.1:PORT
      # boto3: boto3.client("chime", endpoint_url="http://127.0.0.1:PORT",
      #            region_name="us-east-1", aws_access_key_id="testing",
      #            aws_secret_access_key="testing")

    Admin API (JSON): GET /_emulator/calls (calls per operation, "Throttled": 429s),
    GET /_emulator/calls/bearers (messaging calls per bearer and resource),
    POST /_emulator/calls/reset, GET /_emulator/state, POST /_emulator/reset [seed],
    GET|POST /_emulator/faults {latency_ms, throttle_rate, error_rate, conflict_rate,
    item_error_rate, tps, seed, quotas, operations, error_type_header,
    whole_call_limit, retry_after}, POST
    /_emulator/meetings/ID/end (the meeting ends), GET /_emulator/meetings/join-tokens
    (every JoinToken issued).

    With -v, one line per request on stderr: operation, HTTP status, latency, method
    and path (`ListRoomMemberships 200 1.2 ms GET /accounts/ACCOUNT/rooms/ROOM/memberships`).

    Runs until Ctrl-C or SIGTERM, then exits 0 (also when stopped while it starts,
    before it listens: "Chime API emulator stopped before it started serving.").
    """
    faults = FaultConfig(
        latency_ms=latency_ms,
        throttle_rate=throttle_rate,
        error_rate=error_rate,
        conflict_rate=conflict_rate,
        item_error_rate=item_error_rate,
        tps=tps,
        seed=fault_seed,
        quotas=quotas,
        error_type_header=error_type_header,
        whole_call_limit=whole_call_limit,
        retry_after=retry_after,
        operations=fault_operations,
    )
    # SIGINT and SIGTERM are heard from the process's start, even when it started with
    # SIGINT ignored (``early_stop.heard_from_the_start``): one until it listens stops it
    # before it served (Q-FK-10)
    try:
        server = _started(app, host, port, seed_file, faults)
    except KeyboardInterrupt:
        click.echo(STOPPED_EARLY, err=True)
        return
    _serve(server)


def _started(
    app: AppContext, host: str, port: int, seed_file: Path | None, faults: FaultConfig
) -> EmulatorServer:
    """The emulator listening; ``KeyboardInterrupt`` when a Ctrl-C or SIGTERM came
    meanwhile, even one a library swallowed on its way (the process then ends: its
    serving thread is a daemon)."""
    seed = read_seed(seed_file) if seed_file is not None else None
    if not is_loopback(host):
        click.echo(
            f"Warning: binding to {host}, which is not a loopback address: anyone who can "
            "reach this machine can read and change the emulator's state.",
            err=True,
        )
    log = _request_log() if app.verbose else None
    server = EmulatorServer(seed=seed, host=host, port=port, faults=faults, request_log=log)
    try:
        server.start()
        raise_if_pressed()
    except OSError as exc:
        raise click.ClickException(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}"
        ) from None
    return server


def _serve(server: EmulatorServer) -> None:
    """Serve until Ctrl-C or SIGTERM."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Ctrl-C and SIGTERM stop it, even when started with SIGINT ignored (a background job
    # of a script inherits that: `kill -INT` would otherwise do nothing)
    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        click.echo(f"Chime API emulator listening on {server.url}")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        server.stop()
    click.echo("Chime API emulator stopped.", err=True)


def _request_log() -> RequestLog:
    """One line per request on stderr, whole lines even from the server's many threads."""
    lock = threading.Lock()

    def write(record: RequestRecord) -> None:
        with lock:
            click.echo(record.line(), err=True)

    return write


COMMANDS = [emulator]
