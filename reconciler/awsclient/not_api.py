"""A successful answer that is not the Chime API's (QA-HD Q-HD-3).

botocore reads a 2xx answer whose body is not JSON (a proxy's sign-in page, answered
``200 text/html``; any text) as ``{"message": <body>}``: no ``Rooms``, no ``Users``, so
every listing read as empty ("no Chime room named ...", "unknown member") and every write
so answered counted as made. Every answer of the Chime APIs the tool calls is a JSON object
or nothing (a 204), so a 2xx answer with a body that does not start with ``{`` is not the
API's: ``check_answer`` (a botocore ``after-call`` hook on every client, ``aws._client``)
raises ``NotApiAnswer`` for it, a ``ClientError`` with the answer's status, headers and
body, which ``providers/retry.py`` says as it says an HTML error page: one line naming the
endpoint, never retried, a write so answered a failed change.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

JSON_PROTOCOLS = ("rest-json", "json")  # the Chime APIs' (botocore's model metadata)
KEPT = 100_000  # characters of the body kept for the message (a page's title)


class NotApiAnswer(ClientError):  # type: ignore[misc]  # botocore is untyped
    """A 2xx answer whose body is not a JSON object: not the Chime API's."""


def check_answer(http_response: Any = None, model: Any = None, **_: Any) -> None:
    """botocore ``after-call`` hook: raise ``NotApiAnswer`` for a 2xx answer of a JSON
    API whose body is not a JSON object (an error status is botocore's ClientError
    already)."""
    if http_response is None or not 200 <= http_response.status_code < 300:
        return
    service = getattr(model, "service_model", None)
    if getattr(service, "protocol", None) not in JSON_PROTOCOLS:  # an XML one's is no page
        return
    body = http_response.content or b""
    if not body or body[:1] == b"{" or body.lstrip()[:1] in (b"{", b""):
        return
    status = http_response.status_code
    headers = {str(k).lower(): str(v) for k, v in http_response.headers.items()}
    answer = {
        "Error": {"Code": str(status), "Message": body[:KEPT].decode("utf-8", "replace")},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers},
    }
    raise NotApiAnswer(answer, getattr(model, "name", "") or "")
