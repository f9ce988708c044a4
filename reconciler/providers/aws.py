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
from botocore.exceptions import ProfileNotFound

from reconciler import __version__
from reconciler.errors import UsageError
from reconciler.logs import log_api_call
from reconciler.providers.fastparse import FastParserFactory

DUMMY_ACCESS_KEY = "chime-reconciler-dummy"
DUMMY_SECRET_KEY = "chime-reconciler-dummy-secret"  # not a secret: for emulators only
CONNECT_TIMEOUT = 5.0  # seconds
READ_TIMEOUT = 30.0  # seconds


def client_config(parallelism: int = 8) -> Config:
    """One attempt per call, a connection pool as large as the threads sharing the client."""
    return Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        max_pool_connections=max(10, parallelism + 2),
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        user_agent_extra=f"chime-reconciler/{__version__}",
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
        config=client_config(parallelism),
        **kwargs,
    )
    client.meta.events.register("before-call", log_api_call)
    return client


def _keep_timestamp_text(value: str) -> str:
    return value


def _botocore_session() -> botocore.session.Session:
    """A botocore session that leaves timestamps as the text the API sent.

    The tool never reads a timestamp, and parsing every ``UpdatedTimestamp`` of every
    membership and user with dateutil took 40-56% of a plan's time (bench/RESULTS.md)."""
    session = botocore.session.get_session()
    factory = FastParserFactory()  # rest-json responses walked by compiled code (fastparse)
    factory.set_parser_defaults(timestamp_parser=_keep_timestamp_text)
    session.register_component("response_parser_factory", factory)
    return session
