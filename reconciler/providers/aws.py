"""The one place where boto3 sessions and clients are made.

Retries: botocore is told to make exactly one attempt per call (``total_max_attempts=1``)
and every retry is ours (``retry.py``). botocore's standard and adaptive modes do not retry
Chime's ``ThrottledClientException`` anyway, and one retry layer keeps API-call counts
predictable (each HTTP request is one attempt we decided on and logged).

Credentials: the usual chain (environment, ``--profile``, shared files, instance roles).
With ``endpoint_url`` (an emulator) and no credentials configured, dummy credentials are
used so that no AWS account is needed.
"""

from __future__ import annotations

from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.context import get_context
from botocore.exceptions import ProfileNotFound
from botocore.useragent import UserAgentString

from reconciler import __version__
from reconciler.errors import UsageError
from reconciler.logs import log_api_call
from reconciler.providers.fastparse import FastParserFactory, timestamp_text

DUMMY_ACCESS_KEY = "chime-reconciler-dummy"
DUMMY_SECRET_KEY = "chime-reconciler-dummy-secret"  # not a secret: for emulators only
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


def make_client(
    service: str,
    *,
    profile: str | None = None,
    region: str | None = "us-east-1",
    endpoint_url: str | None = None,
    parallelism: int = 8,
) -> Any:
    """A botocore client for ``service`` (``chime``, ``chime-sdk-messaging``, ...).

    Thread-safe: one client is shared by the ``parallelism`` worker threads.
    Raises ``UsageError`` for an unknown profile.
    """
    try:
        session = boto3.session.Session(
            botocore_session=_botocore_session(), profile_name=profile, region_name=region
        )
    except ProfileNotFound as exc:
        raise UsageError(f"AWS profile {profile!r} not found") from exc
    kwargs: dict[str, Any] = {}
    if endpoint_url and session.get_credentials() is None:
        kwargs = {"aws_access_key_id": DUMMY_ACCESS_KEY, "aws_secret_access_key": DUMMY_SECRET_KEY}
    client = session.client(
        service,
        region_name=region or "us-east-1",
        endpoint_url=endpoint_url,
        config=client_config(parallelism, validate=service not in UNCHECKED_PARAMETERS),
        **kwargs,
    )
    client.meta.events.register("before-call", log_api_call)
    return client


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


def _botocore_session() -> botocore.session.Session:
    """A botocore session that leaves timestamps as the text the API sent, walks responses
    with compiled code and builds the User-Agent string once per set of features.

    The tool never reads a timestamp, and parsing every ``UpdatedTimestamp`` of every
    membership and user with dateutil took 40-56% of a plan's time (bench/RESULTS.md)."""
    session = botocore.session.get_session()
    factory = FastParserFactory()  # rest-json responses walked by compiled code (fastparse)
    factory.set_parser_defaults(timestamp_parser=timestamp_text)
    session.register_component("response_parser_factory", factory)
    session.register_component("user_agent_creator", CachedUserAgent.from_environment())
    return session
