"""The one place where the AWS clients are made: botocore's, as boto3 makes them.

boto3 is not imported: its ``Session.client`` is botocore's ``Session.create_client`` once
boto3 has named itself in the User-Agent (``_as_boto3``), and importing it (with
s3transfer, multiprocessing and boto3's resources) took about 20 ms of every run's start.
``tests/e2e/test_client_user_agent.py`` checks that the requests are the ones a boto3
client sends, header for header.

Retries: botocore is told to make exactly one attempt per call (``total_max_attempts=1``)
and every retry is ours (``retry.py``). botocore's standard and adaptive modes do not retry
Chime's ``ThrottledClientException`` anyway, and one retry layer keeps API-call counts
predictable (each HTTP request is one attempt we decided on and logged).

Credentials: the usual chain (environment, ``--profile``, shared files, instance roles).
With ``endpoint_url`` (an emulator) and no credentials configured, dummy credentials are
used so that no AWS account is needed. An ``isolated`` session and its clients (the
demo's, talking only to its own emulator) read no AWS configuration at all.
"""

from __future__ import annotations

import os
from importlib.metadata import version
from typing import Any

import botocore.handlers
import botocore.session
from botocore.config import Config
from botocore.context import get_context
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound
from botocore.loaders import create_loader
from botocore.useragent import UserAgentString

from reconciler import __version__, httpheaders
from reconciler.awsclient import pools, signing
from reconciler.awsclient.fastparse import FastParserFactory, timestamp_text
from reconciler.awsclient.model_files import use_orjson
from reconciler.awsclient.not_api import check_answer
from reconciler.awsclient.service_names import answer_directly
from reconciler.awsclient.setup_errors import profile_not_found, setup_problem
from reconciler.errors import UsageError
from reconciler.logs import log_api_call
from reconciler.redact import declare_public, register_credentials

DUMMY_ACCESS_KEY = "chime-reconciler-dummy"
DUMMY_SECRET_KEY = "chime-reconciler-dummy-secret"  # not a secret: for emulators only
declare_public(DUMMY_ACCESS_KEY, DUMMY_SECRET_KEY)  # never masked
CONNECT_TIMEOUT = 5.0  # seconds
READ_TIMEOUT = 30.0  # seconds


# Services whose parameters botocore need not check before each call: in the ``chime``
# model the only limits on what the tool sends are MaxResults (constants of chime_api.py)
# and the 50 items of a batch (checked by the tool), so the check could never fail, and it
# took about 3% of the client's CPU per call on a large read. Other services keep it (a
# ChimeBearer or ExternalUserId from settings has a minimum length).
UNCHECKED_PARAMETERS = frozenset({"chime"})


def client_config(parallelism: int = 8, validate: bool = True) -> Config:
    """One attempt per call, a connection pool as large as the threads sharing the client;
    parameters checked by botocore before each call unless not ``validate``."""
    return Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        max_pool_connections=max(10, parallelism + 2),
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        user_agent_extra=f"chime-reconciler/{__version__}",
        parameter_validation=validate,
    )


def make_session(
    profile: str | None = None,
    region: str | None = "us-east-1",
    *,
    isolated: bool = False,
    profile_given_as: str = "--profile",
) -> botocore.session.Session:
    """The botocore session of a run, as boto3's ``Session(profile_name=, region_name=)``
    makes it: one is shared by the clients of every service a run uses (``make_client``),
    so the models, endpoint rules and configuration files are read once, not once per
    service. Clients are made from it on one thread at a time (botocore's session is not
    documented as thread-safe; the clients it makes are).

    ``isolated``: a session that reads no AWS configuration (``isolated_session``), the
    profile not used.

    Raises ``UsageError`` for an unknown profile, naming where its name came from
    (``profile_given_as``: the option or variable that gave ``profile``; without one, the
    variable botocore read), and for a configuration botocore cannot read
    (``setup_errors.setup_problem``)."""
    if isolated:
        return isolated_session(region)
    session = _READ_AHEAD.pop() if _READ_AHEAD else _botocore_session()
    _as_boto3(session)
    try:
        # as boto3's Session(profile_name=..., region_name=...): an unknown profile is
        # found when the data loader reads the profile's settings
        if profile is not None:
            session.set_config_variable("profile", profile)
        if region is not None:
            session.set_config_variable("region", region)
        _quick_loader(session.get_component("data_loader"))
        # asked here as well: a session taken over from ``data_session`` has its loader
        # already, and the profile would otherwise be found missing by the first client
        session.get_scoped_config()
    except ProfileNotFound as exc:
        named = exc.kwargs.get("profile", profile)
        source = profile_given_as if profile is not None else _profile_variable()
        raise UsageError(profile_not_found(str(named), source)) from exc
    except BotoCoreError as exc:  # a config file that does not parse, ... (Q-CZ-2)
        raise UsageError(setup_problem(exc)) from exc
    return session


def isolated_session(region: str | None = "us-east-1") -> botocore.session.Session:
    """A session that reads no AWS configuration: no config or credentials file, no
    profile, no ``AWS_*`` variable (each setting its default; ``region`` given): the
    demo's, whose clients talk only to its own emulator with the dummy credentials, so
    that a machine's AWS setup, broken or not, does not matter (QA-DL Q-DL-5)."""
    session = _botocore_session()
    _as_boto3(session)
    variables = session.session_var_map
    for name, (config_name, _env, default, typecast) in list(variables.items()):
        variables[name] = (config_name, None, default, typecast)
    session.set_config_variable("config_file", os.devnull)  # not a file: none is read
    session.set_config_variable("credentials_file", os.devnull)
    if region is not None:
        session.set_config_variable("region", region)
    _quick_loader(session.get_component("data_loader"))
    return session


# the session ``data_session`` made before the run's session existed, taken over by the
# next ``make_session`` (at most one: the regions are read once per process)
_READ_AHEAD: list[botocore.session.Session] = []


def data_session() -> botocore.session.Session:
    """A session to read botocore's own data (the regions of a service) before the run's
    session exists: the desired state is checked before any client is made. The next
    ``make_session`` takes this session over, so a run still makes one session and reads
    ``endpoints.json`` and the service models once.

    Needs no profile: botocore's endpoint data is the same for every profile, and
    ``validate`` makes no AWS call, so an ``AWS_PROFILE`` this machine does not have must
    not stop it, nor a configuration botocore cannot read (a ``~/.aws/config`` that does not
    parse, QA-CZ Q-CZ-2). Then the loader reads only ``AWS_DATA_PATH``, and the session is
    not taken over (``make_session`` makes its own, which reports the problem)."""
    session = _botocore_session()
    try:
        loader = session.get_component("data_loader")
    except BotoCoreError:  # ProfileNotFound, ConfigParseError, ...
        loader = create_loader(os.environ.get("AWS_DATA_PATH"))
        session.register_component("data_loader", loader)
        _quick_loader(loader)
        return session
    _quick_loader(loader)
    _READ_AHEAD[:] = [session]
    return session


def _quick_loader(loader: Any) -> None:
    """botocore's data loader, quicker: its JSON decoded by orjson (``model_files``), a
    service's model found without listing every service (``service_names``)."""
    use_orjson(loader)
    answer_directly(loader)


def make_client(
    service: str,
    *,
    profile: str | None = None,
    region: str | None = "us-east-1",
    endpoint_url: str | None = None,
    parallelism: int = 8,
    session: botocore.session.Session | None = None,
    isolated: bool = False,
) -> Any:
    """A botocore client for ``service`` (``chime``, ``chime-sdk-messaging``, ...), made
    from ``session`` (the run's, from ``make_session``: it holds the profile, and
    ``profile`` is not used) or else from a session of its own. ``isolated``: it signs
    with the dummy credentials and reads no AWS configuration (``isolated_session``).

    Thread-safe: one client is shared by the ``parallelism`` worker threads.
    Raises ``UsageError`` for an unknown profile, and for credentials or settings botocore
    cannot use (a key without its secret, a failing credential_process, an invalid
    ``AWS_DEFAULTS_MODE``: ``setup_errors.setup_problem``).
    """
    if session is None:
        session = make_session(profile, region, isolated=isolated)
    try:
        return _client(service, region, endpoint_url, parallelism, session, isolated)
    except ValueError:  # a malformed endpoint URL or region name: the caller names its option
        raise
    except BotoCoreError as exc:
        raise UsageError(setup_problem(exc)) from exc


def _client(
    service: str,
    region: str | None,
    endpoint_url: str | None,
    parallelism: int,
    session: botocore.session.Session,
    isolated: bool = False,
) -> Any:
    keys: dict[str, Any] = {"aws_access_key_id": None, "aws_secret_access_key": None}
    found, frozen = (False, None) if isolated else _credentials(session)
    if isolated or (endpoint_url and not found):
        keys = {"aws_access_key_id": DUMMY_ACCESS_KEY, "aws_secret_access_key": DUMMY_SECRET_KEY}
    else:  # what the client signs with: never shown (redact)
        _register(frozen)
    client = session.create_client(  # the arguments boto3's Session.client passes on
        service,
        region_name=region or "us-east-1",
        api_version=None,
        use_ssl=True,
        verify=None,
        endpoint_url=endpoint_url,
        aws_session_token=None,
        config=client_config(parallelism, validate=service not in UNCHECKED_PARAMETERS),
        **keys,
    )
    client.meta.events.register("before-call", log_api_call)
    client.meta.events.register("after-call", check_answer)  # 200 with a page (not_api.py)
    drop_idle_handlers(client)
    signing.install(client)  # the same signatures, for less CPU (signing.py)
    pools.install(client)  # its pool and proxy found once per endpoint (pools.py)
    httpheaders.install()  # the same response headers, for less CPU (httpheaders.py)
    return client


# botocore's handlers, run for every call of every service, that change nothing in a
# request of a service whose model has no member or operation with the trait named (by
# the key of an operation's or a shape's definition): (event, handler's name in
# botocore.handlers, trait). Named, not imported: some are private to botocore, and one it
# renames or removes must not stop every command (IDLE_FOUND leaves it out: not dropped).
IDLE_HANDLERS = (
    # an idempotency token filled in where the caller gave none
    ("before-parameter-build", "generate_idempotent_uuid", "idempotencyToken"),
    # a response checksum's validation mode member
    ("before-parameter-build", "_handle_request_validation_mode_member", "httpChecksum"),
    # x-amz-api-version for an endpoint discovery operation
    ("before-call", "inject_api_version_header_if_needed", "endpointoperation"),
)


def _found(named: tuple[tuple[str, str, str], ...]) -> tuple[tuple[str, Any, str], ...]:
    """``(event, handler, trait)`` of each of ``named`` this botocore has."""
    found = ((event, getattr(botocore.handlers, name, None), trait) for event, name, trait in named)
    return tuple((event, handler, trait) for event, handler, trait in found if handler is not None)


IDLE_FOUND = _found(IDLE_HANDLERS)


def drop_idle_handlers(client: Any) -> None:
    """Unregister from ``client`` (its own copy of the session's handlers) the
    ``IDLE_HANDLERS`` its service's model gives nothing to do: each is a function call per
    API call that returns at once. Read from the model's definitions, every operation and
    every shape and member, so a trait anywhere keeps its handler."""
    model = client.meta.service_model._service_description
    found = _traits(model, {trait for _, _, trait in IDLE_FOUND})
    for event, handler, trait in IDLE_FOUND:
        if trait not in found:
            client.meta.events.unregister(event, handler)


def _traits(model: dict[str, Any], wanted: set[str]) -> set[str]:
    """Which of ``wanted`` are keys of an operation's, a shape's or a member's definition."""
    found: set[str] = set()
    for operation in model.get("operations", {}).values():
        found.update(wanted.intersection(operation))
    for shape in model.get("shapes", {}).values():
        found.update(wanted.intersection(shape))
        for member in shape.get("members", {}).values():
            found.update(wanted.intersection(member))
        for ref in ("member", "key", "value"):
            if isinstance(shape.get(ref), dict):
                found.update(wanted.intersection(shape[ref]))
    return found


def _credentials(session: botocore.session.Session) -> tuple[bool, Any]:
    """Whether the session has credentials, and them, frozen: had now (a role assumed, a
    credential_process run, a web identity's token file read).

    Raises ``UsageError`` for credentials that cannot be had: STS refusing the role
    (``ClientError``), a token file missing (``OSError``), an answer without them (a page:
    ``KeyError``) (QA-DL Q-DL-1); botocore's own errors go to ``make_client``."""
    try:
        credentials = session.get_credentials()
        frozen = credentials.get_frozen_credentials() if credentials is not None else None
    except (ClientError, OSError, KeyError) as exc:
        raise UsageError(setup_problem(exc, credentials=True)) from exc
    return credentials is not None, frozen


def _register(frozen: Any) -> None:
    """The credentials a client signs with (and the environment's), for ``redact``."""
    if frozen is None:
        register_credentials()
    else:
        register_credentials(frozen.access_key, frozen.secret_key, frozen.token)


class CachedUserAgent(UserAgentString):  # type: ignore[misc]  # botocore is untyped
    """botocore's User-Agent string, the same text, built once per set of features.

    botocore builds the string twice for every request (when the request is made, and
    again just before it is signed, to include the features the call used), from the
    platform, the client's config and the features: about 10% of the client's CPU on a
    1,000 x 1,000 read. Everything it depends on is fixed once the client exists, except
    the features (the call context's and the client's), so the text is kept per features.
    The session hands each client a copy (``with_client_config``), which gets its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._texts: dict[tuple[frozenset[str], frozenset[str]], str] = {}

    def set_session_config(self, *args: Any, **kwargs: Any) -> Any:
        self._texts = {}
        return super().set_session_config(*args, **kwargs)

    def set_client_features(self, features: Any) -> None:
        self._texts = {}
        super().set_client_features(features)

    def with_client_config(self, client_config: Any) -> Any:
        made = super().with_client_config(client_config)
        made._texts = {}
        return made

    def to_string(self) -> str:
        context = get_context()
        key = (
            frozenset(context.features) if context is not None else frozenset(),
            frozenset(self._client_features or ()),
        )
        text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = super().to_string()
        return text


def _as_boto3(session: botocore.session.Session) -> None:
    """What boto3's ``Session`` does to a botocore session that changes a client's requests:
    the User-Agent names Boto3 and its version, then botocore's. (boto3 also appends its
    resource models to the data path, which holds no model a client loads.)"""
    if session.user_agent_name == "Botocore":
        botocore_info = f"Botocore/{session.user_agent_version}"
        extra = session.user_agent_extra
        session.user_agent_extra = f"{extra} {botocore_info}" if extra else botocore_info
        session.user_agent_name = "Boto3"
        session.user_agent_version = version("boto3")


# botocore's variables of the profile, the first one set wins (its ``configprovider``)
PROFILE_VARIABLES = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")


def _profile_variable() -> str:
    """The variable botocore took the profile's name from (the first one set)."""
    return next((n for n in PROFILE_VARIABLES if os.environ.get(n)), "AWS_PROFILE")


def _profile_variables_set(session: botocore.session.Session) -> None:
    """An ``AWS_PROFILE`` set empty counts as unset, as every option's variable does
    (click's reading of ``--profile``'s): botocore took ``""`` as a profile's name and
    refused the run with "AWS profile '' not found" (Q-CE-1)."""
    names = [n for n in PROFILE_VARIABLES if os.environ.get(n)]  # without the empty ones
    session.session_var_map["profile"] = (None, names, None, None)


def _botocore_session() -> botocore.session.Session:
    """A botocore session that leaves timestamps as the text the API sent, walks responses
    with compiled code and builds the User-Agent string once per set of features.

    The tool never reads a timestamp, and parsing every ``UpdatedTimestamp`` of every
    membership and user with dateutil took 40-56% of a plan's time (bench/RESULTS.md)."""
    session = botocore.session.get_session()
    _profile_variables_set(session)
    factory = FastParserFactory()  # rest-json responses walked by compiled code (fastparse)
    factory.set_parser_defaults(timestamp_parser=timestamp_text)
    session.register_component("response_parser_factory", factory)
    session.register_component("user_agent_creator", CachedUserAgent.from_environment())
    return session
