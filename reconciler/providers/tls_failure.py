"""What a failed TLS handshake means, said in the error a user sees.

botocore says ``SSL validation failed for https://HOST/... [SSL: WRONG_VERSION_NUMBER]
wrong version number``, the same words for an endpoint that speaks plain HTTP and for a
certificate that failed verification. ``explained`` adds which it was and what to do. A
TLS failure is not worth ten attempts: ``reconciler.providers.retry`` gives it the budget
of an endpoint that cannot be reached (3 attempts).
"""

from __future__ import annotations

# OpenSSL's words for an answer that is no TLS at all: a plain-HTTP server's "HTTP/1.0 ..."
_NOT_TLS = (
    "WRONG_VERSION_NUMBER",
    "PACKET_LENGTH_TOO_LONG",
    "RECORD_LAYER_FAILURE",
    "HTTP_REQUEST",
)
_CERTIFICATE = ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "hostname mismatch")

PLAIN_HTTP = (
    "the endpoint does not speak TLS (a plain-HTTP server, such as the emulator?): "
    "did you mean http://?"
)
UNVERIFIED = (
    "the endpoint's certificate failed verification (self-signed, or a TLS-intercepting "
    "proxy?): point AWS_CA_BUNDLE at the CA that signed it"
)


def explained(message: str) -> str:
    """``message`` (botocore's SSLError, one line) with what it means, when that is known."""
    if any(word in message for word in _NOT_TLS):
        return f"{message}: {PLAIN_HTTP}"
    if any(word in message for word in _CERTIFICATE):
        return f"{message}: {UNVERIFIED}"
    return message
