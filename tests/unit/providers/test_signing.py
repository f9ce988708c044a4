"""``CachedSigV4Auth`` signs as botocore's ``SigV4Auth`` does, header for header, on
requests of every shape botocore may hand it (and falls back to it where its shortcuts do
not apply)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from reconciler.awsclient.signing import CachedSigV4Auth, host_header

NOW = datetime.datetime(2026, 12, 1, 23, 59, 59)
URLS = [
    "https://chime.us-east-1.amazonaws.com/accounts/a1/rooms/r1/memberships?max-results=99",
    "https://chime.us-east-1.amazonaws.com:443/accounts",
    "http://127.0.0.1:8080/accounts?user-email=a%40b.example&max-results=200",
    "http://127.0.0.1:80/accounts",
    "http://localhost:5000",
    "http://LocalHost:5000?x=/y",
    "http://user:pw@example.com:8443/a/b",
    "http://[::1]:8080/meetings/m1/attendees",
    "https://[2001:db8::1]/x?y=1",
    "http://example.com/a\tb",
    "http://[::1]:8080/a\nb",
]
HEADERS: list[list[tuple[str, Any]]] = [
    [],
    [("Content-Type", "application/json"), ("User-Agent", "Boto3/1 md/x")],
    [("X-Amz-Meta", "a   b \t c "), ("x-amz-meta", "second"), ("Expect", "100-continue")],
    [("Host", "other.example:1234"), ("Connection", "keep-alive"), ("TE", "trailers")],
    [("amz-sdk-request", "attempt=1; max=1"), ("X-Amz-Target", b"bytes value")],
    [("X-Note", "caf\u00e9"), ("Content-Type", "application/x-amz-json-1.1")],
    [("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"), ("Date", "Tue, 01 Dec 2026 23:59:59 GMT")],
]
BODIES: list[Any] = [b"", b'{"MembershipItemList":[]}', None, "text \u00e9", {"a": "b c"}, "stream"]


def signed(cls: type[SigV4Auth], credentials: Credentials, url: str, headers: Any, body: Any,
           region: str = "us-east-1", service: str = "chime",
           unsigned: bool = False) -> dict[str, Any]:  # fmt: skip
    data = io.BytesIO(b"a stream") if body == "stream" else body
    request = AWSRequest(method="POST" if body else "GET", url=url, data=data)
    request.context["payload_signing_enabled"] = not unsigned
    for name, value in headers:
        request.headers[name] = value
    try:
        cls(credentials.get_frozen_credentials(), service, region).add_auth(request)
    except Exception as exc:  # botocore's own failure (bytes values): ours must fail alike
        return {"error": type(exc).__name__}
    return {"headers": list(request.headers.items()), "timestamp": request.context["timestamp"]}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: NOW)


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("headers", HEADERS)
def test_the_signed_headers_are_botocores(url: str, headers: Any) -> None:
    for credentials in (Credentials("AKID", "secret"), Credentials("AKID2", "s3cr3t", "tok")):
        for body in BODIES:
            for unsigned in (False, True):  # an operation with payload signing off
                theirs = signed(SigV4Auth, credentials, url, headers, body, unsigned=unsigned)
                ours = signed(CachedSigV4Auth, credentials, url, headers, body, unsigned=unsigned)
                assert ours == theirs
                # again, from the caches
                ours = signed(CachedSigV4Auth, credentials, url, headers, body, unsigned=unsigned)
                assert ours == theirs


def test_the_signing_key_follows_the_day_the_secret_the_region_and_the_service(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = URLS[0]
    for day in (NOW, NOW + datetime.timedelta(seconds=1)):  # across midnight
        monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda day=day: day)
        for secret in ("one", "two"):
            credentials = Credentials("AKID", secret)
            for region, service in (("us-east-1", "chime"), ("eu-west-1", "chime"),
                                    ("us-east-1", "messaging-chime")):  # fmt: skip
                theirs = signed(SigV4Auth, credentials, url, [], b"", region, service)
                ours = signed(CachedSigV4Auth, credentials, url, [], b"", region, service)
                assert ours == theirs


@pytest.mark.parametrize("url", URLS)
def test_the_host_header_is_botocores(url: str) -> None:
    assert host_header(url) == botocore.auth._host_from_url(url)
