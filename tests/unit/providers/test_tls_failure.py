"""A failed TLS handshake says what it means (Q-AR-3)."""

from __future__ import annotations

import pytest

from reconciler.providers.tls_failure import PLAIN_HTTP, UNVERIFIED, explained

URL = "SSL validation failed for https://chime.example/accounts/1/rooms"


def test_a_plain_http_endpoint_is_named() -> None:
    message = f"{URL} [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)"
    assert explained(message) == f"{message}: {PLAIN_HTTP}"
    assert explained(message).endswith("did you mean http://?")


def test_a_certificate_that_fails_verification_points_at_the_ca_bundle() -> None:
    message = (
        f"{URL} [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed "
        "certificate in certificate chain (_ssl.c:1006)"
    )
    assert explained(message) == f"{message}: {UNVERIFIED}"
    assert "AWS_CA_BUNDLE" in explained(message)


def test_any_other_tls_failure_is_left_as_botocore_said_it() -> None:
    message = f"{URL} EOF occurred in violation of protocol (_ssl.c:2427)"
    assert explained(message) == message


@pytest.mark.parametrize(
    "reason",
    [
        "[SSL: WRONG_VERSION_NUMBER] wrong version number",
        "[SSL: PACKET_LENGTH_TOO_LONG] packet length too long",
        "[SSL: RECORD_LAYER_FAILURE] record layer failure",
        "[SSL: HTTP_REQUEST] http request",
    ],
)
def test_each_way_openssl_words_a_plain_http_answer_is_named(reason: str) -> None:
    """OpenSSL versions word a plain-HTTP answer differently: each gets the "did you
    mean http://?" hint."""
    message = f"{URL} {reason} (_ssl.c:1006)"
    assert explained(message) == f"{message}: {PLAIN_HTTP}"


@pytest.mark.parametrize(
    "reason",
    [
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed",
        "certificate verify failed: unable to get local issuer certificate",
        "hostname mismatch, certificate is not valid for 'chime.example'",
    ],
)
def test_each_way_a_certificate_fails_verification_points_at_the_ca_bundle(reason: str) -> None:
    """With or without OpenSSL's bracketed code, and a hostname mismatch too: each gets the
    AWS_CA_BUNDLE hint."""
    message = f"{URL} {reason} (_ssl.c:1006)"
    assert explained(message) == f"{message}: {UNVERIFIED}"
