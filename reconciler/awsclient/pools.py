"""urllib3's connection pool and botocore's proxy choice for a request, found once per
scheme and host rather than by parsing every request's URL.

botocore's ``URLLib3Session.send`` asks, for every request, which proxy serves its URL
(``ProxyConfiguration.proxy_url_for``: the URL parsed for its scheme) and which pool
(``PoolManager.connection_from_url``: the URL parsed by urllib3 for its scheme, host and
port, a pool key built and looked up): together about 6% of the client's CPU per call on
a read (issue 13), the same answers for every request to one endpoint. ``install(client)``
keeps them per ``scheme://authority`` (the text before the path), which is all either
reads of a URL:

* the proxy, per scheme (``http``, ``https``): the proxies are the session's, fixed when
  it was made;
* the pool, per ``scheme://authority`` text: the pool urllib3 gave for it and its key, as
  long as urllib3 keeps that pool under that key (one lookup, as urllib3's own, which
  marks it recently used; a pool it let go of, evicted or cleared, is asked for again).
  Only a weak reference to the pool is kept, and ``clear()`` forgets them all: a pool
  urllib3 let go of is freed, and its idle sockets closed, as without this cache (urllib3
  2.x closes a dropped pool only when it is freed; see ``closing.py``).
  A URL with anything unusual before its path (not ``http://`` or ``https://`` in lower
  case) is always asked of urllib3.

``tests/unit/test_pools.py`` checks the answers against botocore's and urllib3's own, and
that a kept answer is not asked for again.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from urllib3.poolmanager import PoolManager

_SCHEMES = ("http://", "https://")


def base(url: str) -> str | None:
    """``scheme://authority`` of ``url`` (what precedes its path, query or fragment), or
    None unless it starts with ``http://`` or ``https://``."""
    if not url.startswith(_SCHEMES):
        return None
    start = url.index("//") + 2
    end = len(url)
    for mark in "/?#":
        at = url.find(mark, start)
        if 0 <= at < end:
            end = at
    return url[:end]


class KnownPools(PoolManager):
    """``PoolManager`` whose ``connection_from_url`` keeps, per base, the pool urllib3
    gave (a weak reference: urllib3's own is what keeps it alive) and the key it keeps it
    under: the pool is returned while urllib3 still keeps it under that key (looked up as
    urllib3 looks it up, which marks it recently used)."""

    def connection_from_url(self, url: str, pool_kwargs: dict[str, Any] | None = None) -> Any:
        if pool_kwargs is not None:
            return super().connection_from_url(url, pool_kwargs)
        base_ = base(url)
        if base_ is None:
            return super().connection_from_url(url)
        known: dict[str, tuple[Any, weakref.ref[Any]]] = self.__dict__.setdefault("_by_base", {})
        found = known.get(base_)
        if found is not None:
            key, kept = found
            pool = kept()
            if pool is not None and self.pools.get(key) is pool:
                return pool
        asked = self.__dict__.setdefault("_asked", threading.local())
        asked.key = None
        pool = super().connection_from_url(url)
        if asked.key is not None:
            known[base_] = (asked.key, weakref.ref(pool))
        return pool

    def clear(self) -> None:
        self.__dict__.pop("_by_base", None)
        super().clear()

    def connection_from_pool_key(self, pool_key: Any, request_context: dict[str, Any]) -> Any:
        pool = super().connection_from_pool_key(pool_key, request_context)
        asked = self.__dict__.get("_asked")
        if asked is not None:
            asked.key = pool_key
        return pool


class _KnownProxy:
    """``proxy_url_for`` of one ``ProxyConfiguration``, kept per scheme."""

    def __init__(self, ask: Any) -> None:
        self._ask = ask
        self._by_scheme: dict[str, Any] = {}

    def __call__(self, url: str) -> Any:
        if not url.startswith(_SCHEMES):
            return self._ask(url)
        scheme = url[: url.index(":")]
        if scheme not in self._by_scheme:
            self._by_scheme[scheme] = self._ask(url)
        return self._by_scheme[scheme]


def install(client: Any) -> None:
    """Keep ``client``'s pools and proxy choice as above, where its HTTP session is
    botocore's own (``URLLib3Session``) with urllib3's ``PoolManager``."""
    session = getattr(client._endpoint, "http_session", None)
    manager = getattr(session, "_manager", None)
    if type(manager) is PoolManager:
        manager.__class__ = KnownPools
    proxies = getattr(session, "_proxy_config", None)
    ask = getattr(proxies, "proxy_url_for", None)
    if ask is not None and not isinstance(ask, _KnownProxy):
        proxies.proxy_url_for = _KnownProxy(ask)  # type: ignore[union-attr]
