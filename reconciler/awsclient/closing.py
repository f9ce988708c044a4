"""Closing a botocore client's connections when a run ends, whatever still refers to them.

A botocore client is a cycle (its event hooks): left alone, it and its pools are freed
only by the garbage collector. ``client.close()`` alone does not close them either: it
empties the client's urllib3 pool managers, and urllib3 (2.x) then leaves each
connection pool, with its open sockets, to be closed when the pool is freed. A pool is
still referred to by the responses it gave (an error's, kept in a plan's error with its
traceback), and those live as long as the run's other objects: the run moves what exists
while it loads the desired state out of the garbage collector's reach
(``collector.paused(freeze=True)``), so in a process that outlives the run
(``reconciler.cli.main()`` called in a process of yours, the test suite's in-process
runs) they never were freed, nor their sockets closed. Here each pool is closed as it is
emptied out (as urllib3 1.x did): its idle connections now, one still in use when it is
given back. So are the connections the run's credential chain opened (the instance
metadata service's), which the run's botocore session keeps (``close_session``). A
closed client (and credential fetcher) then refuses to send: a request made with it
afterwards (a reader still under way when the run ended) fails without opening a
connection.
"""

from __future__ import annotations

from typing import Any

# where botocore's credential providers keep the fetcher that asks over HTTP: the instance
# metadata service's (InstanceMetadataProvider), a container's endpoint (ContainerProvider)
FETCHERS = ("_role_fetcher", "_fetcher")


def close_client(client: Any) -> None:
    """Close ``client`` (a botocore client) and every connection of its pools; a request
    made with it afterwards fails without connecting (``_refuse_new_connections``)."""
    http = getattr(getattr(client, "_endpoint", None), "http_session", None)
    _pools_closed_when_dropped(http)
    client.close()
    _refuse_new_connections(http)


def close_session(session: Any) -> None:
    """Close the connections the credential chain of ``session`` (a botocore session)
    opened: to the instance metadata service (169.254.169.254), where the run found its
    credentials there or looked for them, or to a container's credentials endpoint."""
    components = getattr(getattr(session, "_components", None), "_components", {})
    resolver = components.get("credential_provider")  # none made yet: nothing was asked
    for provider in getattr(resolver, "providers", ()):
        for name in FETCHERS:
            http = getattr(getattr(provider, name, None), "_session", None)
            if http is not None:
                _pools_closed_when_dropped(http)
                http.close()
                _refuse_new_connections(http)


def _pools_closed_when_dropped(http: Any) -> None:
    """Have the pool managers of a botocore ``URLLib3Session`` close each pool they drop
    (its ``close`` drops them all)."""
    managers = [getattr(http, "_manager", None)]
    managers += list(getattr(http, "_proxy_managers", {}).values())
    for manager in managers:
        pools = getattr(manager, "pools", None)
        if pools is not None:  # urllib3's RecentlyUsedContainer: calls it as it drops one
            pools.dispose_func = _close_pool


def _close_pool(pool: Any) -> None:
    pool.close()


class ClientClosed(RuntimeError):
    """A request made with a client once the run closed it."""


def _refuse_new_connections(http: Any) -> None:
    """Have a closed botocore ``URLLib3Session`` refuse to send: it made a new pool, and a
    connection in it, that nobody closed. A reader the run no longer waits for (one whose
    request was never answered when another read failed, or after a Ctrl-C) may still try
    one once its call ends (QA-GU Q-GU-1); it gets this error (botocore's
    ``HTTPClientError``) and stops, as it would have at its next check."""
    if http is None or not hasattr(http, "_get_connection_manager"):
        return

    def closed(*args: Any, **kwargs: Any) -> Any:
        raise ClientClosed("the client was closed when the run ended")

    http._get_connection_manager = closed
