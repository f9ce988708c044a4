"""A successful answer that is not the Chime API's (QA-HD Q-HD-3).

botocore reads a 2xx answer whose body is not JSON (a proxy's sign-in page, answered
``200 text/html``; any text) as ``{"message": <body>}``: no ``Rooms``, no ``Users``, so
every listing read as empty ("no Chime room named ...", "unknown member") and every write
so answered counted as made. Every answer of the Chime APIs the tool calls is a JSON object
or nothing (a 204, of an operation with no output), so a 2xx answer with a body that does
not start with ``{`` is not the API's, nor is a blank one (white space only, or none where
the operation's output has members: botocore reads it as ``{}``, QA-HI Q-HI-4):
``check_answer`` (a botocore ``after-call`` hook on every client, ``aws._client``)
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
    if body.lstrip()[:1] == b"{" or (not body and not _has_output(model)):
        return
    status = http_response.status_code
    headers = {str(k).lower(): str(v) for k, v in http_response.headers.items()}
    answer = {
        "Error": {"Code": str(status), "Message": body[:KEPT].decode("utf-8", "replace")},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": headers},
    }
    raise NotApiAnswer(answer, getattr(model, "name", "") or "")


def _has_output(model: Any) -> bool:
    """Whether the operation's answer has members (``ListRooms``, ``CreateRoomMembership``):
    then the API answers it with a JSON object, never with no body."""
    shape = getattr(model, "output_shape", None)
    return bool(getattr(shape, "members", None))
