"""A failed TLS handshake says what it means (Q-AR-3)."""

from __future__ import annotations

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
