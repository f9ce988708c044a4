"""``awsclient.pools``: the pool and the proxy of a request are urllib3's and botocore's
own answers, found once per scheme and authority."""

from __future__ import annotations

import gc
import weakref

import pytest
from botocore.httpsession import ProxyConfiguration
from urllib3.poolmanager import PoolManager

from reconciler.awsclient import pools
from reconciler.awsclient.aws import make_client

URLS = [
    "http://127.0.0.1:9/accounts/a/rooms?max-results=99",
    "http://127.0.0.1:9/accounts/b/rooms/c/memberships?next-token=x%2Fy",
    "http://127.0.0.1:9?x=1",
    "http://127.0.0.1:9#f",
    "http://127.0.0.1:9",
    "https://chime.us-east-1.amazonaws.com/accounts",
    "https://CHIME.us-east-1.amazonaws.com:443/accounts",
    "http://user:pw@[::1]:8080/x",
    "HTTP://127.0.0.1:9/upper-case-scheme",
    "//127.0.0.1:9/no-scheme",
]


def _not_asked(*_: object, **__: object) -> None:
    raise AssertionError("asked again")


@pytest.mark.parametrize("url", URLS)
def test_the_pool_is_urllib3s(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stock, known = PoolManager(), PoolManager()
    known.__class__ = pools.KnownPools
    mine, theirs = known.connection_from_url(url), stock.connection_from_url(url)
    assert (mine.scheme, mine.host, mine.port) == (theirs.scheme, theirs.host, theirs.port)
    assert mine is known.connection_from_url(url)
    monkeypatch.setattr(PoolManager, "connection_from_url", _not_asked)
    if pools.base(url) is None:  # anything unusual before the path: urllib3 is asked
        with pytest.raises(AssertionError, match="asked again"):
            known.connection_from_url(url)
    else:  # kept: urllib3 is not asked again
        assert known.connection_from_url(url) is mine


def test_a_pool_urllib3_let_go_of_is_asked_for_again() -> None:
    known = PoolManager()
    known.__class__ = pools.KnownPools
    first = known.connection_from_url(URLS[0])
    assert known.connection_from_url(URLS[1]) is first
    known.clear()  # urllib3 lets every pool go
    again = known.connection_from_url(URLS[1])
    assert again is not first and again is known.connection_from_url(URLS[0])
    for port in range(10):  # evicted: urllib3 keeps 10
        known.connection_from_url(f"http://127.0.0.1:{100 + port}/")
    assert known.connection_from_url(URLS[0]) is not again


def _dropped(known: PoolManager, drop: str) -> bool:
    """Whether the pool ``known`` gave for ``URLS[0]`` is freed once urllib3 lets it go
    (``clear()``, or evicted by another host's): a pool closes its idle sockets only when
    it is freed (urllib3 2.x), so one kept alive keeps them open."""
    freed = weakref.ref(known.connection_from_url(URLS[0]))
    if drop == "clear":
        known.clear()
    else:
        known.connection_from_url("http://127.0.0.1:100/")
    gc.collect()
    return freed() is None


@pytest.mark.parametrize("drop", ["clear", "evict"])
def test_a_pool_urllib3_let_go_of_is_freed(drop: str) -> None:
    known = PoolManager(num_pools=1)
    known.__class__ = pools.KnownPools
    assert _dropped(known, drop)
    assert known.connection_from_url(URLS[0]) is known.connection_from_url(URLS[1])


def test_a_closed_clients_pools_are_freed() -> None:
    """A plain ``client.close()`` (not ``closing.close_client``) frees the client's pools."""
    client = make_client("chime", endpoint_url="http://127.0.0.1:9")
    manager = client._endpoint.http_session._manager
    freed = weakref.ref(manager.connection_from_url(URLS[0]))
    client.close()
    gc.collect()
    assert freed() is None


@pytest.mark.parametrize(
    "proxies", [{}, {"https": "proxy.example:3128"}, {"http": "//p:1", "https": "https://p:2"}]
)
def test_the_proxy_is_botocores(proxies: dict[str, str]) -> None:
    stock, known = ProxyConfiguration(proxies=proxies), ProxyConfiguration(proxies=proxies)
    asked: list[str] = []

    def ask(url: str) -> str | None:
        asked.append(url)
        return stock.proxy_url_for(url)

    known.proxy_url_for = pools._KnownProxy(ask)  # type: ignore[method-assign]
    for url in URLS * 2:
        assert known.proxy_url_for(url) == stock.proxy_url_for(url)
    # once per scheme (http, https), and every time for a URL of neither in lower case
    unusual = [url for url in URLS if pools.base(url) is None]
    assert asked == [URLS[0], URLS[5], *unusual, *unusual]


def test_base() -> None:
    assert pools.base("http://h:1/p?q") == "http://h:1"
    assert pools.base("https://h?q/p") == "https://h"
    assert pools.base("https://h#f/p") == "https://h"
    assert pools.base("http://h") == "http://h"
    assert pools.base("HTTP://h/p") is None
    assert pools.base("ftp://h/p") is None


def test_a_client_keeps_its_pools() -> None:
    client = make_client("chime", endpoint_url="http://127.0.0.1:9")
    session = client._endpoint.http_session
    assert type(session._manager) is pools.KnownPools
    assert isinstance(session._proxy_config.proxy_url_for, pools._KnownProxy)
