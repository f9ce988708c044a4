"""Closing a botocore client's connections when a run ends, whatever still refers to them.

``client.close()`` alone does not: it empties the client's urllib3 pool managers, and
urllib3 (2.x) then leaves each connection pool, with its open sockets, to be closed when
the pool is freed. A pool is still referred to by the responses it gave (an error's,
kept in a plan's error with its traceback), and those live as long as the run's other
objects: the run moves what exists while it loads the desired state out of the garbage
collector's reach (``collector.paused(freeze=True)``), so in a process that outlives the
run (``reconciler.cli.main()`` called in a process of yours, the test suite's in-process
runs) they never were freed, nor their sockets closed. Here each pool is closed as it is
emptied out (as urllib3 1.x did): its idle connections now, one still in use when it is
given back.
"""

from __future__ import annotations

from typing import Any


def close_client(client: Any) -> None:
    """Close ``client`` (a botocore client) and every connection of its pools."""
    session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    managers = [getattr(session, "_manager", None)]
    managers += list(getattr(session, "_proxy_managers", {}).values())
    for manager in managers:
        pools = getattr(manager, "pools", None)
        if pools is not None:  # urllib3's RecentlyUsedContainer: calls it as it drops one
            pools.dispose_func = _close_pool
    client.close()


def _close_pool(pool: Any) -> None:
    pool.close()
