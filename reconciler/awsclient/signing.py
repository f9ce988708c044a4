"""botocore's Signature Version 4, the same signature for less CPU per request.

botocore signs every request (``SigV4Auth``) by collecting the headers to sign into an
``email.message.Message`` (twice: for the canonical request and for the Authorization
header), parsing the URL twice for the Host header, and deriving the signing key from the
secret with four HMACs: together about a tenth of the client's CPU per call on a large
read (issue 13). ``CachedSigV4Auth`` computes the same values: the headers in a plain
dict (only when every value is ASCII text, where the Message keeps each value as given;
anything else goes to botocore's own), the Host header once per scheme, host and port
(it depends on nothing else), the signing key once per secret, day, region and service,
the body's hash from its bytes (botocore prepares the whole request again to get them).
Everything else (the canonical request, the string to sign, the Authorization header,
X-Amz-Date) is botocore's own code. ``tests/unit/providers/test_signing.py`` compares the
two on many requests, ``tests/e2e/test_client_wire.py`` the bytes on the wire.

``install(client)`` makes a client use it, through botocore's ``choose-signer`` event: its
handler is the last one, so it is asked only when none of botocore's handlers (nor any
other) chose a signer, where botocore signs with the default it passes along; only when
that default is plain ``v4`` (a standard signature: not a presigned URL or POST) does it
answer ``CachedSigV4Auth``'s name. Every other request is signed as before.
"""

from __future__ import annotations

import hmac
from functools import lru_cache
from hashlib import sha256
from typing import Any

import botocore.auth
from botocore.auth import EMPTY_SHA256_HASH, SIGNED_HEADERS_BLACKLIST, SigV4Auth, _host_from_url
from botocore.awsrequest import AWSRequest

from reconciler.redact import register_credentials

SIGNATURE_VERSION = "chime-reconciler-v4"  # botocore's v4, as signed by CachedSigV4Auth
_UNSAFE = frozenset("\t\r\n")  # botocore.utils.UNSAFE_URL_CHARS: _host_from_url reads them


class SignedHeaders(dict[str, list[str]]):
    """The headers to sign: lower-case name -> values in order, read as botocore reads
    its ``HTTPHeaders`` there (iterated for the names, ``get_all`` for the values)."""

    def get_all(self, name: str, failobj: Any = None) -> Any:
        return self.get(name, failobj)


class CachedSigV4Auth(SigV4Auth):  # type: ignore[misc]  # botocore is untyped
    """``SigV4Auth`` with the headers to sign kept in a dict and the Host header and the
    signing key computed once (see the module)."""

    def headers_to_sign(self, request: Any) -> Any:
        signed = SignedHeaders()
        for name, value in request.headers.items():
            if type(value) is not str or not value.isascii():
                # the Message may keep such a value otherwise (bytes, surrogates)
                return super().headers_to_sign(request)
            lname = name.lower()
            if lname not in SIGNED_HEADERS_BLACKLIST:
                values = signed.get(lname)
                if values is None:
                    signed[lname] = [value]
                else:
                    values.append(value)
        if "host" not in signed:
            signed["host"] = [host_header(request.url)]
        return signed

    def payload(self, request: Any) -> str:
        """The body's SHA-256 (``SigV4Auth.payload``), hashed from the request's bytes:
        botocore's reads ``request.body``, which prepares the whole request (URL, headers,
        Content-Length) to return these bytes as they are (``b""``: no body)."""
        data = request.data
        if (
            type(data) is not bytes
            or type(request) is not AWSRequest
            or self._is_streaming_checksum_payload(request)
            or not self._should_sha256_sign_payload(request)
        ):
            return str(super().payload(request))
        return sha256(data).hexdigest() if data else EMPTY_SHA256_HASH

    def signature(self, string_to_sign: str, request: Any) -> str:
        credentials = self.credentials  # refreshed ones too: never shown (redact)
        register_credentials(credentials.access_key, credentials.secret_key, credentials.token)
        key = signing_key(
            self.credentials.secret_key,
            request.context["timestamp"][0:8],
            self._region_name,
            self._service_name,
        )
        return hmac.new(key, string_to_sign.encode("utf-8"), sha256).hexdigest()


def host_header(url: str) -> str:
    """``_host_from_url(url)``: it reads the scheme, host and port (what precedes the
    first ``/`` after ``//``), and whether the URL has a tab or a line break (then it is
    asked as it is)."""
    cut = url.find("/", url.find("//") + 2)
    if cut < 0:
        return _host_of(url)
    if not _UNSAFE.isdisjoint(url[cut:]):
        return str(_host_from_url(url))
    return _host_of(url[:cut])


@lru_cache(maxsize=64)
def _host_of(base: str) -> str:
    return str(_host_from_url(base))


@lru_cache(maxsize=16)
def signing_key(secret: str, day: str, region: str, service: str) -> bytes:
    """SigV4's signing key (``SigV4Auth.signature``'s chain of HMACs), for one day."""
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), sha256).digest()
    return key


def choose_signer(signature_version: Any = None, **_: Any) -> str | None:
    """``choose-signer`` handler, the last one: ``SIGNATURE_VERSION`` where botocore would
    sign with plain ``v4``; None (botocore's default stands) anywhere else."""
    return SIGNATURE_VERSION if signature_version == "v4" else None


def install(client: Any) -> None:
    """Sign ``client``'s SigV4 requests with ``CachedSigV4Auth``."""
    botocore.auth.AUTH_TYPE_MAPS.setdefault(SIGNATURE_VERSION, CachedSigV4Auth)
    client.meta.events.register_last("choose-signer", choose_signer)
